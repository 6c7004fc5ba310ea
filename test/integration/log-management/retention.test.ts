/**
 * Retention and DeleteRecords end to end: records produced by kafkajs, segments dropped by the
 * broker's retention task (log.retention.check.interval.ms 50), the earliest offset seen through
 * kafkajs admin (fetchTopicOffsets low watermark), consumers (node-rdkafka, confluent-kafka)
 * reading only what is left; DeleteRecords through kafkajs admin.deleteTopicRecords (confluent-kafka
 * 1.7 has no delete_records).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useResources } from '../helpers/broker.js';
import { kafkajs, rdkafkaConsume } from '../helpers/node-clients.js';
import { CONFLUENT_SCRIPT, pythonConsume, runPython } from '../helpers/python.js';
import { waitUntil } from '../helpers/wait.js';
import { partitionLog, startClockBroker, type ClockBroker } from './helpers.js';

const HOUR = 3_600_000;

async function produceBatches(b: ClockBroker, topic: string, batches: { timestamp: number; count?: number; size?: number }[]): Promise<void> {
  const producer = kafkajs(b.bootstrap).producer();
  await producer.connect();
  try {
    let n = 0;
    for (const { timestamp, count = 2, size = 10 } of batches) {
      await producer.send({
        topic,
        messages: Array.from({ length: count }, () => ({ key: `k${n}`, value: `${n++}`.padEnd(size, '.'), timestamp: String(timestamp) })),
      });
    }
  } finally {
    await producer.disconnect();
  }
}

async function watermarks(b: ClockBroker, topic: string): Promise<{ low: number; high: number }> {
  const admin = kafkajs(b.bootstrap).admin();
  await admin.connect();
  try {
    const [p] = await admin.fetchTopicOffsets(topic);
    return { low: Number(p!.low), high: Number(p!.high) };
  } finally {
    await admin.disconnect();
  }
}

describe('retention with real clients', () => {
  const res = useResources();

  it('retention.ms drops segments older than the limit and moves the earliest offset; later the expired active segment goes too', async () => {
    const b = await startClockBroker(res);
    b.createTopic('timed', { 'retention.ms': String(HOUR), 'segment.ms': '5' });
    const old = Date.now() - 2 * HOUR;
    // 5 old batches (10 records), then 3 recent ones (6 records); each batch rolls a segment.
    await produceBatches(b, 'timed', [0, 10, 20, 30, 40].map((d) => ({ timestamp: old + d })).concat([0, 10, 20].map((d) => ({ timestamp: Date.now() + d }))));
    await waitUntil(async () => (await watermarks(b, 'timed')).low === 10, { what: 'the old segments to be deleted' });
    expect(await watermarks(b, 'timed')).toEqual({ low: 10, high: 16 });
    const read = await rdkafkaConsume(b.bootstrap, 'timed', [0]);
    expect(read.messages.map((m) => m.offset)).toEqual([10, 11, 12, 13, 14, 15]);
    // Two hours later on the broker's clock, everything has expired, the active segment included.
    b.shift(2 * HOUR);
    await waitUntil(async () => (await watermarks(b, 'timed')).low === 16, { what: 'the rest to expire' });
    expect(partitionLog(b.broker, 'timed').logEndOffset).toBe(16n);
    // The log keeps going from there.
    await produceBatches(b, 'timed', [{ timestamp: b.now() }]);
    expect(await watermarks(b, 'timed')).toEqual({ low: 16, high: 18 });
  });

  it('retention.bytes keeps the log under the limit; deleted files are renamed .deleted and removed after file.delete.delay.ms', async () => {
    const dir = await res.tempDir('gregor-retention-');
    const b = await startClockBroker(res, { 'log.retention.check.interval.ms': '1000000', 'log.initial.task.delay.ms': '1000000' }, dir);
    b.createTopic('sized', { 'retention.bytes': '6000', 'segment.ms': '5' });
    const t0 = Date.now();
    await produceBatches(b, 'sized', Array.from({ length: 20 }, (_, i) => ({ timestamp: t0 + i * 10, count: 1, size: 1000 })));
    const log = partitionLog(b.broker, 'sized');
    const sizeBefore = log.sizeInBytes();
    expect(sizeBefore).toBeGreaterThan(18_000);
    const deleted = b.broker.logCleanup.retention.runOnce();
    expect(deleted).toBeGreaterThan(10);
    expect(log.sizeInBytes()).toBeLessThanOrEqual(6000 + 1100);
    expect(log.sizeInBytes()).toBeGreaterThan(6000 - 1100);
    const partDir = join(dir, 'sized-0');
    expect(readdirSync(partDir).filter((n) => n.endsWith('.log.deleted')).length).toBe(deleted);
    await waitUntil(() => readdirSync(partDir).every((n) => !n.endsWith('.deleted')), { what: 'the .deleted files to go' });
    const { low, high } = await watermarks(b, 'sized');
    expect(high).toBe(20);
    expect(low).toBe(deleted); // one record per segment
    expect(low).toBe(20 - log.numberOfSegments);
    const read = await pythonConsume('confluent-kafka', b.bootstrap, 'sized', [0]);
    expect(read.messages[0]!.offset).toBe(low);
    expect(read.messages).toHaveLength(high - low);
    // The log start offset is checkpointed at once.
    const checkpoint = readdirSync(dir).includes('log-start-offset-checkpoint');
    expect(checkpoint).toBe(true);
  });
});

describe('DeleteRecords with real clients', () => {
  const res = useResources();

  it('moves the earliest offset, answers the new low watermark, and fetches below it are out of range', async () => {
    const b = await startClockBroker(res);
    b.createTopic('purge', { 'segment.ms': '5' });
    const t0 = Date.now();
    await produceBatches(b, 'purge', Array.from({ length: 5 }, (_, i) => ({ timestamp: t0 + i * 10 }))); // offsets 0-9
    const admin = kafkajs(b.bootstrap).admin();
    await admin.connect();
    res.defer(() => admin.disconnect());
    await admin.fetchTopicOffsets('purge'); // kafkajs' deleteTopicRecords needs the topic's metadata loaded
    await admin.deleteTopicRecords({ topic: 'purge', partitions: [{ partition: 0, offset: '5' }] });
    expect(await watermarks(b, 'purge')).toEqual({ low: 5, high: 10 });
    expect(partitionLog(b.broker, 'purge').segmentsInfo()[0]!.baseOffset).toBe(4n); // the segment holding 5 stays
    // From the beginning: offset 5 on.
    const read = await rdkafkaConsume(b.bootstrap, 'purge', [0]);
    expect(read.messages.map((m) => m.offset)).toEqual([5, 6, 7, 8, 9]);
    // Fetching at 2 is out of range: without a reset policy librdkafka reports it.
    const { result: below } = await runPython<{ messages: unknown[]; errors: unknown[] }>(CONFLUENT_SCRIPT, {
      op: 'consume',
      bootstrap: b.bootstrap,
      topic: 'purge',
      partitions: [0],
      offset: 2,
      timeout: 3,
      config: { 'auto.offset.reset': 'error' },
    });
    expect(below.messages).toEqual([]);
    expect(JSON.stringify(below.errors)).toMatch(/OFFSET_OUT_OF_RANGE|AUTO_OFFSET_RESET|out of range/i);
    // Beyond the high watermark: OFFSET_OUT_OF_RANGE.
    await expect(admin.deleteTopicRecords({ topic: 'purge', partitions: [{ partition: 0, offset: '11' }] })).rejects.toMatchObject({
      cause: { partitions: [expect.objectContaining({ error: expect.objectContaining({ type: 'OFFSET_OUT_OF_RANGE' }) })] },
    });
    // -1: up to the high watermark.
    await admin.deleteTopicRecords({ topic: 'purge', partitions: [{ partition: 0, offset: '-1' }] });
    expect(await watermarks(b, 'purge')).toEqual({ low: 10, high: 10 });
  });

  it('refuses a topic whose cleanup.policy has no delete (POLICY_VIOLATION)', async () => {
    const b = await startClockBroker(res);
    b.createTopic('compact-only', { 'cleanup.policy': 'compact' });
    await produceBatches(b, 'compact-only', [{ timestamp: Date.now() }]);
    const admin = kafkajs(b.bootstrap).admin();
    await admin.connect();
    res.defer(() => admin.disconnect());
    await admin.fetchTopicOffsets('compact-only');
    await expect(admin.deleteTopicRecords({ topic: 'compact-only', partitions: [{ partition: 0, offset: '1' }] })).rejects.toMatchObject({
      cause: { partitions: [expect.objectContaining({ error: expect.objectContaining({ type: 'POLICY_VIOLATION' }) })] },
    });
    expect(await watermarks(b, 'compact-only')).toEqual({ low: 0, high: 2 });
  });
});
