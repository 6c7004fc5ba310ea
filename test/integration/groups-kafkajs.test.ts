/**
 * kafkajs consumer groups against Gregor: three members on six partitions split them evenly,
 * consume everything exactly once, commit, and leave; committed offsets are what the group resumes from.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Consumer } from 'kafkajs';
import type { RunningBroker } from '../../src/embedded.js';
import { groupView, kafkajsClient, produceToAll, stableWith, startGroupBroker, waitFor } from './groups-helpers.js';

const TOPIC = 'orders';
const PARTITIONS = 6;

let broker: RunningBroker | null = null;
const consumers: Consumer[] = [];

afterEach(async () => {
  await Promise.all(consumers.splice(0).map((c) => c.disconnect().catch(() => {})));
  await broker?.close();
  broker = null;
});

interface Seen {
  member: number;
  partition: number;
  value: string;
}

async function startConsumer(b: RunningBroker, groupId: string, member: number, seen: Seen[]): Promise<Consumer> {
  const consumer = kafkajsClient(b, `kafkajs-${member}`).consumer({ groupId, sessionTimeout: 6000, rebalanceTimeout: 10000, heartbeatInterval: 200, maxWaitTimeInMs: 100 });
  consumers.push(consumer);
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      seen.push({ member, partition, value: message.value!.toString() });
    },
  });
  return consumer;
}

function committed(b: RunningBroker, groupId: string): Promise<Map<number, bigint>> {
  return b.broker.groupCoordinator.fetchOffsets(groupId, [{ name: TOPIC, partitionIndexes: [0, 1, 2, 3, 4, 5] }], false).then((r) => new Map(r.topics[0]!.partitions.map((p) => [p.partitionIndex, p.committedOffset])));
}

describe('kafkajs consumer group', () => {
  it('three members split six partitions evenly and consume everything exactly once', async () => {
    broker = await startGroupBroker();
    const b = broker;
    await b.createTopic(TOPIC, { partitions: PARTITIONS });
    const groupId = 'kafkajs-group';
    const seen: Seen[] = [];
    for (let m = 0; m < 3; m++) await startConsumer(b, groupId, m, seen);

    const stable = await waitFor(() => stableWith(b, groupId, 3, PARTITIONS), 'a stable group of 3 covering 6 partitions');
    for (const member of stable.members) expect(member.partitions).toHaveLength(2);
    const generation = stable.generationId;

    const values = await produceToAll(b, TOPIC, PARTITIONS, 40);
    await waitFor(async () => [...(await committed(b, groupId)).values()].every((o) => o === 40n), 'offsets committed at the end of every partition');

    // Exactly once: every value once, no rebalance meanwhile, and each member read only its own partitions.
    expect(seen.map((s) => s.value).sort()).toEqual([...values].sort());
    expect(groupView(b, groupId)!.generationId).toBe(generation);
    const byClient = new Map(stable.members.map((m) => [m.clientId, new Set(m.partitions.map((p) => Number(p.split('-').pop())))]));
    for (const s of seen) expect(byClient.get(`kafkajs-${s.member}`)!.has(s.partition)).toBe(true);

    // Leaving empties the group; its committed offsets stay.
    await Promise.all(consumers.splice(0).map((c) => c.disconnect()));
    await waitFor(() => groupView(b, groupId)?.state === 'Empty', 'the group to become Empty');
    expect([...(await committed(b, groupId)).values()]).toEqual(Array(PARTITIONS).fill(40n));
  });

  it('a new member resumes from the committed offsets', async () => {
    broker = await startGroupBroker();
    const b = broker;
    await b.createTopic(TOPIC, { partitions: PARTITIONS });
    const groupId = 'kafkajs-resume';
    const first: Seen[] = [];
    await startConsumer(b, groupId, 0, first);
    await waitFor(() => stableWith(b, groupId, 1, PARTITIONS), 'a stable group of 1');
    await produceToAll(b, TOPIC, PARTITIONS, 5);
    await waitFor(async () => [...(await committed(b, groupId)).values()].every((o) => o === 5n), 'first batch committed');
    await consumers.splice(0)[0]!.disconnect();

    const later = await produceToAll(b, TOPIC, PARTITIONS, 3);
    const second: Seen[] = [];
    await startConsumer(b, groupId, 1, second);
    await waitFor(() => second.length >= later.length, 'the second member to read the new messages');
    await waitFor(async () => [...(await committed(b, groupId)).values()].every((o) => o === 8n), 'second batch committed');
    expect(second.map((s) => s.value).sort()).toEqual([...later].sort());
  });
});
