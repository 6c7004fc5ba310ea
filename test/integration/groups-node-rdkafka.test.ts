/**
 * node-rdkafka (librdkafka 2.12) consumer groups against Gregor: three members on six partitions
 * split them evenly and consume everything exactly once; commits land in __consumer_offsets.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningBroker } from '../../src/embedded.js';
import { groupView, loadNodeRdkafka, produceToAll, stableWith, startGroupBroker, waitFor } from './groups-helpers.js';

const Kafka = loadNodeRdkafka();
const TOPIC = 'payments';
const PARTITIONS = 6;

let broker: RunningBroker | null = null;
const consumers: any[] = [];

function disconnect(c: any): Promise<void> {
  return new Promise((resolve) => {
    if (!c.isConnected()) return resolve();
    const timer = setTimeout(resolve, 10_000);
    c.disconnect(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

afterEach(async () => {
  await Promise.all(consumers.splice(0).map(disconnect));
  await broker?.close();
  broker = null;
});

interface Seen {
  member: number;
  partition: number;
  value: string;
}

function startConsumer(b: RunningBroker, groupId: string, member: number, seen: Seen[]): Promise<any> {
  const consumer = new Kafka.KafkaConsumer(
    {
      'group.id': groupId,
      'client.id': `rdkafka-${member}`,
      'metadata.broker.list': b.bootstrap,
      'enable.auto.commit': true,
      'auto.commit.interval.ms': 100,
      'session.timeout.ms': 6000,
      'heartbeat.interval.ms': 200,
      'fetch.wait.max.ms': 100,
      'topic.metadata.refresh.interval.ms': 1000,
    },
    { 'auto.offset.reset': 'earliest' },
  );
  consumers.push(consumer);
  consumer.on('data', (m: any) => seen.push({ member, partition: m.partition, value: m.value.toString() }));
  return new Promise((resolve, reject) => {
    consumer.connect({ timeout: 10_000 }, (err: Error | null) => {
      if (err) return reject(err);
      consumer.subscribe([TOPIC]);
      consumer.consume();
      resolve(consumer);
    });
  });
}

async function committed(b: RunningBroker, groupId: string): Promise<bigint[]> {
  const r = await b.broker.groupCoordinator.fetchOffsets(groupId, [{ name: TOPIC, partitionIndexes: [0, 1, 2, 3, 4, 5] }], false);
  return r.topics[0]!.partitions.map((p) => p.committedOffset);
}

describe.skipIf(!Kafka)('node-rdkafka consumer group', () => {
  it('three members split six partitions evenly and consume everything exactly once', async () => {
    broker = await startGroupBroker();
    const b = broker;
    await b.createTopic(TOPIC, { partitions: PARTITIONS });
    const groupId = 'rdkafka-group';
    const seen: Seen[] = [];
    for (let m = 0; m < 3; m++) await startConsumer(b, groupId, m, seen);

    const stable = await waitFor(() => stableWith(b, groupId, 3, PARTITIONS), 'a stable group of 3 covering 6 partitions');
    for (const member of stable.members) expect(member.partitions).toHaveLength(2);

    const values = await produceToAll(b, TOPIC, PARTITIONS, 40);
    await waitFor(async () => (await committed(b, groupId)).every((o) => o === 40n), 'offsets committed at the end of every partition');
    expect(seen.map((s) => s.value).sort()).toEqual([...values].sort());
    expect(groupView(b, groupId)!.generationId).toBe(stable.generationId);
    const byClient = new Map(stable.members.map((m) => [m.clientId, new Set(m.partitions.map((p) => Number(p.split('-').pop())))]));
    for (const s of seen) expect(byClient.get(`rdkafka-${s.member}`)!.has(s.partition)).toBe(true);

    await Promise.all(consumers.splice(0).map(disconnect));
    await waitFor(() => groupView(b, groupId)?.state === 'Empty', 'the group to become Empty after the members leave');
  });
});
