/**
 * Committed offsets through the coordinator runtime: OffsetCommit validation, OffsetFetch,
 * OffsetDelete, DeleteGroups, expiration after offsets.retention.minutes, replay after a restart,
 * a failed append that changes nothing, and responses released only once the records are committed.
 */
import { describe, expect, it } from 'vitest';
import type { OffsetCommitParams } from '../../../src/coordinator/group/offset-metadata-manager.js';
import { ErrorCode } from '../../../src/protocol/error-codes.js';
import type { OffsetCommitValue } from '../../../src/protocol/generated/group-coordinator/offset-commit-value.js';
import { GROUP, Harness, flush, track } from './harness.js';

const CTX8 = { clientId: 'c', clientHost: '/127.0.0.1', apiVersion: 8 };
const HOUR = 3_600_000;

function commit(overrides: Partial<OffsetCommitParams> & { offsets?: Record<string, [number, bigint, string?][]> } = {}): OffsetCommitParams {
  const offsets = overrides.offsets ?? { t: [[0, 10n]] };
  return {
    groupId: GROUP,
    generationIdOrMemberEpoch: -1,
    memberId: '',
    groupInstanceId: null,
    retentionTimeMs: -1n,
    topics: Object.entries(offsets).map(([name, ps]) => ({
      name,
      partitions: ps.map(([partitionIndex, committedOffset, committedMetadata]) => ({ partitionIndex, committedOffset, committedLeaderEpoch: 3, committedMetadata: committedMetadata ?? null })),
    })),
    ...overrides,
  };
}

async function fetched(h: Harness, groupId = GROUP, topics: { name: string; partitionIndexes: number[] }[] | null = null) {
  const r = await h.coordinator.fetchOffsets(groupId, topics, false);
  return r.topics.flatMap((t) => t.partitions.map((p) => `${t.name}-${p.partitionIndex}@${p.committedOffset}/${p.committedLeaderEpoch}/${p.metadata}`)).sort();
}

/** A consumer group of one member in Stable, subscribed to topic t. */
async function stableMember(h: Harness, sessionTimeoutMs = 10_000): Promise<{ memberId: string; generation: number }> {
  const { memberId, response } = await h.joinDynamic({ sessionTimeoutMs });
  await h.advance(3000);
  const generation = response.value.generationId;
  h.sync(memberId, generation, [{ memberId, assignment: Buffer.from('x') }]);
  await flush();
  return { memberId, generation };
}

describe('OffsetCommit and OffsetFetch', () => {
  it('a consumer without membership commits to an empty group (generation -1); metadata and leader epoch round-trip', async () => {
    const h = new Harness();
    const res = await h.coordinator.commitOffsets(CTX8, commit({ offsets: { t: [[0, 10n, 'meta'], [1, 20n]], u: [[0, 5n, '']] } }));
    expect(res.topics.flatMap((t) => t.partitions.map((p) => p.errorCode))).toEqual([0, 0, 0]);
    expect(await fetched(h)).toEqual(['t-0@10/3/meta', 't-1@20/3/', 'u-0@5/3/']);
    expect(await fetched(h, GROUP, [{ name: 't', partitionIndexes: [1, 2] }])).toEqual(['t-1@20/3/', 't-2@-1/-1/']);
    // A simple group: Empty, no protocol type.
    expect(h.group).toMatchObject({ state: 'Empty', protocolType: null });
    // The records: OffsetCommitKey v1 / OffsetCommitValue v3, with the commit time.
    const recs = h.records();
    expect(recs.map((r) => [r.record.type, r.record.value?.version])).toEqual([[1, 3], [1, 3], [1, 3]]);
    expect(recs[0]!.record.key).toEqual({ group: GROUP, topic: 't', partition: 0 });
    expect(recs[0]!.record.value!.data).toEqual({ offset: 10n, leaderEpoch: 3, metadata: 'meta', commitTimestamp: BigInt(h.scheduler.now()), expireTimestamp: -1n });
  });

  it('fetching offsets of an unknown group gives -1 for asked partitions and nothing for all partitions', async () => {
    const h = new Harness();
    expect(await fetched(h, 'nobody', [{ name: 't', partitionIndexes: [0] }])).toEqual(['t-0@-1/-1/']);
    expect(await fetched(h, 'nobody')).toEqual([]);
  });

  it('metadata over offset.metadata.max.bytes fails that partition only', async () => {
    const h = new Harness({ offsetMetadataMaxSize: 4 });
    const res = await h.coordinator.commitOffsets(CTX8, commit({ offsets: { t: [[0, 1n, 'short'], [1, 2n, 'ok']] } }));
    expect(res.topics[0]!.partitions).toEqual([
      { partitionIndex: 0, errorCode: ErrorCode.OFFSET_METADATA_TOO_LARGE },
      { partitionIndex: 1, errorCode: ErrorCode.NONE },
    ]);
    expect(await fetched(h)).toEqual(['t-1@2/3/ok']);
  });

  it('generation checks: members commit with their generation; others are refused', async () => {
    const h = new Harness();
    const { memberId, generation } = await stableMember(h);
    const code = async (p: Partial<OffsetCommitParams>, ctx = CTX8) => (await h.coordinator.commitOffsets(ctx, commit(p))).topics[0]!.partitions[0]!.errorCode;
    expect(await code({ generationIdOrMemberEpoch: generation, memberId })).toBe(ErrorCode.NONE);
    expect(await code({ generationIdOrMemberEpoch: generation + 1, memberId })).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(await code({ generationIdOrMemberEpoch: generation, memberId: 'other' })).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    // Generation -1 and no member id is only for empty groups.
    expect(await code({})).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(await code({ generationIdOrMemberEpoch: generation, memberId, groupInstanceId: 'not-mine' })).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    // A group that does not exist with a generation: ILLEGAL_GENERATION before v9, GROUP_ID_NOT_FOUND from v9.
    expect(await code({ groupId: 'ghost', generationIdOrMemberEpoch: 1, memberId: 'm' })).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(await code({ groupId: 'ghost', generationIdOrMemberEpoch: 1, memberId: 'm' }, { ...CTX8, apiVersion: 9 })).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
  });

  it('a commit keeps a Stable member\'s session alive', async () => {
    const h = new Harness();
    const { memberId, generation } = await stableMember(h);
    for (let i = 0; i < 5; i++) {
      await h.advance(6000);
      await h.coordinator.commitOffsets(CTX8, commit({ generationIdOrMemberEpoch: generation, memberId }));
    }
    expect(h.group!.hasMember(memberId)).toBe(true);
  });

  it('require_stable waits for earlier writes; without transactions nothing is unstable', async () => {
    const h = new Harness({}, { autoCommit: false });
    const pending = track(h.coordinator.commitOffsets(CTX8, commit()));
    const stable = track(h.coordinator.fetchOffsets(GROUP, null, true));
    await flush();
    // Neither is answered before the high watermark passes the commit's record.
    expect(pending.done).toBe(false);
    expect(stable.done).toBe(false);
    h.logs[0]!.commitTo(h.logs[0]!.logEndOffset);
    await flush();
    expect(pending.value.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.NONE);
    expect(stable.value.topics[0]!.partitions[0]!.committedOffset).toBe(10n);
  });

  it('a write the high watermark never reaches times out after offsets.commit.timeout.ms as COORDINATOR_NOT_AVAILABLE', async () => {
    const h = new Harness({ offsetCommitTimeoutMs: 5000 }, { autoCommit: false });
    const pending = track(h.coordinator.commitOffsets(CTX8, commit()));
    await h.advance(4999);
    expect(pending.done).toBe(false);
    await h.advance(1);
    expect(pending.value.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
  });

  it('a failed append changes nothing and maps to the coordinator error clients expect', async () => {
    const h = new Harness();
    await h.coordinator.commitOffsets(CTX8, commit({ offsets: { t: [[0, 1n]] } }));
    for (const [appendError, expected] of [
      [ErrorCode.NOT_LEADER_OR_FOLLOWER, ErrorCode.NOT_COORDINATOR],
      [ErrorCode.NOT_ENOUGH_REPLICAS, ErrorCode.COORDINATOR_NOT_AVAILABLE],
      [ErrorCode.RECORD_LIST_TOO_LARGE, ErrorCode.UNKNOWN_SERVER_ERROR],
    ] as const) {
      h.logs[0]!.failNextAppend(appendError);
      const res = await h.coordinator.commitOffsets(CTX8, commit({ offsets: { t: [[0, 99n]] } }));
      expect(res.topics[0]!.partitions[0]!.errorCode).toBe(expected);
      expect(await fetched(h)).toEqual(['t-0@1/3/']);
    }
  });

  it('OffsetCommit v2-v4 retention: the record carries an expire timestamp (value v1) and expires then', async () => {
    const h = new Harness({ offsetsRetentionCheckIntervalMs: 1000 });
    await h.coordinator.commitOffsets({ ...CTX8, apiVersion: 2 }, commit({ retentionTimeMs: 5000n }));
    const rec = h.records()[0]!.record;
    expect(rec.value!.version).toBe(1);
    expect((rec.value!.data as OffsetCommitValue).expireTimestamp).toBe(BigInt(h.scheduler.now() + 5000));
    await h.advance(4000);
    expect(await fetched(h)).toEqual(['t-0@10/3/']);
    await h.advance(1000);
    expect(await fetched(h)).toEqual([]);
  });
});

describe('offset expiration (offsets.retention.minutes)', () => {
  it('a simple group\'s offsets expire retention after their commit; the group goes with its last offset', async () => {
    const h = new Harness({ offsetsRetentionMs: 24 * HOUR, offsetsRetentionCheckIntervalMs: HOUR });
    await h.coordinator.commitOffsets(CTX8, commit({ offsets: { t: [[0, 1n]] } }));
    await h.advance(12 * HOUR);
    await h.coordinator.commitOffsets(CTX8, commit({ offsets: { t: [[1, 2n]] } }));
    await h.advance(12 * HOUR);
    expect(await fetched(h)).toEqual(['t-1@2/3/']);
    await h.advance(12 * HOUR);
    expect(await fetched(h)).toEqual([]);
    expect(h.coordinator.listGroups([], []).groups).toEqual([]);
    // Tombstones: both offsets, then the group.
    const tombstones = h.records().filter((r) => r.record.value === null).map((r) => r.record.type);
    expect(tombstones).toEqual([1, 1, 2]);
  });

  it('an Empty consumer group\'s offsets count from when it became Empty; a Stable group\'s subscribed topics never expire', async () => {
    const h = new Harness({ offsetsRetentionMs: 24 * HOUR, offsetsRetentionCheckIntervalMs: HOUR });
    const { memberId, generation } = await stableMember(h, 30 * 60_000);
    await h.coordinator.commitOffsets(CTX8, commit({ generationIdOrMemberEpoch: generation, memberId, offsets: { t: [[0, 5n]], other: [[0, 6n]] } }));
    // Stable and subscribed to t: t stays; "other" is not subscribed and expires after retention from its commit.
    for (let i = 0; i < 90; i++) {
      await h.advance(HOUR / 3);
      expect(await h.heartbeat(memberId, generation)).toBe(ErrorCode.NONE);
    }
    expect(await fetched(h)).toEqual(['t-0@5/3/']);
    await h.coordinator.leaveGroup(CTX8, { groupId: GROUP, members: [{ memberId, groupInstanceId: null, reason: null }] });
    expect(h.group!.state).toBe('Empty');
    await h.advance(23 * HOUR);
    expect(await fetched(h)).toEqual(['t-0@5/3/']);
    // 24 hours after it became Empty, at the next hourly check.
    await h.advance(2 * HOUR);
    expect(await fetched(h)).toEqual([]);
    expect(h.group).toBeUndefined();
  });
});

describe('OffsetDelete and DeleteGroups', () => {
  it('OffsetDelete: refused for subscribed topics of a consumer group, allowed for others and for empty groups', async () => {
    const h = new Harness();
    const { memberId, generation } = await stableMember(h);
    await h.coordinator.commitOffsets(CTX8, commit({ generationIdOrMemberEpoch: generation, memberId, offsets: { t: [[0, 5n]], other: [[0, 6n]] } }));
    const res = await h.coordinator.deleteOffsets({ groupId: GROUP, topics: [{ name: 't', partitions: [{ partitionIndex: 0 }] }, { name: 'other', partitions: [{ partitionIndex: 0 }] }] });
    expect(res.topics.map((t) => [t.name, t.partitions[0]!.errorCode])).toEqual([['t', ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC], ['other', ErrorCode.NONE]]);
    expect(await fetched(h)).toEqual(['t-0@5/3/']);
    expect((await h.coordinator.deleteOffsets({ groupId: 'ghost', topics: [] })).errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
    await h.coordinator.leaveGroup(CTX8, { groupId: GROUP, members: [{ memberId, groupInstanceId: null, reason: null }] });
    await h.coordinator.deleteOffsets({ groupId: GROUP, topics: [{ name: 't', partitions: [{ partitionIndex: 0 }] }] });
    expect(await fetched(h)).toEqual([]);
  });

  it('OffsetDelete on a non-empty group that is not a consumer group: NON_EMPTY_GROUP', async () => {
    const h = new Harness();
    await h.joinDynamic({ protocolType: 'connect', protocols: [{ name: 'default', metadata: Buffer.from('x') }] });
    await h.advance(3000);
    expect((await h.coordinator.deleteOffsets({ groupId: GROUP, topics: [] })).errorCode).toBe(ErrorCode.NON_EMPTY_GROUP);
  });

  it('DeleteGroups: GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP, and an empty group deleted with its offsets', async () => {
    const h = new Harness({}, { partitions: 3 });
    await h.coordinator.commitOffsets(CTX8, commit({ groupId: 'empty-one' }));
    await h.joinDynamic();
    const results = await h.coordinator.deleteGroups(['missing', GROUP, 'empty-one']);
    expect(Object.fromEntries(results.map((r) => [r.groupId, r.errorCode]))).toEqual({ missing: ErrorCode.GROUP_ID_NOT_FOUND, [GROUP]: ErrorCode.NON_EMPTY_GROUP, 'empty-one': ErrorCode.NONE });
    expect(await fetched(h, 'empty-one')).toEqual([]);
    expect(h.coordinator.describeGroups(['empty-one'])[0]!.groupState).toBe('Dead');
  });
});

describe('loading a partition replays its log', () => {
  it('after a restart: offsets, simple groups and Stable groups with their members and assignments are back', async () => {
    const h = new Harness();
    const { memberId, generation } = await stableMember(h);
    await h.coordinator.commitOffsets(CTX8, commit({ generationIdOrMemberEpoch: generation, memberId, offsets: { t: [[0, 5n, 'm']] } }));
    await h.coordinator.commitOffsets(CTX8, commit({ groupId: 'simple', offsets: { t: [[3, 9n]] } }));
    await h.coordinator.commitOffsets(CTX8, commit({ groupId: 'simple', offsets: { t: [[3, 10n]] } }));

    h.restart();
    expect(await fetched(h)).toEqual(['t-0@5/3/m']);
    expect(await fetched(h, 'simple')).toEqual(['t-3@10/3/']);
    const g = h.group!;
    expect(g).toMatchObject({ state: 'Stable', generationId: generation, protocolName: 'range', protocolType: 'consumer', leaderId: memberId });
    expect(g.member(memberId)!.assignment).toEqual(Buffer.from('x'));
    // The member carries on with its generation...
    expect(await h.heartbeat(memberId, generation)).toBe(ErrorCode.NONE);
    const sync = h.sync(memberId, generation);
    await flush();
    expect(sync.value.assignment).toEqual(Buffer.from('x'));
    // ...and a member that does not come back is expired by the session timer started at load.
    await h.advance(10_000);
    expect(g.hasMember(memberId)).toBe(false);
  });

  it('tombstones replay too: deleted groups and offsets stay deleted', async () => {
    const h = new Harness();
    await h.coordinator.commitOffsets(CTX8, commit({ groupId: 'gone' }));
    await h.coordinator.deleteGroups(['gone']);
    h.restart();
    expect(await fetched(h, 'gone')).toEqual([]);
    expect(h.coordinator.listGroups([], []).groups).toEqual([]);
  });
});
