import { describe, expect, it } from 'vitest';
import { CompressionType, DELETE_HORIZON_MASK } from '../../../../src/protocol/records/batch-header.js';
import { buildEndTxnMarker } from '../../../../src/protocol/records/control-records.js';
import { ControlRecordType } from '../../../../src/protocol/records/control-records.js';
import { CLEANER_OFFSET_CHECKPOINT_FILE } from '../../../../src/storage/cleaner/cleaner-manager.js';
import { readOffsetCheckpoint } from '../../../../src/storage/checkpoint.js';
import { ALL_CODECS, DIR, LOG_DIR, latestByKey, readAll, readBatches, setupCleaner, type Harness } from './helpers.js';

const bases = (h: Harness) => h.log.segmentsInfo().map((s) => s.baseOffset);

/** Writes `rounds` values for keys k0..k(keys-1), one batch of `perBatch` records at a time, rolling every `perSegment` batches. */
async function writeKeys(h: Harness, keys: number, rounds: number, opts: { perBatch?: number; perSegment?: number; compression?: CompressionType } = {}) {
  const perBatch = opts.perBatch ?? 5;
  const perSegment = opts.perSegment ?? 4;
  let batches = 0;
  const pending: { key: string; value: string }[] = [];
  for (let r = 0; r < rounds; r++) for (let k = 0; k < keys; k++) pending.push({ key: `k${k}`, value: `v${r}-${k}` });
  for (let i = 0; i < pending.length; i += perBatch) {
    await h.append(pending.slice(i, i + perBatch), { compression: opts.compression ?? CompressionType.None });
    if (++batches % perSegment === 0) h.log.roll();
  }
}

describe('log compaction', () => {
  it('keeps the latest record of each key with its original offset, never touching the active segment', async () => {
    const h = setupCleaner();
    await writeKeys(h, 10, 4); // 40 records, 8 batches, 2 full segments + an empty active one
    await h.append([{ key: 'k0', value: 'active' }]); // in the active segment
    const before = await readAll(h.log);
    const results = await h.cleaner.cleanNow();
    expect(results.length).toBe(1);
    const after = await readAll(h.log);
    const latest = latestByKey(before);
    expect(latestByKey(after)).toEqual(latest);
    // Cleaned part: exactly one record per key. The active segment is not in the offset map, so
    // k0's older value stays until that segment is cleaned too (as in Kafka).
    const activeBase = bases(h)[bases(h).length - 1]!;
    const cleanedPart = after.filter((r) => r.offset < activeBase);
    expect(cleanedPart.map((r) => r.key).sort()).toEqual(['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'k8', 'k9']);
    for (const r of cleanedPart) expect(r.value).toBe(`v3-${r.key!.slice(1)}`);
    expect(after.filter((r) => r.offset >= activeBase).map((r) => r.value)).toEqual(['active']);
    // Offsets are the original ones and still increasing.
    for (const r of after) expect(before.find((b) => b.offset === r.offset)).toEqual(r);
    // The checkpoint holds the new first dirty offset.
    const cp = readOffsetCheckpoint(h.fs, `${LOG_DIR}/${CLEANER_OFFSET_CHECKPOINT_FILE}`);
    expect(cp).toEqual([{ topic: 'c', partition: 0, offset: results[0]!.endOffset }]);
    expect(results[0]!.endOffset).toBe(activeBase);
    // No temporary files are left behind.
    expect(h.fs.readdir(DIR).filter((n) => n.endsWith('.cleaned') || n.endsWith('.swap'))).toEqual([]);
  });

  it('merges small segments into one (segment.bytes permitting) and swaps them in', async () => {
    const h = setupCleaner();
    await writeKeys(h, 4, 6, { perBatch: 2, perSegment: 1 });
    h.log.roll();
    const segsBefore = bases(h).length;
    await h.cleaner.cleanNow();
    expect(bases(h).length).toBeLessThan(segsBefore);
    expect(bases(h)[0]).toBe(0n);
    const after = await readAll(h.log);
    expect(after.map((r) => r.value)).toEqual(['v5-0', 'v5-1', 'v5-2', 'v5-3']);
    // Old files are renamed .deleted and removed after file.delete.delay.ms.
    expect(h.fs.readdir(DIR).some((n) => n.endsWith('.deleted'))).toBe(true);
    h.sched.advance(1_000);
    expect(h.fs.readdir(DIR).some((n) => n.endsWith('.deleted'))).toBe(false);
  });

  it('respects segment.bytes when grouping', async () => {
    const h = setupCleaner({ segmentBytes: 600 });
    for (let i = 0; i < 12; i++) {
      await h.append([{ key: `unique-${i}`, value: 'x'.repeat(150) }]);
      h.log.roll();
    }
    await h.cleaner.cleanNow(); // nothing to remove, segments merge up to 600 bytes
    for (const s of h.log.segmentsInfo()) expect(s.sizeInBytes).toBeLessThanOrEqual(600);
    expect((await readAll(h.log)).length).toBe(12);
  });

  it('is a no-op below min.cleanable.dirty.ratio and cleans once the dirty share passes it', async () => {
    const h = setupCleaner({}, { minCleanableRatio: 0.5 });
    await writeKeys(h, 10, 4);
    expect((await h.cleaner.cleanNow()).length).toBe(1);
    const cleanSize = h.log.sizeInBytes();
    // A little dirty data: ratio below 0.5.
    await h.append([{ key: 'k1', value: 'new' }]);
    h.log.roll();
    expect(h.log.sizeInBytes() - cleanSize).toBeLessThan(cleanSize);
    expect(await h.cleaner.cleanNow()).toEqual([]);
    // Enough dirty data.
    await writeKeys(h, 10, 2);
    h.log.roll();
    expect((await h.cleaner.cleanNow()).length).toBe(1);
    expect(latestByKey(await readAll(h.log)).get('k1')![1]).toBe('v1-1');
  });

  it('leaves segments younger than min.compaction.lag.ms alone', async () => {
    const h = setupCleaner({}, { minCompactionLagMs: 60_000 });
    await writeKeys(h, 5, 2, { perSegment: 1 }); // 2 segments
    h.log.roll();
    expect(await h.cleaner.cleanNow()).toEqual([]);
    h.sched.advance(60_001);
    expect((await h.cleaner.cleanNow()).length).toBe(1);
    expect((await readAll(h.log)).length).toBe(5);
  });

  it('cleans a log whose dirty data is older than max.compaction.lag.ms even below the dirty ratio', async () => {
    const h = setupCleaner({}, { minCleanableRatio: 0.99, maxCompactionLagMs: 10_000 });
    await writeKeys(h, 5, 2, { perSegment: 1 });
    await h.cleaner.cleanNow(); // first pass: everything is dirty (ratio 1 > 0.99)
    await h.append([{ key: 'k1', value: 'late' }]);
    h.log.roll();
    expect(await h.cleaner.cleanNow()).toEqual([]);
    h.sched.advance(10_001);
    expect((await h.cleaner.cleanNow()).length).toBe(1);
    const after = await readAll(h.log);
    expect(after.filter((r) => r.key === 'k1').map((r) => r.value)).toEqual(['late']);
  });

  it('removes tombstones in two passes: the first sets the delete horizon, a pass after delete.retention.ms drops them', async () => {
    const h = setupCleaner({}, { deleteRetentionMs: 5_000, minCleanableRatio: 0.01 });
    await h.append([
      { key: 'a', value: '1' },
      { key: 'b', value: '1' },
    ]);
    await h.append([{ key: 'a', value: null }]);
    h.log.roll();
    const t0 = h.now();
    await h.cleaner.cleanNow();
    let batches = await readBatches(h.log);
    const tomb = batches.find((b) => b.records.some((r) => r.key === 'a'))!;
    expect(tomb.records).toEqual([expect.objectContaining({ key: 'a', value: null })]);
    expect(tomb.header.attributes & DELETE_HORIZON_MASK).toBe(DELETE_HORIZON_MASK);
    expect(tomb.header.baseTimestamp).toBe(BigInt(t0 + 5_000));
    expect(tomb.records[0]!.timestamp).toBe(BigInt(t0)); // the record keeps its own timestamp
    // Before the horizon, another pass (new dirty data) keeps the tombstone.
    h.sched.advance(4_000);
    await h.append([{ key: 'c', value: '1' }]);
    h.log.roll();
    await h.cleaner.cleanNow();
    expect((await readAll(h.log)).filter((r) => r.key === 'a')).toHaveLength(1);
    // After it, the next pass removes it.
    h.sched.advance(1_001);
    await h.append([{ key: 'd', value: '1' }]);
    h.log.roll();
    await h.cleaner.cleanNow();
    batches = await readBatches(h.log);
    const all = batches.flatMap((b) => b.records);
    expect(all.filter((r) => r.key === 'a')).toEqual([]);
    expect(all.map((r) => r.key).sort()).toEqual(['b', 'c', 'd']);
  });

  it.each(ALL_CODECS.map((c) => [CompressionType[c], c] as const))('keeps each batch codec (%s) and decodes after cleaning', async (_name, codec) => {
    const h = setupCleaner();
    await writeKeys(h, 6, 3, { perBatch: 4, compression: codec });
    h.log.roll();
    await h.cleaner.cleanNow();
    const batches = await readBatches(h.log);
    for (const b of batches) if (b.records.length > 0) expect(b.header.compression).toBe(codec);
    const after = batches.flatMap((b) => b.records);
    expect(after.map((r) => `${r.key}=${r.value}`).sort()).toEqual(['k0=v2-0', 'k1=v2-1', 'k2=v2-2', 'k3=v2-3', 'k4=v2-4', 'k5=v2-5']);
  });

  it('keeps the header of an active producer’s last batch (sequence and epoch) when all its records are superseded', async () => {
    const h = setupCleaner({}, { minCleanableRatio: 0.01 });
    await h.append([{ key: 'x', value: '1' }], { producerId: 7n, producerEpoch: 3, baseSequence: 10 });
    const lastOfProducer = h.log.logEndOffset - 1n;
    await h.append([{ key: 'x', value: '2' }]);
    await h.append([{ key: 'y', value: '1' }], { producerId: 8n, producerEpoch: 0, baseSequence: 0 });
    await h.append([{ key: 'y', value: '2' }]);
    await h.append([{ key: 'z', value: '1' }]);
    h.log.roll();
    h.lastRecords.set(7n, { lastDataOffset: lastOfProducer, producerEpoch: 3 }); // 8 is no longer active
    await h.cleaner.cleanNow();
    const batches = await readBatches(h.log);
    const empty = batches.filter((b) => b.records.length === 0);
    expect(empty.map((b) => [b.header.baseOffset, b.header.producerId, b.header.producerEpoch, b.header.baseSequence, b.header.lastOffsetDelta])).toEqual([
      [lastOfProducer, 7n, 3, 10, 0],
    ]);
    expect(batches.some((b) => b.header.producerId === 8n)).toBe(false);
    expect(batches.flatMap((b) => b.records).map((r) => r.value)).toEqual(['2', '2', '1']);
  });

  it('keeps transaction markers until their transaction has no data left, then removes them after the delete horizon', async () => {
    const h = setupCleaner({}, { deleteRetentionMs: 1_000, minCleanableRatio: 0.01 });
    await h.append([{ key: 't', value: 'in-txn' }], { producerId: 5n, producerEpoch: 0, baseSequence: 0, isTransactional: true });
    h.log.append(buildEndTxnMarker({ type: ControlRecordType.Commit, producerId: 5n, producerEpoch: 0, coordinatorEpoch: 1, timestamp: BigInt(h.now()) }), { leaderEpoch: 0 });
    await h.append([{ key: 't', value: 'later' }]);
    await h.append([{ key: 'u', value: '1' }]);
    h.log.roll();
    h.log.highWatermark = h.log.logEndOffset;
    const controlBatches = async () => (await readBatches(h.log)).filter((b) => b.header.isControl);
    // Pass 1: the transaction's data goes; its marker stays (it was seen with data in this pass).
    await h.cleaner.cleanNow();
    expect((await readAll(h.log)).filter((r) => r.key === 't').map((r) => r.value)).toEqual(['later']);
    expect(await controlBatches()).toHaveLength(1);
    // Pass 2: the marker is for an empty transaction now: it gets a delete horizon.
    await h.append([{ key: 'v', value: '1' }]);
    h.log.roll();
    await h.cleaner.cleanNow();
    const [marker] = await controlBatches();
    expect(marker!.header.hasDeleteHorizon).toBe(true);
    expect(marker!.records).toHaveLength(1);
    // Pass 3, after the horizon: the marker goes.
    h.sched.advance(1_001);
    await h.append([{ key: 'w', value: '1' }]);
    h.log.roll();
    await h.cleaner.cleanNow();
    expect(await controlBatches()).toEqual([]);
  });

  it('keeps ABORT markers while no transaction index tells which data was aborted', async () => {
    const h = setupCleaner({}, { deleteRetentionMs: 0, minCleanableRatio: 0.01 });
    await h.append([{ key: 'a', value: 'aborted' }], { producerId: 5n, producerEpoch: 0, baseSequence: 0, isTransactional: true });
    h.log.append(buildEndTxnMarker({ type: ControlRecordType.Abort, producerId: 5n, producerEpoch: 0, coordinatorEpoch: 1, timestamp: BigInt(h.now()) }), { leaderEpoch: 0 });
    await h.append([{ key: 'b', value: '1' }]);
    h.log.roll();
    h.log.highWatermark = h.log.logEndOffset;
    for (let i = 0; i < 3; i++) {
      await h.cleaner.cleanNow();
      h.sched.advance(10);
      await h.append([{ key: `n${i}`, value: '1' }]);
      h.log.roll();
    }
    const batches = await readBatches(h.log);
    expect(batches.filter((b) => b.header.isControl)).toHaveLength(1);
    expect(batches.flatMap((b) => b.records).some((r) => r.value === 'aborted')).toBe(true);
  });

  it('does not clean past the last stable offset or the high watermark', async () => {
    const h = setupCleaner();
    await writeKeys(h, 5, 2, { perSegment: 1 });
    h.log.roll();
    h.log.highWatermark = 5n; // inside the second segment: only the first is cleanable
    const [r] = await h.cleaner.cleanNow();
    expect(r!.endOffset).toBe(5n);
    const after = await readAll(h.log);
    expect(after.filter((x) => x.offset >= 5n)).toHaveLength(5);
  });

  it('drops keyless records, as Kafka counts them invalid', async () => {
    const h = setupCleaner();
    await h.append([
      { key: null, value: 'no key' },
      { key: 'k', value: '1' },
    ]);
    await h.append([{ key: 'k', value: '2' }]);
    h.log.roll();
    await h.cleaner.cleanNow();
    expect((await readAll(h.log)).map((r) => r.value)).toEqual(['2']);
  });

  it('is restartable: a second clean with nothing new finds nothing to do', async () => {
    const h = setupCleaner();
    await writeKeys(h, 10, 3);
    h.log.roll();
    expect((await h.cleaner.cleanNow()).length).toBe(1);
    expect(await h.cleaner.cleanNow()).toEqual([]);
  });
});
