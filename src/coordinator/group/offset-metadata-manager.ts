/**
 * Committed offsets of the groups of one __consumer_offsets partition (Kafka's
 * OffsetMetadataManager): OffsetCommit, OffsetFetch, OffsetDelete, deletion with the group, and
 * expiration after offsets.retention.minutes. The offsets map changes only by replaying
 * OffsetCommit records (and tombstones), at load and after each append.
 */
import { ErrorCode, KafkaError } from '../../protocol/error-codes.js';
import type { CoordinatorRecord } from '../../protocol/coordinator-record-serde.js';
import type { OffsetCommitResponseOffsetCommitResponseTopic } from '../../protocol/generated/api/08-offset-commit.js';
import type { OffsetDeleteResponse } from '../../protocol/generated/api/47-offset-delete.js';
import type { OffsetCommitValue } from '../../protocol/generated/group-coordinator/offset-commit-value.js';
import type { ClassicGroup } from './classic-group.js';
import type { GroupCoordinatorConfig } from './group-coordinator-config.js';
import { GroupMetadataManager, type GroupRequestContext, type Result } from './group-metadata-manager.js';
import { offsetCommitRecord, offsetCommitTombstone, offsetFromRecord, type OffsetAndMetadata } from './records.js';

/** OffsetCommit v2-v4 retention_time_ms meaning "use the broker's retention". */
export const DEFAULT_RETENTION_TIME = -1n;
/** The committed offset OffsetFetch reports for a partition without one. */
export const INVALID_OFFSET = -1n;

export interface OffsetCommitParams {
  groupId: string;
  generationIdOrMemberEpoch: number;
  memberId: string;
  groupInstanceId: string | null;
  retentionTimeMs: bigint;
  topics: { name: string; partitions: { partitionIndex: number; committedOffset: bigint; committedLeaderEpoch: number; committedMetadata: string | null }[] }[];
}

export interface FetchedPartition {
  partitionIndex: number;
  committedOffset: bigint;
  committedLeaderEpoch: number;
  metadata: string;
  errorCode: number;
}

export interface FetchedTopic {
  name: string;
  partitions: FetchedPartition[];
}

export interface OffsetDeleteParams {
  groupId: string;
  topics: { name: string; partitions: { partitionIndex: number }[] }[];
}

type TopicOffsets = Map<number, OffsetAndMetadata>;
type GroupOffsets = Map<string, TopicOffsets>;

/** TxnOffsetCommit: an offset commit made by a transactional producer. */
export interface TxnOffsetCommitParams {
  groupId: string;
  producerId: bigint;
  producerEpoch: number;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  topics: { name: string; partitions: { partitionIndex: number; committedOffset: bigint; committedLeaderEpoch: number; committedMetadata: string | null }[] }[];
}

export class OffsetMetadataManager {
  private readonly offsetsByGroup = new Map<string, GroupOffsets>();
  /**
   * Offsets committed inside a transaction, by producer id, kept apart until the transaction's
   * marker is replayed: COMMIT moves them into the committed offsets, ABORT drops them (Kafka's
   * pendingTransactionalOffsets).
   */
  private readonly pendingTxnOffsets = new Map<bigint, Map<string, GroupOffsets>>();

  constructor(
    private readonly groups: GroupMetadataManager,
    private readonly config: GroupCoordinatorConfig,
    private readonly now: () => number,
  ) {}

  // ---- store

  offset(groupId: string, topic: string, partition: number): OffsetAndMetadata | undefined {
    return this.offsetsByGroup.get(groupId)?.get(topic)?.get(partition);
  }

  private put(groupId: string, topic: string, partition: number, o: OffsetAndMetadata): void {
    let byTopic = this.offsetsByGroup.get(groupId);
    if (!byTopic) this.offsetsByGroup.set(groupId, (byTopic = new Map()));
    let byPartition = byTopic.get(topic);
    if (!byPartition) byTopic.set(topic, (byPartition = new Map()));
    byPartition.set(partition, o);
  }

  private remove(groupId: string, topic: string, partition: number): void {
    const byTopic = this.offsetsByGroup.get(groupId);
    const byPartition = byTopic?.get(topic);
    if (!byTopic || !byPartition) return;
    byPartition.delete(partition);
    if (byPartition.size === 0) byTopic.delete(topic);
    if (byTopic.size === 0) this.offsetsByGroup.delete(groupId);
  }

  numOffsets(groupId: string): number {
    let n = 0;
    for (const t of this.offsetsByGroup.get(groupId)?.values() ?? []) n += t.size;
    return n;
  }

  // ---- OffsetCommit

  /** ClassicGroup.validateOffsetCommit; transactional commits skip the membership-less and rebalance checks. */
  private validateClassicOffsetCommit(group: ClassicGroup, request: OffsetCommitParams, isTransactional = false): void {
    if (group.isInState('Dead')) throw new KafkaError(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    const generationId = request.generationIdOrMemberEpoch;
    // Generation -1 comes from the admin client or a consumer without group management: fine while the group is empty.
    if (generationId < 0 && group.isInState('Empty')) return;
    if (generationId >= 0 || request.memberId !== '' || request.groupInstanceId !== null) {
      group.validateMember(request.memberId, request.groupInstanceId);
      if (generationId !== group.generationId) throw new KafkaError(ErrorCode.ILLEGAL_GENERATION);
    } else if (!isTransactional && !group.isInState('Empty')) {
      throw new KafkaError(ErrorCode.UNKNOWN_MEMBER_ID);
    }
    // The member has a valid generation but no assignment yet: let it rejoin gracefully.
    if (!isTransactional && group.isInState('CompletingRebalance')) throw new KafkaError(ErrorCode.REBALANCE_IN_PROGRESS);
  }

  private validateOffsetCommit(context: GroupRequestContext, request: OffsetCommitParams): void {
    let group = this.groups.groups.get(request.groupId);
    if (!group) {
      if (request.generationIdOrMemberEpoch < 0) {
        // A so-called simple consumer group: offsets without membership.
        group = this.groups.getOrMaybeCreateClassicGroup(request.groupId, true);
      } else if (context.apiVersion >= 9) {
        throw new KafkaError(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${request.groupId} not found.`);
      } else {
        throw new KafkaError(ErrorCode.ILLEGAL_GENERATION);
      }
    }
    this.validateClassicOffsetCommit(group, request);
    // Classic members' commits keep their session alive in Stable and PreparingRebalance.
    if (group.isInState('Stable') || group.isInState('PreparingRebalance')) {
      const member = group.member(request.memberId);
      if (member) this.groups.rescheduleClassicGroupMemberHeartbeat(group, member);
    }
  }

  commitOffset(context: GroupRequestContext, request: OffsetCommitParams): Result<OffsetCommitResponseOffsetCommitResponseTopic[]> {
    this.validateOffsetCommit(context, request);
    const nowMs = this.now();
    const expireTimestampMs = request.retentionTimeMs === DEFAULT_RETENTION_TIME ? null : nowMs + Number(request.retentionTimeMs);
    return this.offsetCommitRecords(request.groupId, request.topics, nowMs, expireTimestampMs);
  }

  /** One OffsetCommit record per partition; metadata above offset.metadata.max.bytes answers OFFSET_METADATA_TOO_LARGE instead. */
  private offsetCommitRecords(
    groupId: string,
    requestTopics: OffsetCommitParams['topics'],
    nowMs: number,
    expireTimestampMs: number | null,
  ): Result<OffsetCommitResponseOffsetCommitResponseTopic[]> {
    const records: CoordinatorRecord[] = [];
    const topics: OffsetCommitResponseOffsetCommitResponseTopic[] = [];
    for (const t of requestTopics) {
      const partitions: { partitionIndex: number; errorCode: number }[] = [];
      topics.push({ name: t.name, partitions });
      for (const p of t.partitions) {
        if (p.committedMetadata !== null && p.committedMetadata.length > this.config.offsetMetadataMaxSize) {
          partitions.push({ partitionIndex: p.partitionIndex, errorCode: ErrorCode.OFFSET_METADATA_TOO_LARGE });
          continue;
        }
        partitions.push({ partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE });
        records.push(offsetCommitRecord(groupId, t.name, p.partitionIndex, {
          committedOffset: p.committedOffset,
          leaderEpoch: p.committedLeaderEpoch < 0 ? -1 : p.committedLeaderEpoch,
          metadata: p.committedMetadata ?? '',
          commitTimestampMs: nowMs,
          expireTimestampMs,
          recordOffset: -1n,
        }));
      }
    }
    return { records, response: topics };
  }

  // ---- TxnOffsetCommit

  /**
   * Kafka's OffsetMetadataManager.commitTransactionalOffset: the records are written with the
   * producer's id (the runtime's transactional write) and become committed offsets only when the
   * transaction's COMMIT marker is replayed.
   */
  commitTransactionalOffset(context: GroupRequestContext, request: TxnOffsetCommitParams): Result<OffsetCommitResponseOffsetCommitResponseTopic[]> {
    const asCommit: OffsetCommitParams = {
      groupId: request.groupId,
      generationIdOrMemberEpoch: request.generationId,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
      retentionTimeMs: DEFAULT_RETENTION_TIME,
      topics: request.topics,
    };
    let group = this.groups.groups.get(request.groupId);
    if (!group) {
      if (request.generationId >= 0) throw new KafkaError(ErrorCode.ILLEGAL_GENERATION);
      group = this.groups.getOrMaybeCreateClassicGroup(request.groupId, true);
    }
    this.validateClassicOffsetCommit(group, asCommit, true);
    const nowMs = this.now();
    return this.offsetCommitRecords(request.groupId, request.topics, nowMs, null);
  }

  /** True when a transaction has an offset of this partition pending (OffsetFetch with requireStable answers UNSTABLE_OFFSET_COMMIT). */
  hasPendingTransactionalOffset(groupId: string, topic: string, partition: number): boolean {
    for (const byGroup of this.pendingTxnOffsets.values()) if (byGroup.get(groupId)?.get(topic)?.has(partition)) return true;
    return false;
  }

  /** Applies a transaction marker of `producerId`: its pending offsets become committed (COMMIT) or are dropped (ABORT). */
  replayEndTransactionMarker(producerId: bigint, commit: boolean): void {
    const pending = this.pendingTxnOffsets.get(producerId);
    if (!pending) return;
    this.pendingTxnOffsets.delete(producerId);
    if (!commit) return;
    for (const [groupId, byTopic] of pending) {
      // The group may have been deleted meanwhile; Kafka then drops the offsets.
      if (!this.groups.groups.has(groupId)) continue;
      for (const [topic, byPartition] of byTopic) {
        for (const [partition, o] of byPartition) {
          const existing = this.offset(groupId, topic, partition);
          // A later non-transactional commit wins over an older transactional one.
          if (existing === undefined || existing.recordOffset < o.recordOffset) this.put(groupId, topic, partition, o);
        }
      }
    }
  }

  // ---- OffsetFetch

  private groupForFetch(groupId: string): ClassicGroup | null {
    const g = this.groups.groups.get(groupId);
    return !g || g.isInState('Dead') ? null : g;
  }

  /** The committed offsets of the given partitions (-1 where none); an unknown group has none. */
  fetchOffsets(groupId: string, topics: readonly { name: string; partitionIndexes: readonly number[] }[]): FetchedTopic[] {
    const groupOffsets = this.groupForFetch(groupId) === null ? undefined : this.offsetsByGroup.get(groupId);
    return topics.map((t) => {
      const topicOffsets = groupOffsets?.get(t.name);
      return {
        name: t.name,
        partitions: t.partitionIndexes.map((partitionIndex) => {
          const o = topicOffsets?.get(partitionIndex);
          return o
            ? { partitionIndex, committedOffset: o.committedOffset, committedLeaderEpoch: o.leaderEpoch, metadata: o.metadata, errorCode: ErrorCode.NONE }
            : { partitionIndex, committedOffset: INVALID_OFFSET, committedLeaderEpoch: -1, metadata: '', errorCode: ErrorCode.NONE };
        }),
      };
    });
  }

  /** Every committed offset of the group. */
  fetchAllOffsets(groupId: string): FetchedTopic[] {
    if (this.groupForFetch(groupId) === null) return [];
    const groupOffsets = this.offsetsByGroup.get(groupId);
    if (!groupOffsets) return [];
    return [...groupOffsets].map(([name, byPartition]) => ({
      name,
      partitions: [...byPartition].map(([partitionIndex, o]) => ({ partitionIndex, committedOffset: o.committedOffset, committedLeaderEpoch: o.leaderEpoch, metadata: o.metadata, errorCode: ErrorCode.NONE })),
    }));
  }

  // ---- OffsetDelete / DeleteGroups

  deleteOffsets(request: OffsetDeleteParams): Result<OffsetDeleteResponse> {
    const group = this.groups.group(request.groupId);
    switch (group.state) {
      case 'Dead':
        throw new KafkaError(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${request.groupId} is in dead state.`);
      case 'Stable':
      case 'PreparingRebalance':
      case 'CompletingRebalance':
        if (!group.usesConsumerGroupProtocol) throw new KafkaError(ErrorCode.NON_EMPTY_GROUP);
        break;
      default:
    }
    const records: CoordinatorRecord[] = [];
    const response: OffsetDeleteResponse = { errorCode: ErrorCode.NONE, throttleTimeMs: 0, topics: [] };
    for (const t of request.topics) {
      const subscribed = group.isSubscribedToTopic(t.name);
      response.topics.push({
        name: t.name,
        partitions: t.partitions.map((p) => {
          if (subscribed) return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC };
          if (this.offset(request.groupId, t.name, p.partitionIndex)) records.push(offsetCommitTombstone(request.groupId, t.name, p.partitionIndex));
          return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE };
        }),
      });
    }
    return { records, response };
  }

  deleteAllOffsets(groupId: string, records: CoordinatorRecord[]): number {
    let n = 0;
    for (const [topic, byPartition] of this.offsetsByGroup.get(groupId) ?? []) {
      for (const partition of byPartition.keys()) {
        records.push(offsetCommitTombstone(groupId, topic, partition));
        n++;
      }
    }
    return n;
  }

  // ---- expiration

  /**
   * Tombstones for the group's expired offsets; true when none is left afterwards. Offsets of topics
   * the group is subscribed to never expire; an Empty group's offsets count from when it became
   * Empty, a simple group's from their commit (Kafka's OffsetExpirationConditionImpl).
   */
  cleanupExpiredOffsets(groupId: string, records: CoordinatorRecord[]): boolean {
    const groupOffsets = this.offsetsByGroup.get(groupId);
    if (!groupOffsets) return true;
    const group = this.groups.groups.get(groupId);
    if (!group) return false;
    const base = group.offsetExpirationBase();
    if (base === null) return false;
    const nowMs = this.now();
    let allExpired = true;
    for (const [topic, byPartition] of groupOffsets) {
      if (group.isSubscribedToTopic(topic)) {
        allExpired = false;
        continue;
      }
      for (const [partition, o] of byPartition) {
        const expired = o.expireTimestampMs !== null ? nowMs >= o.expireTimestampMs : nowMs - base(o.commitTimestampMs) >= this.config.offsetsRetentionMs;
        if (expired) records.push(offsetCommitTombstone(groupId, topic, partition));
        else allExpired = false;
      }
    }
    return allExpired;
  }

  // ---- replay

  replay(recordOffset: bigint, producerId: bigint, key: { group: string; topic: string; partition: number }, value: OffsetCommitValue | null): void {
    const { group: groupId, topic, partition } = key;
    if (value !== null) {
      // Offsets without a group come from simple consumers: they get an empty group without protocol.
      this.groups.getOrMaybeCreateClassicGroup(groupId, true);
      if (producerId >= 0n) {
        // A transactional offset commit waits for its transaction marker.
        let byGroup = this.pendingTxnOffsets.get(producerId);
        if (!byGroup) this.pendingTxnOffsets.set(producerId, (byGroup = new Map()));
        let byTopic = byGroup.get(groupId);
        if (!byTopic) byGroup.set(groupId, (byTopic = new Map()));
        let byPartition = byTopic.get(topic);
        if (!byPartition) byTopic.set(topic, (byPartition = new Map()));
        byPartition.set(partition, offsetFromRecord(recordOffset, value));
        return;
      }
      this.put(groupId, topic, partition, offsetFromRecord(recordOffset, value));
    } else {
      this.remove(groupId, topic, partition);
      for (const byGroup of this.pendingTxnOffsets.values()) byGroup.get(groupId)?.get(topic)?.delete(partition);
    }
  }
}
