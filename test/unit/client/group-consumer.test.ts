import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
  GroupConsumer,
  KafkaClient,
  Producer,
  rangeAssign,
  type ConsumerRecord,
} from '../../../src/client/index.js';
import { ApiKey } from '../../../src/protocol/generated/api-messages.js';
import { startBroker, type RunningBroker } from '../../../src/index.js';

describe('consumer protocol and range assignor', () => {
  it('round-trips subscriptions and assignments', () => {
    expect(decodeSubscription(encodeSubscription(['a', 'b']))).toEqual(['a', 'b']);
    const parts = [
      { topic: 'a', partition: 0 },
      { topic: 'a', partition: 2 },
      { topic: 'b', partition: 1 },
    ];
    expect(decodeAssignment(encodeAssignment(parts))).toEqual(parts);
    expect(decodeAssignment(Buffer.alloc(0))).toEqual([]);
  });

  it("assigns ranges like Kafka's RangeAssignor", () => {
    // RangeAssignor javadoc: C0 and C1 on t0, t1 with 3 partitions each.
    const plan = rangeAssign(
      [
        { memberId: 'C1', topics: ['t0', 't1'] },
        { memberId: 'C0', topics: ['t0', 't1'] },
      ],
      new Map([
        ['t0', 3],
        ['t1', 3],
      ]),
    );
    const names = (m: string) => plan.get(m)!.map((p) => `${p.topic}p${p.partition}`);
    expect(names('C0')).toEqual(['t0p0', 't0p1', 't1p0', 't1p1']);
    expect(names('C1')).toEqual(['t0p2', 't1p2']);
    const uneven = rangeAssign([{ memberId: 'a', topics: ['x'] }, { memberId: 'b', topics: ['y'] }], new Map([['x', 2]]));
    expect(uneven.get('a')!.length).toBe(2);
    expect(uneven.get('b')).toEqual([]);
  });
});

describe('GroupConsumer', () => {
  let broker: RunningBroker;
  let client: KafkaClient;
  let groupsSupported = false;

  beforeAll(async () => {
    broker = await startBroker();
    client = new KafkaClient({ bootstrapServers: broker.bootstrap });
    groupsSupported = await client.supports(ApiKey.JoinGroup);
  });

  afterAll(async () => {
    await client?.close();
    await broker?.close();
  });

  async function produce(topic: string, values: string[]): Promise<void> {
    const producer = new Producer(client, { lingerMs: 0 });
    await Promise.all(values.map((value, i) => producer.send({ topic, key: `k${i}`, value })));
    await producer.close();
  }

  async function drain(consumer: GroupConsumer, count: number, maxRecords?: number): Promise<ConsumerRecord[]> {
    const out: ConsumerRecord[] = [];
    for (let i = 0; out.length < count && i < 100; i++) out.push(...(await consumer.poll(maxRecords)));
    return out;
  }

  it('consumes from the committed offsets of its group and commits on close', async () => {
    if (!groupsSupported) return;
    await broker.createTopic('grp-commit', { partitions: 2 });
    await produce('grp-commit', ['a', 'b', 'c', 'd', 'e', 'f']);

    const first = new GroupConsumer(client, { groupId: 'g1', topics: ['grp-commit'], autoOffsetReset: 'earliest', maxWaitMs: 50 });
    const got = await drain(first, 4, 1);
    expect(got).toHaveLength(4);
    expect(first.assignment()).toHaveLength(2);
    await first.close();

    const second = new GroupConsumer(client, { groupId: 'g1', topics: ['grp-commit'], autoOffsetReset: 'earliest', maxWaitMs: 50 });
    const rest = await drain(second, 2);
    await second.close();
    expect([...got, ...rest].map((r) => r.value!.toString()).sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });

  it('splits partitions between two members after a rebalance', async () => {
    if (!groupsSupported) return;
    await broker.createTopic('grp-split', { partitions: 4 });
    const options = { groupId: 'g2', topics: ['grp-split'], autoOffsetReset: 'earliest' as const, maxWaitMs: 20, heartbeatIntervalMs: 50, sessionTimeoutMs: 6000, rebalanceTimeoutMs: 10_000 };
    const a = new GroupConsumer(client, options);
    const b = new GroupConsumer(client, options);
    try {
      await a.poll();
      expect(a.assignment()).toHaveLength(4);
      // Each member polls in its own loop (b's JoinGroup waits until a rejoins, which a does
      // from its poll once its heartbeat hears REBALANCE_IN_PROGRESS).
      const balanced = () => a.assignment().length === 2 && b.assignment().length === 2 && a.member.generationId === b.member.generationId;
      const loop = async (c: GroupConsumer) => {
        for (let i = 0; i < 1000 && !balanced(); i++) await c.poll();
      };
      await Promise.all([loop(a), loop(b)]);
      const all = [...a.assignment(), ...b.assignment()].map((p) => p.partition).sort();
      expect(all).toEqual([0, 1, 2, 3]);
      expect(a.assignment()).toHaveLength(2);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
