/**
 * The records the group coordinator writes to __consumer_offsets, in Kafka's formats and at the
 * versions Kafka writes (GroupCoordinatorRecordHelpers):
 *
 *   offset commit:  key OffsetCommitKey v1 (the key version is the record type) | value OffsetCommitValue v3,
 *                   or v1 when the commit carries an expire timestamp (OffsetCommit v2-v4 retention)
 *   group metadata: key GroupMetadataKey v2 | value GroupMetadataValue v3
 *   tombstones:     the key with a null value
 *
 * Each key and value starts with its int16 version (coordinator-record-serde.ts).
 */
import type { CoordinatorRecordSerde } from '../runtime/coordinator-runtime.js';
import { decodeCoordinatorRecord, encodeCoordinatorRecord, type CoordinatorRecord } from '../../protocol/coordinator-record-serde.js';
import type { GroupMetadataValue } from '../../protocol/generated/group-coordinator/group-metadata-value.js';
import type { OffsetCommitValue } from '../../protocol/generated/group-coordinator/offset-commit-value.js';
import type { ClassicGroup } from './classic-group.js';

export const OFFSET_COMMIT_RECORD_TYPE = 1;
export const LEGACY_OFFSET_COMMIT_RECORD_TYPE = 0;
export const GROUP_METADATA_RECORD_TYPE = 2;
export const GROUP_METADATA_VALUE_VERSION = 3;

export interface OffsetAndMetadata {
  committedOffset: bigint;
  /** -1 when unknown. */
  leaderEpoch: number;
  metadata: string;
  commitTimestampMs: number;
  /** null unless the commit set a retention (OffsetCommit v2-v4). */
  expireTimestampMs: number | null;
  /** Offset of the record in the log. */
  recordOffset: bigint;
}

export function offsetCommitRecord(groupId: string, topic: string, partition: number, o: OffsetAndMetadata): CoordinatorRecord {
  const value: OffsetCommitValue = {
    offset: o.committedOffset,
    leaderEpoch: o.leaderEpoch,
    metadata: o.metadata,
    commitTimestamp: BigInt(o.commitTimestampMs),
    expireTimestamp: o.expireTimestampMs === null ? -1n : BigInt(o.expireTimestampMs),
  };
  return {
    type: OFFSET_COMMIT_RECORD_TYPE,
    key: { group: groupId, topic, partition },
    value: { version: o.expireTimestampMs === null ? 3 : 1, data: value },
  };
}

export function offsetCommitTombstone(groupId: string, topic: string, partition: number): CoordinatorRecord {
  return { type: OFFSET_COMMIT_RECORD_TYPE, key: { group: groupId, topic, partition }, value: null };
}

export function offsetFromRecord(recordOffset: bigint, v: OffsetCommitValue): OffsetAndMetadata {
  return {
    committedOffset: v.offset,
    leaderEpoch: v.leaderEpoch < 0 ? -1 : v.leaderEpoch,
    metadata: v.metadata,
    commitTimestampMs: Number(v.commitTimestamp),
    expireTimestampMs: v.expireTimestamp < 0n ? null : Number(v.expireTimestamp),
    recordOffset,
  };
}

/** The group with each member's assignment (members must support the group's protocol). */
export function groupMetadataRecord(group: ClassicGroup, assignment: ReadonlyMap<string, Buffer>): CoordinatorRecord {
  const members = group.allMembers().map((m) => {
    if (group.protocolName === null) throw new Error('Attempted to write non-empty group metadata with no defined protocol.');
    const a = assignment.get(m.memberId);
    if (a === undefined) throw new Error(`Attempted to write member ${m.memberId} of group ${group.groupId} with no assignment.`);
    return {
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      rebalanceTimeout: m.rebalanceTimeoutMs,
      sessionTimeout: m.sessionTimeoutMs,
      subscription: m.metadata(group.protocolName),
      assignment: a,
    };
  });
  const value: GroupMetadataValue = {
    protocolType: group.protocolType ?? '',
    generation: group.generationId,
    protocol: group.protocolName,
    leader: group.leaderId,
    currentStateTimestamp: BigInt(group.currentStateTimestamp ?? -1),
    members,
  };
  return { type: GROUP_METADATA_RECORD_TYPE, key: { group: group.groupId }, value: { version: GROUP_METADATA_VALUE_VERSION, data: value } };
}

/** Written when a JoinGroup creates a group, so the group exists in the log. */
export function emptyGroupMetadataRecord(group: ClassicGroup): CoordinatorRecord {
  const value: GroupMetadataValue = {
    protocolType: '',
    generation: 0,
    protocol: null,
    leader: null,
    currentStateTimestamp: BigInt(group.currentStateTimestamp ?? -1),
    members: [],
  };
  return { type: GROUP_METADATA_RECORD_TYPE, key: { group: group.groupId }, value: { version: GROUP_METADATA_VALUE_VERSION, data: value } };
}

export function groupMetadataTombstone(groupId: string): CoordinatorRecord {
  return { type: GROUP_METADATA_RECORD_TYPE, key: { group: groupId }, value: null };
}

const HANDLED_TYPES = new Set([LEGACY_OFFSET_COMMIT_RECORD_TYPE, OFFSET_COMMIT_RECORD_TYPE, GROUP_METADATA_RECORD_TYPE]);

/** Serde for the runtime: records of types this coordinator does not handle (KIP-848, share groups) are skipped on load. */
export const consumerOffsetsSerde: CoordinatorRecordSerde<CoordinatorRecord> = {
  serialize: (record) => encodeCoordinatorRecord('__consumer_offsets', record),
  deserialize: (key, value) => {
    if (key.length < 2 || !HANDLED_TYPES.has(key.readInt16BE(0))) return null;
    return decodeCoordinatorRecord('__consumer_offsets', key, value);
  },
};
