/**
 * The classic group state machine through the coordinator runtime, with virtual time: every state
 * (Empty, PreparingRebalance, CompletingRebalance, Stable, Dead), every transition Kafka makes
 * between them, the timers behind them (initial rebalance delay, rebalance timeout, session
 * timeout, pending sync), static membership and the errors clients see.
 */
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/protocol/error-codes.js';
import { GROUP, Harness, flush, subscription, track } from './harness.js';

interface StableGroup {
  members: string[];
  generation: number;
}

/** Builds a Stable group of `n` dynamic members through the initial rebalance; member i gets assignment "a-<i>". */
async function stableGroup(h: Harness, n: number): Promise<StableGroup> {
  const joins = [];
  for (let i = 0; i < n; i++) joins.push(await h.joinDynamic({}, { clientId: `c${i}` }));
  for (let i = 0; i < 20 && !joins.every((j) => j.response.done); i++) await h.advance(1000);
  const responses = joins.map((j) => j.response.value);
  const generation = responses[0]!.generationId;
  const leader = responses[0]!.leader;
  const members = joins.map((j) => j.memberId);
  const syncs = members.map((m, i) => h.sync(m, generation, m === leader ? members.map((id, k) => ({ memberId: id, assignment: Buffer.from(`a-${k}`) })) : []));
  await flush();
  expect(syncs.every((s) => s.done && s.value.errorCode === ErrorCode.NONE)).toBe(true);
  expect(h.group!.state).toBe('Stable');
  return { members, generation };
}

describe('classic group: joining and the initial rebalance', () => {
  it('Empty -> PreparingRebalance -> CompletingRebalance after group.initial.rebalance.delay.ms -> Stable on the leader sync', async () => {
    const h = new Harness();
    const first = h.join({});
    await flush();
    // KIP-394: a v4+ member without an id gets one and must join again with it.
    expect(first.value).toMatchObject({ errorCode: ErrorCode.MEMBER_ID_REQUIRED, memberId: 'client-uuid-1' });
    expect(h.group!.state).toBe('Empty');

    const joined = h.join({ memberId: 'client-uuid-1' });
    await flush();
    expect(h.group!.state).toBe('PreparingRebalance');
    await h.advance(2999);
    expect(joined.done).toBe(false);
    await h.advance(1);
    expect(joined.value).toMatchObject({
      errorCode: ErrorCode.NONE,
      generationId: 1,
      memberId: 'client-uuid-1',
      leader: 'client-uuid-1',
      protocolName: 'range',
      protocolType: 'consumer',
      skipAssignment: false,
    });
    expect(joined.value.members).toEqual([{ memberId: 'client-uuid-1', groupInstanceId: null, metadata: subscription('t') }]);
    expect(h.group!.state).toBe('CompletingRebalance');

    const synced = h.sync('client-uuid-1', 1, [{ memberId: 'client-uuid-1', assignment: Buffer.from('mine') }]);
    await flush();
    expect(synced.value).toMatchObject({ errorCode: ErrorCode.NONE, protocolType: 'consumer', protocolName: 'range', assignment: Buffer.from('mine') });
    expect(h.group!.state).toBe('Stable');

    // Records: the new group (empty GroupMetadata), then the generation with its assignment.
    const groupRecords = h.records().filter((r) => r.record.type === 2).map((r) => r.record.value!.data as { generation: number; members: { memberId: string; assignment: Buffer }[] });
    expect(groupRecords.map((g) => [g.generation, g.members.length])).toEqual([[0, 0], [1, 1]]);
    expect(groupRecords[1]!.members[0]!.assignment).toEqual(Buffer.from('mine'));
  });

  it('a member joining during the initial delay extends it (up to the rebalance timeout)', async () => {
    const h = new Harness();
    const a = await h.joinDynamic({}, { clientId: 'a' });
    await h.advance(2000);
    const b = await h.joinDynamic({}, { clientId: 'b' });
    await h.advance(1000);
    // The first delay ended with a new member added: another delay of 3000 starts.
    expect(a.response.done).toBe(false);
    await h.advance(2999);
    expect(a.response.done).toBe(false);
    await h.advance(1);
    expect(a.response.value.members.map((m) => m.memberId)).toEqual([a.memberId, b.memberId]);
    expect(b.response.value).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 1, leader: a.memberId, members: [] });
  });

  it('JoinGroup v3 and older joins at once, without MEMBER_ID_REQUIRED', async () => {
    const h = new Harness({ classicGroupInitialRebalanceDelayMs: 0 });
    const j = h.join({}, { apiVersion: 3 });
    await h.advance(0);
    expect(j.value).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 1, memberId: 'client-uuid-1' });
  });

  it('SyncGroup of followers waits for the leader; heartbeats are fine in CompletingRebalance', async () => {
    const h = new Harness();
    const a = await h.joinDynamic({}, { clientId: 'a' });
    const b = await h.joinDynamic({}, { clientId: 'b' });
    await h.advance(6000);
    const gen = a.response.value.generationId;
    const follower = h.sync(b.memberId, gen);
    await flush();
    expect(follower.done).toBe(false);
    expect(await h.heartbeat(b.memberId, gen)).toBe(ErrorCode.NONE);
    const leader = h.sync(a.memberId, gen, [{ memberId: a.memberId, assignment: Buffer.from('A') }, { memberId: b.memberId, assignment: Buffer.from('B') }]);
    await flush();
    expect(leader.value.assignment).toEqual(Buffer.from('A'));
    expect(follower.value).toMatchObject({ errorCode: ErrorCode.NONE, assignment: Buffer.from('B') });
    // SyncGroup again in Stable answers the current assignment.
    const again = h.sync(b.memberId, gen);
    await flush();
    expect(again.value.assignment).toEqual(Buffer.from('B'));
  });

  it('protocol selection: the most voted protocol every member supports', async () => {
    const h = new Harness();
    const meta = Buffer.from('m');
    const a = await h.joinDynamic({ protocols: [{ name: 'roundrobin', metadata: meta }, { name: 'range', metadata: meta }] }, { clientId: 'a' });
    const b = await h.joinDynamic({ protocols: [{ name: 'range', metadata: meta }, { name: 'sticky', metadata: meta }] }, { clientId: 'b' });
    const c = await h.joinDynamic({ protocols: [{ name: 'range', metadata: meta }, { name: 'roundrobin', metadata: meta }] }, { clientId: 'c' });
    await h.advance(9000);
    for (const j of [a, b, c]) expect(j.response.value.protocolName).toBe('range');
    // A member supporting none of the group's protocols is refused.
    const d = h.join({ protocols: [{ name: 'cooperative-sticky', metadata: meta }] });
    await flush();
    expect(d.value.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  });
});

describe('classic group: rebalances of a Stable group', () => {
  it('a new member moves Stable to PreparingRebalance; members learn it from heartbeats and rejoin', async () => {
    const h = new Harness();
    const { members: [m1], generation } = await stableGroup(h, 1);
    const m2 = await h.joinDynamic({}, { clientId: 'new' });
    expect(h.group!.state).toBe('PreparingRebalance');
    expect(await h.heartbeat(m1!, generation)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    // SyncGroup during the join phase is refused too.
    const early = h.sync(m1!, generation);
    await flush();
    expect(early.value.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    // Offsets of the current generation may still be committed.
    const commit = await h.coordinator.commitOffsets({ clientId: 'c', clientHost: '/h', apiVersion: 8 }, { groupId: GROUP, generationIdOrMemberEpoch: generation, memberId: m1!, groupInstanceId: null, retentionTimeMs: -1n, topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 5n, committedLeaderEpoch: -1, committedMetadata: null }] }] });
    expect(commit.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.NONE);

    const rejoin = h.join({ memberId: m1! });
    await flush();
    // Everyone joined: not an initial rebalance, so the join phase completes at once.
    expect(rejoin.value).toMatchObject({ errorCode: ErrorCode.NONE, generationId: generation + 1, leader: m1 });
    expect(m2.response.value).toMatchObject({ generationId: generation + 1, leader: m1 });
    expect(h.group!.state).toBe('CompletingRebalance');
    // Commits wait for the new assignment.
    const blocked = await h.coordinator.commitOffsets({ clientId: 'c', clientHost: '/h', apiVersion: 8 }, { groupId: GROUP, generationIdOrMemberEpoch: generation + 1, memberId: m1!, groupInstanceId: null, retentionTimeMs: -1n, topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 6n, committedLeaderEpoch: -1, committedMetadata: null }] }] });
    expect(blocked.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
  });

  it('the leader rejoining a Stable group forces a rebalance; a follower rejoining with the same metadata does not', async () => {
    const h = new Harness();
    const { members: [leader, follower], generation } = await stableGroup(h, 2);
    const same = h.join({ memberId: follower! });
    await flush();
    expect(same.value).toMatchObject({ errorCode: ErrorCode.NONE, generationId: generation, members: [] });
    expect(h.group!.state).toBe('Stable');
    h.join({ memberId: leader! });
    await flush();
    expect(h.group!.state).toBe('PreparingRebalance');
  });

  it('a member that does not rejoin within the rebalance timeout is removed when the join phase ends', async () => {
    const h = new Harness();
    const { members: [m1, m2], generation } = await stableGroup(h, 2);
    h.join({ memberId: m1! });
    await flush();
    expect(h.group!.state).toBe('PreparingRebalance');
    // m2 keeps its session alive but never rejoins.
    for (let t = 0; t < 15_000; t += 5000) {
      await h.advance(5000);
      expect(await h.heartbeat(m2!, generation)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    }
    await h.advance(4999);
    expect(h.group!.state).toBe('PreparingRebalance');
    await h.advance(1);
    expect(h.group!.state).toBe('CompletingRebalance');
    expect(h.group!.allMemberIds()).toEqual([m1]);
    expect(await h.heartbeat(m2!, generation)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('a member whose session times out in Stable is removed and the group rebalances', async () => {
    const h = new Harness();
    const { members: [m1, m2], generation } = await stableGroup(h, 2);
    // Only m1 heartbeats.
    for (let i = 0; i < 3; i++) {
      await h.advance(3000);
      expect(await h.heartbeat(m1!, generation)).toBe(ErrorCode.NONE);
    }
    await h.advance(999);
    expect(h.group!.hasMember(m2!)).toBe(true);
    await h.advance(1);
    expect(h.group!.hasMember(m2!)).toBe(false);
    expect(h.group!.state).toBe('PreparingRebalance');
    expect(await h.heartbeat(m1!, generation)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const rejoin = h.join({ memberId: m1! });
    await flush();
    expect(rejoin.value).toMatchObject({ generationId: generation + 1, members: [expect.objectContaining({ memberId: m1 })] });
  });

  it('members that do not send SyncGroup within the rebalance timeout are removed (pending sync expiration)', async () => {
    const h = new Harness();
    const a = await h.joinDynamic({}, { clientId: 'a' });
    const b = await h.joinDynamic({}, { clientId: 'b' });
    await h.advance(6000);
    const gen = a.response.value.generationId;
    h.sync(a.memberId, gen, [{ memberId: a.memberId, assignment: Buffer.from('A') }, { memberId: b.memberId, assignment: Buffer.from('B') }]);
    await flush();
    expect(h.group!.state).toBe('Stable');
    // b heartbeats but never syncs.
    for (let t = 0; t < 15_000; t += 5000) {
      await h.advance(5000);
      await h.heartbeat(b.memberId, gen);
      await h.heartbeat(a.memberId, gen);
    }
    await h.advance(5000);
    expect(h.group!.hasMember(b.memberId)).toBe(false);
    expect(h.group!.state).toBe('PreparingRebalance');
  });

  it('a new member that never completes its JoinGroup is dropped after the new-member join timeout', async () => {
    const h = new Harness();
    const { members: [m1], generation } = await stableGroup(h, 1);
    const late = await h.joinDynamic({}, { clientId: 'late' });
    // m1 never rejoins but keeps heartbeating: the join phase waits for the rebalance timeout.
    for (let t = 0; t < 20_000; t += 5000) {
      await h.advance(5000);
      await h.heartbeat(m1!, generation);
    }
    // m1 did not rejoin (removed); the new member alone forms the next generation.
    expect(late.response.value).toMatchObject({ errorCode: ErrorCode.NONE, generationId: generation + 1, leader: late.memberId });
    expect(h.group!.allMemberIds()).toEqual([late.memberId]);
  });

  it('a pending member (MEMBER_ID_REQUIRED) that never rejoins is forgotten after its session timeout', async () => {
    const h = new Harness();
    const first = h.join({});
    await flush();
    expect(h.group!.isPendingMember(first.value.memberId)).toBe(true);
    await h.advance(10_000);
    expect(h.group!.isPendingMember(first.value.memberId)).toBe(false);
  });
});

describe('classic group: leaving and Empty', () => {
  it('LeaveGroup of the last member moves the group to Empty with a new generation written to the log', async () => {
    const h = new Harness();
    const { members: [m1], generation } = await stableGroup(h, 1);
    const res = await h.coordinator.leaveGroup({ clientId: 'c', clientHost: '/h', apiVersion: 5 }, { groupId: GROUP, members: [{ memberId: m1!, groupInstanceId: null, reason: 'bye' }] });
    expect(res.members).toEqual([{ memberId: m1, groupInstanceId: null, errorCode: ErrorCode.NONE }]);
    expect(h.group!.state).toBe('Empty');
    expect(h.group!.generationId).toBe(generation + 1);
    const last = h.records().filter((r) => r.record.type === 2).pop()!.record.value!.data as { generation: number; members: unknown[]; protocol: string | null };
    expect(last).toMatchObject({ generation: generation + 1, members: [], protocol: null });
    // Heartbeats and syncs of a former member: UNKNOWN_MEMBER_ID.
    expect(await h.heartbeat(m1!, generation)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('LeaveGroup of one member of two rebalances; batched leave reports per member', async () => {
    const h = new Harness();
    const { members: [m1, m2] } = await stableGroup(h, 2);
    const res = await h.coordinator.leaveGroup({ clientId: 'c', clientHost: '/h', apiVersion: 5 }, {
      groupId: GROUP,
      members: [
        { memberId: m2!, groupInstanceId: null, reason: null },
        { memberId: 'nobody', groupInstanceId: null, reason: null },
      ],
    });
    expect(res.members.map((m) => m.errorCode)).toEqual([ErrorCode.NONE, ErrorCode.UNKNOWN_MEMBER_ID]);
    expect(h.group!.state).toBe('PreparingRebalance');
    expect(h.group!.allMemberIds()).toEqual([m1]);
    // Leaving a group that does not exist: every member is unknown.
    const none = await h.coordinator.leaveGroup({ clientId: 'c', clientHost: '/h', apiVersion: 5 }, { groupId: 'other', members: [{ memberId: 'x', groupInstanceId: null, reason: null }] });
    expect(none.members[0]!.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('a member leaving while others wait in SyncGroup sends them back to rejoin', async () => {
    const h = new Harness();
    const a = await h.joinDynamic({}, { clientId: 'a' });
    const b = await h.joinDynamic({}, { clientId: 'b' });
    const c = await h.joinDynamic({}, { clientId: 'c' });
    await h.advance(9000);
    const gen = a.response.value.generationId;
    const waiting = h.sync(b.memberId, gen);
    await flush();
    await h.coordinator.leaveGroup({ clientId: 'c', clientHost: '/h', apiVersion: 5 }, { groupId: GROUP, members: [{ memberId: c.memberId, groupInstanceId: null, reason: null }] });
    await flush();
    expect(waiting.value.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(h.group!.state).toBe('PreparingRebalance');
  });
});

describe('classic group: static membership (KIP-345)', () => {
  async function staticGroup(h: Harness): Promise<{ a: string; b: string; generation: number }> {
    const ja = h.join({ groupInstanceId: 'ia' });
    const jb = h.join({ groupInstanceId: 'ib' });
    await h.advance(6000);
    const generation = ja.value.generationId;
    const a = ja.value.memberId;
    const b = jb.value.memberId;
    expect(a).toBe('ia-uuid-1');
    h.sync(a, generation, [{ memberId: a, assignment: Buffer.from('A') }, { memberId: b, assignment: Buffer.from('B') }], { groupInstanceId: 'ia' });
    h.sync(b, generation, [], { groupInstanceId: 'ib' });
    await flush();
    expect(h.group!.state).toBe('Stable');
    return { a, b, generation };
  }

  it('a static member rejoining with an unknown member id replaces itself without a rebalance; the old id is fenced', async () => {
    const h = new Harness();
    const { a, b, generation } = await staticGroup(h);
    const back = h.join({ groupInstanceId: 'ib' });
    await flush();
    expect(back.value).toMatchObject({ errorCode: ErrorCode.NONE, generationId: generation, skipAssignment: false, members: [] });
    const newB = back.value.memberId;
    expect(newB).not.toBe(b);
    expect(h.group!.state).toBe('Stable');
    expect(h.group!.generationId).toBe(generation);
    const sync = h.sync(newB, generation, [], { groupInstanceId: 'ib' });
    await flush();
    expect(sync.value.assignment).toEqual(Buffer.from('B'));
    // The process with the old member id is fenced.
    expect(await h.heartbeat(b, generation, 'ib')).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect(await h.heartbeat(newB, generation, 'ib')).toBe(ErrorCode.NONE);
    expect(await h.heartbeat(a, generation, 'ia')).toBe(ErrorCode.NONE);
  });

  it('a rejoining static leader skips the assignment (v9) or is told the old leader id (older versions)', async () => {
    const h = new Harness();
    const { a, generation } = await staticGroup(h);
    const v9 = h.join({ groupInstanceId: 'ia' });
    await flush();
    expect(v9.value).toMatchObject({ generationId: generation, skipAssignment: true, leader: v9.value.memberId });
    expect(v9.value.members).toHaveLength(2);
    const v5 = h.join({ groupInstanceId: 'ia' }, { apiVersion: 5 });
    await flush();
    // The old (v9) id is reported as leader, so this client syncs as a follower and gets its assignment back.
    expect(v5.value).toMatchObject({ generationId: generation, skipAssignment: false, leader: v9.value.memberId, members: [] });
    expect(a).not.toBe(v5.value.memberId);
  });

  it('a static member whose session expires is removed like any other', async () => {
    const h = new Harness();
    const { a, b, generation } = await staticGroup(h);
    for (let i = 0; i < 4; i++) {
      await h.advance(3000);
      await h.heartbeat(a, generation, 'ia');
    }
    expect(h.group!.hasMember(b)).toBe(false);
    expect(h.group!.hasStaticMember('ib')).toBe(false);
  });

  it('LeaveGroup by group instance id alone removes the static member (admin removal)', async () => {
    const h = new Harness();
    const { b } = await staticGroup(h);
    const res = await h.coordinator.leaveGroup({ clientId: 'c', clientHost: '/h', apiVersion: 5 }, { groupId: GROUP, members: [{ memberId: '', groupInstanceId: 'ib', reason: null }] });
    expect(res.members[0]).toEqual({ memberId: '', groupInstanceId: 'ib', errorCode: ErrorCode.NONE });
    expect(h.group!.hasMember(b)).toBe(false);
  });
});

describe('classic group: errors', () => {
  it('JoinGroup validation: group id, session timeout bounds, protocols, unknown member, max size', async () => {
    const h = new Harness({ classicGroupMaxSize: 1 });
    const empty = track(h.coordinator.joinGroup({ clientId: 'c', clientHost: '/h', apiVersion: 9 }, { groupId: '', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId: '', groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: 'x', metadata: Buffer.alloc(0) }], reason: null }));
    const tooShort = h.join({ sessionTimeoutMs: 5999 });
    const tooLong = h.join({ sessionTimeoutMs: 1_800_001 });
    const noProtocols = h.join({ groupId: 'fresh', protocols: [] } as never);
    const unknown = h.join({ groupId: 'missing', memberId: 'who' } as never);
    await flush();
    expect(empty.value.errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
    expect(tooShort.value.errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
    expect(tooLong.value.errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
    expect(noProtocols.value.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect(unknown.value).toMatchObject({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, memberId: 'who' });

    // group.max.size = 1: the second member is refused while the first waits in the join phase.
    await h.joinDynamic({}, { clientId: 'one' });
    const two = await h.joinDynamic({}, { clientId: 'two' });
    await flush();
    expect(two.response.value).toMatchObject({ errorCode: ErrorCode.GROUP_MAX_SIZE_REACHED, memberId: '' });
  });

  it('Heartbeat and SyncGroup: unknown member, wrong generation, inconsistent protocol, unknown group', async () => {
    const h = new Harness();
    const { members: [m1], generation } = await stableGroup(h, 1);
    expect(await h.heartbeat('stranger', generation)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(await h.heartbeat(m1!, generation + 5)).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect((await h.coordinator.heartbeat({ clientId: 'c', clientHost: '/h', apiVersion: 4 }, { groupId: 'nope', generationId: 1, memberId: 'x', groupInstanceId: null })).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect((await h.coordinator.heartbeat({ clientId: 'c', clientHost: '/h', apiVersion: 4 }, { groupId: '', generationId: 1, memberId: 'x', groupInstanceId: null })).errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
    const wrongGen = h.sync(m1!, generation + 1);
    const wrongProtocol = track(h.coordinator.syncGroup({ clientId: 'c', clientHost: '/h', apiVersion: 5 }, { groupId: GROUP, generationId: generation, memberId: m1!, groupInstanceId: null, protocolType: 'consumer', protocolName: 'roundrobin', assignments: [] }));
    const unknownGroup = track(h.coordinator.syncGroup({ clientId: 'c', clientHost: '/h', apiVersion: 5 }, { groupId: 'nope', generationId: 1, memberId: 'x', groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] }));
    await flush();
    expect(wrongGen.value.errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(wrongProtocol.value.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect(unknownGroup.value.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('NOT_COORDINATOR for a partition this broker does not lead; COORDINATOR_NOT_AVAILABLE once closed', async () => {
    const h = new Harness({}, { partitions: 2 });
    // Take partition 1 away: groups hashing there are not coordinated here.
    const partitionOf = (g: string) => h.coordinator.partitionFor(g);
    const elsewhere = ['a', 'b', 'c', 'd', 'e', 'f'].find((g) => partitionOf(g) === 1)!;
    (h.logs as unknown[])[1] = undefined;
    const j = track(h.coordinator.joinGroup({ clientId: 'c', clientHost: '/h', apiVersion: 9 }, { groupId: elsewhere, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId: '', groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: 'x', metadata: Buffer.alloc(0) }], reason: null }));
    await flush();
    expect(j.value.errorCode).toBe(ErrorCode.NOT_COORDINATOR);

    const parked = await h.joinDynamic();
    h.coordinator.close();
    await flush();
    // A parked JoinGroup learns the coordinator went away.
    expect(parked.response.value.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(await h.heartbeat('x', 1)).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
  });

  it('a failed write of the leader assignment answers the waiting members with a coordinator error and rebalances', async () => {
    const h = new Harness();
    const a = await h.joinDynamic({}, { clientId: 'a' });
    const b = await h.joinDynamic({}, { clientId: 'b' });
    await h.advance(6000);
    const gen = a.response.value.generationId;
    const follower = h.sync(b.memberId, gen);
    h.logs[0]!.failNextAppend(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    const leader = h.sync(a.memberId, gen, [{ memberId: a.memberId, assignment: Buffer.from('A') }]);
    await flush();
    expect(leader.value.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(follower.value.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(h.group!.state).toBe('PreparingRebalance');
  });
});

describe('classic group: admin views', () => {
  it('DescribeGroups: members with metadata and assignment when Stable, none for Empty, Dead for unknown', async () => {
    const h = new Harness();
    const { members } = await stableGroup(h, 2);
    const [stable, unknown] = h.coordinator.describeGroups([GROUP, 'missing']);
    expect(stable).toMatchObject({ errorCode: ErrorCode.NONE, groupState: 'Stable', protocolType: 'consumer', protocolData: 'range' });
    expect(stable!.members.map((m) => [m.memberId, m.clientId, m.clientHost, m.memberAssignment.toString()])).toEqual([
      [members[0], 'c0', '/127.0.0.1', 'a-0'],
      [members[1], 'c1', '/127.0.0.1', 'a-1'],
    ]);
    expect(stable!.members[0]!.memberMetadata).toEqual(subscription('t'));
    expect(unknown).toMatchObject({ errorCode: ErrorCode.NONE, groupId: 'missing', groupState: 'Dead', members: [] });
  });

  it('ListGroups filters by state and type, case-insensitively', async () => {
    const h = new Harness();
    await stableGroup(h, 1);
    await h.coordinator.commitOffsets({ clientId: 'c', clientHost: '/h', apiVersion: 8 }, { groupId: 'simple', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1n, topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null }] }] });
    const all = h.coordinator.listGroups([], []).groups;
    expect(all).toEqual(expect.arrayContaining([
      { groupId: GROUP, protocolType: 'consumer', groupState: 'Stable', groupType: 'classic' },
      { groupId: 'simple', protocolType: '', groupState: 'Empty', groupType: 'classic' },
    ]));
    expect(h.coordinator.listGroups(['STABLE'], []).groups.map((g) => g.groupId)).toEqual([GROUP]);
    expect(h.coordinator.listGroups(['empty', 'dead'], ['Classic']).groups.map((g) => g.groupId)).toEqual(['simple']);
    expect(h.coordinator.listGroups([], ['consumer']).groups).toEqual([]);
  });

  it('the group partition is abs(String.hashCode) % partitions, as Kafka places groups', () => {
    const h = new Harness({}, { partitions: 50 });
    // "hello".hashCode() = 99162322; "polygenelubricants".hashCode() = Integer.MIN_VALUE, which Utils.abs maps to 0.
    expect(h.coordinator.partitionFor('hello')).toBe(99162322 % 50);
    expect(h.coordinator.partitionFor('polygenelubricants')).toBe(0);
    expect(h.coordinator.partitionFor('Aa')).toBe(h.coordinator.partitionFor('BB'));
    expect(h.coordinator.partitionFor('')).toBe(0);
  });
});
