/**
 * Compaction end to end: kafkajs produces keyed records and tombstones to a compacted topic, the
 * broker's log cleaner compacts it by itself (log.cleaner.backoff.ms 50), and confluent-kafka
 * (librdkafka) and node-rdkafka consumers reading from the beginning get exactly the latest value
 * of each key at its original offset; tombstones are gone once delete.retention.ms has passed (on
 * the broker's clock) and another cleaning ran. __consumer_offsets is compacted by the same cleaner.
 */
import { describe, expect, it } from 'vitest';
import { useResources } from '../helpers/broker.js';
import { kafkajs, rdkafkaConsume } from '../helpers/node-clients.js';
import { join } from 'node:path';
import { pythonConsume, runPython } from '../helpers/python.js';
import { waitUntil } from '../helpers/wait.js';
import { partitionLog, startClockBroker, stored } from './helpers.js';

const TOPIC = 'compacted';
const COMMIT_SCRIPT = join(import.meta.dirname, 'commit_offsets.py');

interface Sent {
  key: string;
  value: string | null;
  offset: bigint;
}

describe('log compaction with real clients', () => {
  const res = useResources();

  it('a compacted topic read from the beginning yields the latest value per key, and tombstones go after delete.retention.ms', async () => {
    const b = await startClockBroker(res);
    b.createTopic(TOPIC, { 'cleanup.policy': 'compact', 'segment.ms': '5', 'min.cleanable.dirty.ratio': '0.01', 'delete.retention.ms': '60000' });
    const producer = kafkajs(b.bootstrap).producer();
    await producer.connect();
    res.defer(() => producer.disconnect());
    const sent: Sent[] = [];
    let ts = Date.now() - 10_000;
    const send = async (messages: { key: string; value: string | null }[]) => {
      ts += 10; // > segment.ms apart: every send rolls a new segment
      const [meta] = await producer.send({ topic: TOPIC, messages: messages.map((m) => ({ ...m, timestamp: String(ts) })) });
      const base = BigInt(meta!.baseOffset!);
      messages.forEach((m, i) => sent.push({ ...m, offset: base + BigInt(i) }));
    };
    for (let round = 0; round < 5; round++) await send(Array.from({ length: 20 }, (_, k) => ({ key: `key-${k}`, value: `round-${round}-key-${k}` })));
    await send(Array.from({ length: 5 }, (_, k) => ({ key: `key-${k}`, value: null }))); // tombstones for keys 0-4
    await send([{ key: 'end-1', value: 'in the active segment' }]);
    const total = sent.length;

    // The cleaner runs by itself every log.cleaner.backoff.ms.
    await waitUntil(() => stored(b.broker, TOPIC).reduce((n, s) => n + s.count, 0) < total / 2, { what: 'the cleaner to compact the topic' });
    const latest = new Map<string, Sent>();
    for (const s of sent) latest.set(s.key, s);
    const expected = [...latest.values()].sort((x, y) => (x.offset < y.offset ? -1 : 1)).map((s) => ({ offset: Number(s.offset), key: s.key, value: s.value }));

    const viaConfluent = await pythonConsume('confluent-kafka', b.bootstrap, TOPIC, [0]);
    expect(viaConfluent.complete).toBe(true);
    expect(viaConfluent.messages.map((m) => ({ offset: m.offset, key: m.key, value: m.value }))).toEqual(expected);

    // An hour later on the broker's clock: a cleaning (new dirty data comes first) drops the tombstones.
    b.shift(60_001);
    await send([{ key: 'trigger', value: 'new dirty data' }]);
    await send([{ key: 'end-2', value: 'in the active segment' }]);
    // keys 5-19, end-1, trigger and end-2
    await waitUntil(() => stored(b.broker, TOPIC).reduce((n, s) => n + s.count, 0) === 15 + 3, { what: 'tombstones to be removed' });
    const after = await rdkafkaConsume(b.bootstrap, TOPIC, [0]);
    expect(after.complete).toBe(true);
    const keys = after.messages.map((m) => m.key);
    expect(keys.filter((k) => k!.startsWith('key-')).sort()).toEqual(Array.from({ length: 15 }, (_, i) => `key-${i + 5}`).sort());
    expect(after.messages.every((m) => m.value !== null)).toBe(true);
    expect(keys.filter((k) => !k!.startsWith('key-'))).toEqual(['end-1', 'trigger', 'end-2']);
    for (const m of after.messages) expect(sent.find((s) => Number(s.offset) === m.offset)).toMatchObject({ key: m.key, value: m.value });
    // The log end offset never moves back and offsets keep their gaps.
    expect(partitionLog(b.broker, TOPIC).logEndOffset).toBe(BigInt(sent.length));
  });

  it('rejects keyless records on a compacted topic with INVALID_RECORD', async () => {
    const b = await startClockBroker(res);
    b.createTopic('keys-only', { 'cleanup.policy': 'compact' });
    const producer = kafkajs(b.bootstrap).producer({ retry: { retries: 0 } });
    await producer.connect();
    res.defer(() => producer.disconnect());
    await expect(producer.send({ topic: 'keys-only', messages: [{ key: 'k', value: 'ok' }, { value: 'no key' }] })).rejects.toMatchObject({ type: 'INVALID_RECORD' });
    expect(partitionLog(b.broker, 'keys-only').logEndOffset).toBe(0n);
  });

  it('compacts __consumer_offsets: the latest committed offset survives compaction and a restart', async () => {
    const dir = await res.tempDir('gregor-offsets-');
    let b = await startClockBroker(res, { 'log.roll.ms': '1', 'log.cleaner.min.cleanable.ratio': '0.01' }, dir);
    b.createTopic('events', {}, 1);
    // 30 OffsetCommits from confluent-kafka (a group-less consumer), each a record in __consumer_offsets.
    const { result } = await runPython<{ committed: number }>(COMMIT_SCRIPT, { bootstrap: b.bootstrap, group: 'g1', topic: 'events', partition: 0, count: 30 });
    expect(result.committed).toBe(30);
    const admin = kafkajs(b.bootstrap).admin();
    await admin.connect();
    await waitUntil(
      () => {
        const p = b.broker.replicas.getPartition('__consumer_offsets', 0);
        return p !== undefined && stored(b.broker, '__consumer_offsets').reduce((n, s) => n + s.count, 0) < 10;
      },
      { what: '__consumer_offsets to be compacted' },
    );
    expect(b.broker.logCleanup.cleaner!.results.some((r) => r.topicPartition === '__consumer_offsets-0')).toBe(true);
    const [before] = await admin.fetchOffsets({ groupId: 'g1', topics: ['events'] });
    expect(before!.partitions[0]!.offset).toBe('30');
    await admin.disconnect();
    await b.close();
    b = await startClockBroker(res, {}, dir);
    const admin2 = kafkajs(b.bootstrap).admin();
    await admin2.connect();
    res.defer(() => admin2.disconnect());
    const [after] = await admin2.fetchOffsets({ groupId: 'g1', topics: ['events'] });
    expect(after!.partitions[0]!.offset).toBe('30');
  });
});
