/**
 * confluent-kafka (Python, librdkafka 2.0.2) group members against Gregor:
 * - cooperative-sticky moves only the partitions that must move when members join and leave;
 * - a member killed without leaving is expelled after its session timeout;
 * - a static member (group.instance.id) restarted within its session timeout gets its partitions
 *   back with no rebalance.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningBroker } from '../../src/embedded.js';
import { groupView, pythonHas, stableWith, startGroupBroker, waitFor } from './groups-helpers.js';
import { PythonMember } from './groups-python-member.js';

const HAS_CONFLUENT = pythonHas('confluent_kafka');
const TOPIC = 'events';
const PARTITIONS = 6;
const ALL = [0, 1, 2, 3, 4, 5];

let broker: RunningBroker | null = null;
const members: PythonMember[] = [];

afterEach(async () => {
  await Promise.all(members.splice(0).map((m) => m.dispose()));
  await broker?.close();
  broker = null;
});

async function member(b: RunningBroker, group: string, clientId: string, config: Record<string, string | number | boolean> = {}): Promise<PythonMember> {
  const m = new PythonMember(b.bootstrap, group, TOPIC, clientId, config);
  members.push(m);
  await m.ready();
  return m;
}

/** The members' own views agree with a stable group covering every partition once. */
async function settled(b: RunningBroker, group: string, ms: PythonMember[]): Promise<void> {
  await waitFor(() => {
    if (!stableWith(b, group, ms.length, PARTITIONS)) return false;
    const owned = ms.flatMap((m) => m.ownedSorted());
    return owned.length === PARTITIONS && new Set(owned).size === PARTITIONS;
  }, `a settled group of ${ms.length} (owned: ${ms.map((m) => `${m.clientId}=${m.ownedSorted().join(',')}`).join(' ')})`);
}

describe.skipIf(!HAS_CONFLUENT)('confluent-kafka consumer groups', () => {
  it('cooperative-sticky moves only the partitions that must move when a member joins and leaves', async () => {
    broker = await startGroupBroker();
    const b = broker;
    await b.createTopic(TOPIC, { partitions: PARTITIONS });
    const group = 'coop';
    const conf = { 'partition.assignment.strategy': 'cooperative-sticky' };

    const a = await member(b, group, 'coop-a', conf);
    await settled(b, group, [a]);
    expect(a.ownedSorted()).toEqual(ALL);

    // B joins: A gives up exactly the three partitions B gets, and keeps the rest throughout.
    let aSeq = a.nextSeq;
    const bm = await member(b, group, 'coop-b', conf);
    await settled(b, group, [a, bm]);
    expect(a.owned.size).toBe(3);
    expect(bm.owned.size).toBe(3);
    expect(a.changesSince(aSeq, 'revoke')).toEqual(bm.ownedSorted());
    expect(a.changesSince(aSeq, 'assign')).toEqual([]);

    // C joins: A and B each give up one partition, nothing else moves.
    aSeq = a.nextSeq;
    let bSeq = bm.nextSeq;
    const aBefore = a.ownedSorted();
    const bBefore = bm.ownedSorted();
    const c = await member(b, group, 'coop-c', conf);
    await settled(b, group, [a, bm, c]);
    for (const m of [a, bm, c]) expect(m.owned.size).toBe(2);
    expect(a.changesSince(aSeq, 'revoke')).toHaveLength(1);
    expect(bm.changesSince(bSeq, 'revoke')).toHaveLength(1);
    expect(a.changesSince(aSeq, 'assign')).toEqual([]);
    expect(bm.changesSince(bSeq, 'assign')).toEqual([]);
    expect(aBefore).toEqual(expect.arrayContaining(a.ownedSorted()));
    expect(bBefore).toEqual(expect.arrayContaining(bm.ownedSorted()));
    expect([...a.changesSince(aSeq, 'revoke'), ...bm.changesSince(bSeq, 'revoke')].sort()).toEqual(c.ownedSorted());

    // C leaves: its two partitions go to A and B, who revoke nothing.
    aSeq = a.nextSeq;
    bSeq = bm.nextSeq;
    const cOwned = c.ownedSorted();
    await c.close();
    members.splice(members.indexOf(c), 1);
    await settled(b, group, [a, bm]);
    expect(a.changesSince(aSeq, 'revoke')).toEqual([]);
    expect(bm.changesSince(bSeq, 'revoke')).toEqual([]);
    expect([...a.changesSince(aSeq, 'assign'), ...bm.changesSince(bSeq, 'assign')].sort()).toEqual(cOwned);
    expect(a.owned.size).toBe(3);
    expect(bm.owned.size).toBe(3);
  });

  it('expels a member killed without leaving once its session times out, and reassigns its partitions', async () => {
    broker = await startGroupBroker();
    const b = broker;
    await b.createTopic(TOPIC, { partitions: PARTITIONS });
    const group = 'crash';
    const sessionTimeoutMs = 2000;
    const conf = { 'session.timeout.ms': sessionTimeoutMs, 'heartbeat.interval.ms': 200 };
    const a = await member(b, group, 'crash-a', conf);
    const victim = await member(b, group, 'crash-b', conf);
    await settled(b, group, [a, victim]);
    const generation = groupView(b, group)!.generationId;

    const killedAt = Date.now();
    await victim.kill();
    members.splice(members.indexOf(victim), 1);
    // Still a member until its session expires...
    expect(groupView(b, group)!.members).toHaveLength(2);
    await waitFor(() => groupView(b, group)!.members.length === 1, 'the killed member to be expelled');
    const expelledAfter = Date.now() - killedAt;
    // ...which takes a session timeout after its last heartbeat (at most one heartbeat interval before the kill).
    expect(expelledAfter).toBeGreaterThanOrEqual(sessionTimeoutMs - 400);
    await settled(b, group, [a]);
    expect(a.ownedSorted()).toEqual(ALL);
    expect(groupView(b, group)!.generationId).toBeGreaterThan(generation);
  });

  it('gives a restarted static member its partitions back with no rebalance', async () => {
    broker = await startGroupBroker();
    const b = broker;
    await b.createTopic(TOPIC, { partitions: PARTITIONS });
    const group = 'static';
    const conf = (id: string) => ({ 'group.instance.id': id, 'session.timeout.ms': 10000 });
    const a = await member(b, group, 'static-a', conf('instance-a'));
    const first = await member(b, group, 'static-b', conf('instance-b'));
    await settled(b, group, [a, first]);
    const before = groupView(b, group)!;
    const bPartitions = first.ownedSorted();
    const oldMemberId = before.members.find((m) => m.groupInstanceId === 'instance-b')!.memberId;
    const aSeq = a.nextSeq;

    // The process dies (no LeaveGroup) and a new one with the same instance id starts within the session timeout.
    await first.kill();
    members.splice(members.indexOf(first), 1);
    const restarted = await member(b, group, 'static-b', conf('instance-b'));
    await waitFor(() => restarted.owned.size === bPartitions.length, 'the restarted static member to get its partitions');
    expect(restarted.ownedSorted()).toEqual(bPartitions);

    const after = groupView(b, group)!;
    expect(after.state).toBe('Stable');
    expect(after.generationId).toBe(before.generationId);
    const replaced = after.members.find((m) => m.groupInstanceId === 'instance-b')!;
    expect(replaced.memberId).not.toBe(oldMemberId);
    expect(replaced.partitions).toEqual(before.members.find((m) => m.groupInstanceId === 'instance-b')!.partitions);
    // The other member saw no rebalance at all.
    expect(a.changesSince(aSeq, 'revoke')).toEqual([]);
    expect(a.changesSince(aSeq, 'assign')).toEqual([]);
  });
});
