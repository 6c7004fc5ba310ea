/**
 * Compression on append and timestamps, end to end:
 * - each codec as a topic's compression.type, with node-rdkafka producing another codec: the broker
 *   stores the topic's codec and confluent-kafka reads every record back intact;
 * - the broker-level compression.type as the default of topics;
 * - LogAppendTime on compressed batches, as consumers see it;
 * - ListOffsets by timestamp lands on the exact record inside compressed CreateTime batches.
 */
import { describe, expect, it } from 'vitest';
import { CompressionType, TIMESTAMP_TYPE_MASK } from '../../../src/protocol/records/batch-header.js';
import { useResources } from '../helpers/broker.js';
import type { OutMessage } from '../helpers/messages.js';
import { kafkajs, rdkafkaProduce } from '../helpers/node-clients.js';
import { pythonConsume, pythonProduce } from '../helpers/python.js';
import { startClockBroker, stored } from './helpers.js';

/** topic compression.type -> the codec the producer uses instead. */
const CASES: [string, string, CompressionType][] = [
  ['uncompressed', 'gzip', CompressionType.None],
  ['gzip', 'lz4', CompressionType.Gzip],
  ['snappy', 'zstd', CompressionType.Snappy],
  ['lz4', 'snappy', CompressionType.Lz4],
  ['zstd', 'gzip', CompressionType.Zstd],
];

/** Recent timestamps: older ones would be removed by retention (retention.ms 7 days) before being read. */
function messages(tag: string, n = 40): OutMessage[] {
  const t0 = Date.now() - 1000;
  return Array.from({ length: n }, (_, i) => ({
    key: `key-${i % 7}`,
    value: i % 13 === 12 ? null : `${tag} ${i} ${'squeezable '.repeat(i % 5)}`,
    headers: [['i', String(i)]],
    timestamp: t0 + i,
  }));
}

/** node-rdkafka's librdkafka is built without zstd: confluent-kafka produces zstd. */
async function produce(bootstrap: string, topic: string, sent: OutMessage[], codec: string) {
  if (codec === 'zstd') return pythonProduce('confluent-kafka', bootstrap, topic, sent, { 'compression.codec': 'zstd', 'linger.ms': 50 });
  return rdkafkaProduce(bootstrap, topic, sent, { 'compression.codec': codec, 'linger.ms': 50 });
}

describe('compression.type and timestamps with real clients', () => {
  const res = useResources();

  it('stores each topic codec whatever the producer codec, and consumers read the records back intact', async () => {
    const b = await startClockBroker(res);
    for (const [topicCodec, producerCodec, expected] of CASES) {
      const topic = `codec-${topicCodec}`;
      b.createTopic(topic, { 'compression.type': topicCodec, 'compression.gzip.level': '9' });
      const sent = messages(`${producerCodec}->${topicCodec}`);
      const reports = await produce(b.bootstrap, topic, sent, producerCodec);
      expect(reports.every((r) => r.error === null), `${topic}: ${JSON.stringify(reports.find((r) => r.error))}`).toBe(true);
      const batches = stored(b.broker, topic);
      expect(batches.length).toBeLessThan(sent.length); // the producer batched them
      expect(batches.map((x) => x.compression), topic).toEqual(batches.map(() => expected));
      const read = await pythonConsume('confluent-kafka', b.bootstrap, topic, [0]);
      expect(read.complete).toBe(true);
      expect(read.messages.map((m) => [m.offset, m.key, m.value, m.headers, m.timestamp]), topic).toEqual(
        sent.map((m, i) => [i, m.key, m.value, m.headers, m.timestamp]),
      );
    }
  });

  it('uses the broker compression.type for topics without their own, and keeps the producer codec with "producer"', async () => {
    const b = await startClockBroker(res, { 'compression.type': 'lz4' });
    b.createTopic('inherits');
    b.createTopic('keeps', { 'compression.type': 'producer' });
    for (const topic of ['inherits', 'keeps']) {
      const reports = await rdkafkaProduce(b.bootstrap, topic, messages(topic, 10).map((m) => ({ ...m, timestamp: undefined })), { 'compression.codec': 'gzip', 'linger.ms': 20 });
      expect(reports.every((r) => r.error === null)).toBe(true);
    }
    expect(new Set(stored(b.broker, 'inherits').map((x) => x.compression))).toEqual(new Set([CompressionType.Lz4]));
    expect(new Set(stored(b.broker, 'keeps').map((x) => x.compression))).toEqual(new Set([CompressionType.Gzip]));
    const read = await pythonConsume('confluent-kafka', b.bootstrap, 'inherits', [0]);
    expect(read.messages.map((m) => m.value)).toEqual(messages('inherits', 10).map((m) => m.value));
  });

  it('LogAppendTime: compressed batches get the broker time in the header (CRC valid) and consumers see it as log append time', async () => {
    const b = await startClockBroker(res);
    b.createTopic('appended', { 'message.timestamp.type': 'LogAppendTime' });
    const before = Date.now();
    const sent = messages('lat', 20).map((m) => ({ ...m, timestamp: 1_000 })); // far in the past: the broker time wins
    const reports = await rdkafkaProduce(b.bootstrap, 'appended', sent, { 'compression.codec': 'lz4', 'linger.ms': 20 });
    const after = Date.now();
    expect(reports.every((r) => r.error === null)).toBe(true);
    const batches = stored(b.broker, 'appended');
    for (const x of batches) {
      expect(x.compression).toBe(CompressionType.Lz4);
      expect(x.attributes & TIMESTAMP_TYPE_MASK).toBe(TIMESTAMP_TYPE_MASK);
    }
    const read = await pythonConsume('confluent-kafka', b.bootstrap, 'appended', [0]);
    expect(read.messages).toHaveLength(20);
    for (const m of read.messages as (typeof read.messages[number] & { timestampType: number })[]) {
      expect(m.timestampType).toBe(2); // TIMESTAMP_LOG_APPEND_TIME
      expect(m.timestamp).toBeGreaterThanOrEqual(before);
      expect(m.timestamp).toBeLessThanOrEqual(after);
    }
    expect(read.messages.map((m) => m.value)).toEqual(sent.map((m) => m.value));
  });

  it('ListOffsets by timestamp finds the exact record inside compressed CreateTime batches (zstd: the batch start)', async () => {
    const b = await startClockBroker(res);
    const t0 = Date.now() - 60_000;
    const admin = kafkajs(b.bootstrap).admin();
    await admin.connect();
    res.defer(() => admin.disconnect());
    for (const codec of ['gzip', 'snappy', 'lz4', 'zstd']) {
      const topic = `by-time-${codec}`;
      b.createTopic(topic);
      const sent = Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: `v${i}`, timestamp: t0 + i * 100 }));
      await produce(b.bootstrap, topic, sent, codec);
      const batches = stored(b.broker, topic);
      if (codec !== 'zstd') expect(batches.length, `${codec}: one batch`).toBe(1);
      // zstd cannot be decompressed synchronously here: the answer is the start of the zstd batch holding
      // the record. (A client may send a small batch uncompressed when zstd would not make it smaller.)
      const expectedFor = (offset: number) => {
        const holder = batches.find((x) => x.lastOffset >= BigInt(offset))!;
        return holder.compression === 4 ? Number(holder.baseOffset) : offset;
      };
      const [found] = await admin.fetchTopicOffsetsByTimestamp(topic, t0 + 350);
      // The first record at or after t0+350 is offset 4 (t0+400).
      expect(Number(found!.offset), codec).toBe(expectedFor(4));
      const [exact] = await admin.fetchTopicOffsetsByTimestamp(topic, t0 + 900);
      expect(Number(exact!.offset), codec).toBe(expectedFor(9));
      const [none] = await admin.fetchTopicOffsetsByTimestamp(topic, t0 + 901);
      expect(Number(none!.offset), codec).toBe(10); // past every record: the log end offset
    }
  });
});
