/**
 * ListOffsets by timestamp returns the exact record, through each client's API: kafkajs
 * admin.fetchTopicOffsetsByTimestamp, confluent-kafka offsets_for_times, kafka-python
 * offsets_for_times, node-rdkafka offsetsForTimes, @platformatic/kafka Admin.listOffsets (which
 * also asks EARLIEST, LATEST and MAX_TIMESTAMP).
 *
 * Kafka's rule: the first offset whose record has timestamp >= the target; batches are found by
 * their max timestamp, so a record with an earlier timestamp after a later one inside the same
 * batch is not returned for a target between them.
 */
import { describe, expect, it } from 'vitest';
import { useResources } from '../helpers/broker.js';
import { kafkajs, Platformatic, platformaticOptions, rdkafkaOffsetsForTimes } from '../helpers/node-clients.js';
import { pythonOffsetsForTimes } from '../helpers/python.js';
import type { RunningBroker } from '../../../src/index.js';
import { itNeeds } from '../helpers/requirements.js';

const T0 = 1_700_000_000_000;
const TOPIC = 'by-time';
/** Partition 0: three batches; offset -> timestamp (ms after T0). Batch B is out of order. */
const P0_BATCHES = [
  [0, 1000, 2000],
  [5000, 3000, 4000],
  [6000, 6000, 7000],
];
const P1_BATCHES = [[100, 200]];

/** [target ms after T0, expected offset in partition 0 (-1: none), that record's timestamp] */
const P0_CASES: [number, number, number | null][] = [
  [-1, 0, 0],
  [0, 0, 0],
  [1000, 1, 1000],
  [1500, 2, 2000],
  [2500, 3, 5000],
  [3500, 3, 5000],
  [5000, 3, 5000],
  [5500, 6, 6000],
  [6000, 6, 6000],
  [7000, 8, 7000],
  [7001, -1, null],
];

async function produceTimestamped(broker: RunningBroker): Promise<void> {
  await broker.createTopic(TOPIC, { partitions: 2 });
  const producer = kafkajs(broker.bootstrap).producer();
  await producer.connect();
  try {
    for (const [partition, batches] of [[0, P0_BATCHES], [1, P1_BATCHES]] as const) {
      let n = 0;
      for (const batch of batches) {
        // One send per batch: one record batch each.
        await producer.send({
          topic: TOPIC,
          messages: batch.map((ms) => ({ partition, key: `p${partition}`, value: `p${partition}-${n++}-at-${ms}`, timestamp: String(T0 + ms) })),
        });
      }
    }
  } finally {
    await producer.disconnect();
  }
}

describe('list offsets by time returns the exact record', () => {
  const res = useResources();

  it('kafkajs admin.fetchTopicOffsetsByTimestamp', async () => {
    const broker = await res.broker();
    await produceTimestamped(broker);
    const admin = kafkajs(broker.bootstrap).admin();
    await admin.connect();
    res.defer(() => admin.disconnect());
    for (const [target, offset] of P0_CASES) {
      const got = await admin.fetchTopicOffsetsByTimestamp(TOPIC, T0 + target);
      // kafkajs answers "no such record" with the partition's end offset.
      expect(got.find((p) => p.partition === 0)!.offset, `target T0+${target}`).toBe(String(offset === -1 ? 9 : offset));
    }
    const p1 = await admin.fetchTopicOffsetsByTimestamp(TOPIC, T0 + 150);
    expect(p1.find((p) => p.partition === 1)!.offset).toBe('1');
    expect(await admin.fetchTopicOffsets(TOPIC)).toEqual(
      expect.arrayContaining([expect.objectContaining({ partition: 0, low: '0', high: '9', offset: '9' }), expect.objectContaining({ partition: 1, low: '0', high: '2' })]),
    );
  });

  /** One round per case: partition 0 at the case's target, partition 1 at T0+150. */
  const rounds = P0_CASES.map(([target]) => [
    { partition: 0, timestamp: T0 + target },
    { partition: 1, timestamp: T0 + 150 },
  ]);

  itNeeds(['confluent-kafka'], 'confluent-kafka offsets_for_times', async () => {
    const broker = await res.broker();
    await produceTimestamped(broker);
    const r = await pythonOffsetsForTimes('confluent-kafka', broker.bootstrap, TOPIC, rounds);
    P0_CASES.forEach(([target, offset], i) => {
      expect(r.rounds[i]!.map((o) => [o.partition, o.offset, o.error]), `target T0+${target}`).toEqual([
        [0, offset, null],
        [1, 1, null],
      ]);
    });
    expect(r.watermarks).toEqual({ '0': [0, 9], '1': [0, 2] });
  });

  itNeeds(['kafka-python'], 'kafka-python offsets_for_times', async () => {
    const broker = await res.broker();
    await produceTimestamped(broker);
    // kafka-python rejects negative timestamps itself.
    const cases = P0_CASES.filter(([target]) => target >= 0);
    const r = await pythonOffsetsForTimes('kafka-python', broker.bootstrap, TOPIC, rounds.filter((q) => q[0]!.timestamp >= T0));
    cases.forEach(([target, offset, ts], i) => {
      expect(r.rounds[i], `target T0+${target}`).toEqual([
        { partition: 0, offset: offset === -1 ? null : offset, timestamp: ts === null ? null : T0 + ts },
        { partition: 1, offset: 1, timestamp: T0 + 200 },
      ]);
    });
    expect(r.watermarks).toEqual({ '0': [0, 9], '1': [0, 2] });
  });

  it('node-rdkafka offsetsForTimes', async () => {
    const broker = await res.broker();
    await produceTimestamped(broker);
    const got = await rdkafkaOffsetsForTimes(broker.bootstrap, TOPIC, rounds);
    P0_CASES.forEach(([target, offset], i) => {
      expect(got[i]!.map((o) => [o.partition, o.offset]).sort(), `target T0+${target}`).toEqual([
        [0, offset],
        [1, 1],
      ]);
    });
  });

  it('@platformatic/kafka Admin.listOffsets: timestamps, EARLIEST, LATEST, MAX_TIMESTAMP', async () => {
    const broker = await res.broker();
    await produceTimestamped(broker);
    const admin = new Platformatic.Admin(platformaticOptions(broker.bootstrap));
    res.defer(() => admin.close());
    const ask = async (timestamp: bigint) => {
      const [topic] = await admin.listOffsets({ topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, timestamp }, { partitionIndex: 1, timestamp }] }] });
      const byIndex = new Map<number, { offset: bigint; timestamp: bigint }>(topic.partitions.map((p: any) => [p.partitionIndex, p]));
      return { p0: byIndex.get(0)!, p1: byIndex.get(1)! };
    };
    for (const [target, offset, ts] of P0_CASES) {
      if (target < 0) continue; // negative timestamps are the special queries below
      const { p0 } = await ask(BigInt(T0 + target));
      expect({ offset: p0.offset, timestamp: p0.timestamp }, `target T0+${target}`).toEqual({ offset: BigInt(offset), timestamp: ts === null ? -1n : BigInt(T0 + ts) });
    }
    expect((await ask(-2n)).p0.offset).toBe(0n); // EARLIEST
    expect((await ask(-1n)).p0.offset).toBe(9n); // LATEST
    const max = await ask(-3n); // MAX_TIMESTAMP: the record with the largest timestamp
    expect({ offset: max.p0.offset, timestamp: max.p0.timestamp }).toEqual({ offset: 8n, timestamp: BigInt(T0 + 7000) });
    expect({ offset: max.p1.offset, timestamp: max.p1.timestamp }).toEqual({ offset: 1n, timestamp: BigInt(T0 + 200) });
  });
});
