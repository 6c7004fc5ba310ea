/**
 * Every version of every group API over a socket, with Gregor's own codecs as the client:
 * FindCoordinator v0-6 (batched keys from v4), JoinGroup v0-9, SyncGroup v0-5, Heartbeat v0-4,
 * LeaveGroup v0-5, OffsetCommit v0-9, OffsetFetch v0-9 (several groups from v8), DescribeGroups
 * v0-5, ListGroups v0-5 (state and type filters), OffsetDelete v0, DeleteGroups v0-2.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBroker } from '../../src/embedded.js';
import { ErrorCode } from '../../src/protocol/error-codes.js';
import { ApiKey } from '../../src/protocol/generated/api-messages.js';
import type { MetadataResponse } from '../../src/protocol/generated/api/03-metadata.js';
import type { DescribeGroupsResponse } from '../../src/protocol/generated/api/15-describe-groups.js';
import type { FindCoordinatorResponse } from '../../src/protocol/generated/api/10-find-coordinator.js';
import type { JoinGroupResponse } from '../../src/protocol/generated/api/11-join-group.js';
import type { HeartbeatResponse } from '../../src/protocol/generated/api/12-heartbeat.js';
import type { LeaveGroupResponse } from '../../src/protocol/generated/api/13-leave-group.js';
import type { ListGroupsResponse } from '../../src/protocol/generated/api/16-list-groups.js';
import type { SyncGroupResponse } from '../../src/protocol/generated/api/14-sync-group.js';
import type { OffsetCommitResponse } from '../../src/protocol/generated/api/08-offset-commit.js';
import type { OffsetFetchResponse } from '../../src/protocol/generated/api/09-offset-fetch.js';
import type { OffsetDeleteResponse } from '../../src/protocol/generated/api/47-offset-delete.js';
import type { DeleteGroupsResponse } from '../../src/protocol/generated/api/42-delete-groups.js';
import { startGroupBroker } from './groups-helpers.js';
import { RawClient } from './helpers/raw-client.js';

const TOPIC = 'raw';
let broker: RunningBroker;
let client: RawClient;

beforeAll(async () => {
  broker = await startGroupBroker();
  await broker.createTopic(TOPIC, { partitions: 2 });
  client = await RawClient.open(broker.port);
});

afterAll(async () => {
  client?.close();
  await broker?.close();
});

const metadata = Buffer.from([0, 0, 0, 0, 0, 1, 0, 3, 0x72, 0x61, 0x77, 0xff, 0xff, 0xff, 0xff]); // consumer protocol v0: topics ["raw"], no user data

describe('group APIs at every version', () => {
  it('FindCoordinator v0-v6 (batched keys from v4, transaction keys, unknown key types refused)', async () => {
    for (let v = 0; v <= 3; v++) {
      const r = await client.send<FindCoordinatorResponse>(ApiKey.FindCoordinator, v, { key: `g${v}`, keyType: 0, coordinatorKeys: [] });
      expect(r).toMatchObject({ errorCode: ErrorCode.NONE, nodeId: 1, host: '127.0.0.1', port: broker.port });
      if (v >= 1) expect(r.errorMessage).toBe('NONE');
    }
    for (let v = 4; v <= 6; v++) {
      const r = await client.send<FindCoordinatorResponse>(ApiKey.FindCoordinator, v, { key: '', keyType: 0, coordinatorKeys: ['a', 'b'] });
      expect(r.coordinators.map((c) => [c.key, c.errorCode, c.nodeId, c.port])).toEqual([['a', 0, 1, broker.port], ['b', 0, 1, broker.port]]);
      const txn = await client.send<FindCoordinatorResponse>(ApiKey.FindCoordinator, v, { key: '', keyType: 1, coordinatorKeys: ['tx'] });
      // Key type 1 (TRANSACTION) finds the transaction coordinator (transactions-protocol.test.ts covers it).
      expect(txn.coordinators[0]).toMatchObject({ key: 'tx', errorCode: ErrorCode.NONE, nodeId: 1, port: broker.port });
    }
    const bad = await client.send<FindCoordinatorResponse>(ApiKey.FindCoordinator, 3, { key: 'x', keyType: 9, coordinatorKeys: [] });
    expect(bad.errorCode).toBe(ErrorCode.INVALID_REQUEST);
    // The offsets topic exists now, internal, with offsets.topic.num.partitions partitions.
    const topic = broker.broker.image.topicsByName.get('__consumer_offsets')!;
    expect(topic.partitions.size).toBe(5);
    expect(Object.fromEntries(broker.broker.image.topicConfigs('__consumer_offsets'))).toMatchObject({ 'cleanup.policy': 'compact' });
    // Metadata lists it, marked internal (admin clients hide internal topics from plain listings).
    const md = await client.send<MetadataResponse>(ApiKey.Metadata, 1, { topics: null, allowAutoTopicCreation: true, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false });
    expect(md.topics.map((t) => [t.name, t.isInternal]).sort()).toEqual([['__consumer_offsets', true], ['__transaction_state', true], [TOPIC, false]]);
  });

  for (let v = 0; v <= 9; v++) {
    it(`one member through JoinGroup v${v}, SyncGroup, Heartbeat, OffsetCommit, OffsetFetch, LeaveGroup`, async () => {
      const groupId = `raw-group-${v}`;
      const join = (memberId: string) =>
        client.send<JoinGroupResponse>(ApiKey.JoinGroup, v, {
          groupId,
          sessionTimeoutMs: 10_000,
          rebalanceTimeoutMs: 10_000,
          memberId,
          groupInstanceId: null,
          protocolType: 'consumer',
          protocols: [{ name: 'range', metadata }],
          reason: null,
        });
      let joined = await join('');
      if (v >= 4) {
        expect(joined.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
        joined = await join(joined.memberId);
      }
      expect(joined).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 1, protocolName: 'range', leader: joined.memberId });
      expect(joined.protocolType).toBe(v >= 7 ? 'consumer' : null);
      expect(joined.members.map((m) => m.metadata)).toEqual([metadata]);
      const { memberId, generationId } = joined;

      const syncVersion = Math.min(v, 5);
      const synced = await client.send<SyncGroupResponse>(ApiKey.SyncGroup, syncVersion, {
        groupId, generationId, memberId, groupInstanceId: null,
        protocolType: syncVersion >= 5 ? 'consumer' : null, protocolName: syncVersion >= 5 ? 'range' : null,
        assignments: [{ memberId, assignment: Buffer.from('assigned') }],
      });
      expect(synced).toMatchObject({ errorCode: ErrorCode.NONE, assignment: Buffer.from('assigned') });
      if (syncVersion >= 5) expect(synced).toMatchObject({ protocolType: 'consumer', protocolName: 'range' });

      const hb = await client.send<HeartbeatResponse>(ApiKey.Heartbeat, Math.min(v, 4), { groupId, generationId, memberId, groupInstanceId: null });
      expect(hb.errorCode).toBe(ErrorCode.NONE);
      const stale = await client.send<HeartbeatResponse>(ApiKey.Heartbeat, Math.min(v, 4), { groupId, generationId: generationId + 1, memberId, groupInstanceId: null });
      expect(stale.errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);

      const commit = await client.send<OffsetCommitResponse>(ApiKey.OffsetCommit, v, {
        groupId, generationIdOrMemberEpoch: generationId, memberId, groupInstanceId: null, retentionTimeMs: -1n,
        topics: [
          { name: TOPIC, partitions: [{ partitionIndex: 0, committedOffset: 42n, committedLeaderEpoch: 0, commitTimestamp: -1n, committedMetadata: `v${v}` }] },
          { name: 'no-such-topic', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: null }] },
        ],
      });
      // v0 carries no generation: a member of a non-empty group cannot commit that way.
      expect(commit.topics.map((t) => t.partitions[0]!.errorCode)).toEqual([v === 0 ? ErrorCode.UNKNOWN_MEMBER_ID : ErrorCode.NONE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);

      const expected = v === 0 ? -1n : 42n;
      if (v < 8) {
        const fetched = await client.send<OffsetFetchResponse>(ApiKey.OffsetFetch, v, { groupId, topics: [{ name: TOPIC, partitionIndexes: [0, 1] }], groups: [], requireStable: v >= 7 });
        expect(fetched.topics[0]!.partitions.map((p) => [p.partitionIndex, p.committedOffset, p.metadata])).toEqual([[0, expected, v === 0 ? '' : `v${v}`], [1, -1n, '']]);
        // The leader epoch is committed from v6 and fetched from v5.
        if (v >= 6) expect(fetched.topics[0]!.partitions[0]!.committedLeaderEpoch).toBe(0);
        if (v >= 2) {
          const all = await client.send<OffsetFetchResponse>(ApiKey.OffsetFetch, v, { groupId, topics: null, groups: [], requireStable: false });
          expect(all.topics.flatMap((t) => t.partitions.map((p) => `${t.name}-${p.partitionIndex}`))).toEqual(v === 0 ? [] : [`${TOPIC}-0`]);
        }
      } else {
        const fetched = await client.send<OffsetFetchResponse>(ApiKey.OffsetFetch, v, {
          groupId: '', topics: [], requireStable: true,
          groups: [
            { groupId, memberId: null, memberEpoch: -1, topics: [{ name: TOPIC, partitionIndexes: [0] }] },
            { groupId: 'nobody', memberId: null, memberEpoch: -1, topics: null },
          ],
        });
        expect(fetched.groups.map((g) => [g.groupId, g.errorCode, g.topics.flatMap((t) => t.partitions.map((p) => p.committedOffset))])).toEqual([[groupId, 0, [42n]], ['nobody', 0, []]]);
      }

      const leaveVersion = Math.min(v, 5);
      const leave = (reason: string | null) =>
        client.send<LeaveGroupResponse>(ApiKey.LeaveGroup, leaveVersion, leaveVersion >= 3 ? { groupId, memberId: '', members: [{ memberId, groupInstanceId: null, reason }] } : { groupId, memberId, members: [] });
      const left = await leave('done');
      expect(left.errorCode).toBe(ErrorCode.NONE);
      if (leaveVersion >= 3) expect(left.members).toEqual([{ memberId, groupInstanceId: null, errorCode: 0 }]);
      const again = await leave(null);
      if (leaveVersion >= 3) expect(again.members[0]!.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
      else expect(again.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    });
  }

  it('SyncGroup v5 without protocol type and name is INCONSISTENT_GROUP_PROTOCOL', async () => {
    const r = await client.send<SyncGroupResponse>(ApiKey.SyncGroup, 5, { groupId: 'raw-group-9', generationId: 1, memberId: 'm', groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
    expect(r.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  });

  it('DescribeGroups v0-v5, ListGroups v0-v5 with filters, OffsetDelete v0, DeleteGroups v0-v2', async () => {
    for (let v = 0; v <= 5; v++) {
      const d = await client.send<DescribeGroupsResponse>(ApiKey.DescribeGroups, v, { groups: ['raw-group-9', 'unknown'], includeAuthorizedOperations: v >= 3 });
      expect(d.groups.map((g) => [g.groupId, g.errorCode, g.groupState, g.protocolType])).toEqual([['raw-group-9', 0, 'Empty', 'consumer'], ['unknown', 0, 'Dead', '']]);
      expect(d.groups[0]!.authorizedOperations).toBe(v >= 3 ? (1 << 3) | (1 << 6) | (1 << 8) : -2147483648);
    }
    for (let v = 0; v <= 5; v++) {
      const l = await client.send<ListGroupsResponse>(ApiKey.ListGroups, v, { statesFilter: v >= 4 ? ['empty'] : [], typesFilter: v >= 5 ? ['classic'] : [] });
      expect(l.errorCode).toBe(ErrorCode.NONE);
      expect(l.groups.map((g) => g.groupId).filter((g) => g.startsWith('raw-group')).sort()).toHaveLength(10);
      if (v >= 4) expect(l.groups.every((g) => g.groupState === 'Empty')).toBe(true);
      if (v >= 5) expect(l.groups.every((g) => g.groupType === 'classic')).toBe(true);
    }
    const none = await client.send<ListGroupsResponse>(ApiKey.ListGroups, 4, { statesFilter: ['stable'], typesFilter: [] });
    expect(none.groups).toEqual([]);

    const od = await client.send<OffsetDeleteResponse>(ApiKey.OffsetDelete, 0, { groupId: 'raw-group-9', topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0 }] }, { name: 'no-such-topic', partitions: [{ partitionIndex: 0 }] }] });
    expect(od.errorCode).toBe(ErrorCode.NONE);
    expect(od.topics.map((t) => [t.name, t.partitions[0]!.errorCode])).toEqual([[TOPIC, 0], ['no-such-topic', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]);
    const missing = await client.send<OffsetDeleteResponse>(ApiKey.OffsetDelete, 0, { groupId: 'unknown', topics: [] });
    expect(missing.errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);

    for (let v = 0; v <= 2; v++) {
      const del = await client.send<DeleteGroupsResponse>(ApiKey.DeleteGroups, v, { groupsNames: [`raw-group-${v}`, 'unknown'] });
      expect(del.results).toEqual([{ groupId: `raw-group-${v}`, errorCode: 0 }, { groupId: 'unknown', errorCode: ErrorCode.GROUP_ID_NOT_FOUND }]);
    }
  });
});
