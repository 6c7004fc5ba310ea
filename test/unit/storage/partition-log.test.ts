import { describe, expect, it, vi } from 'vitest';
import { MemoryStorageFs } from '../../../src/storage/fs/memory-fs.js';
import { DEFAULT_LOG_CONFIG, type LogConfig } from '../../../src/storage/log-config.js';
import { PartitionLog, type PartitionLogOptions } from '../../../src/storage/partition-log.js';
import { ManualScheduler } from '../../../src/storage/scheduler.js';
import { OffsetOutOfRangeError, LogClosedError } from '../../../src/storage/errors.js';
import { batchOfSize, batchesOf, buildBatch, crcValid } from './helpers/batches.js';

const DIR = '/data/t-0';

function setup(config: Partial<LogConfig> = {}, extra: Partial<PartitionLogOptions> = {}) {
  const sched = new ManualScheduler(10_000);
  const fs = new MemoryStorageFs(() => sched.now());
  const cfg: LogConfig = { ...DEFAULT_LOG_CONFIG, ...config };
  const open = (more: Partial<PartitionLogOptions> = {}) =>
    PartitionLog.open({ dir: DIR, topicPartition: { topic: 't', partition: 0 }, config: cfg, fs, clock: () => sched.now(), ...extra, ...more });
  return { sched, fs, open, log: open() };
}

function readAll(log: PartitionLog, from = log.logStartOffset): Buffer {
  return Buffer.concat(log.read(from, 1 << 30, { minOneMessage: true }).records);
}

describe('PartitionLog append', () => {
  it('assigns offsets, stamps the leader epoch and keeps the CRC valid', () => {
    const { log } = setup();
    const a = log.append(buildBatch({ count: 3 }), { leaderEpoch: 5 });
    const b = log.append(buildBatch({ count: 2 }), { leaderEpoch: 6 });
    expect(a).toMatchObject({ firstOffset: 0n, lastOffset: 2n, numBatches: 1 });
    expect(b).toMatchObject({ firstOffset: 3n, lastOffset: 4n, numBatches: 1 });
    expect(log.logEndOffset).toBe(5n);
    const data = readAll(log);
    expect(batchesOf(data).map((x) => [x.baseOffset, x.lastOffset, x.epoch])).toEqual([
      [0n, 2n, 5],
      [3n, 4n, 6],
    ]);
    expect(crcValid(data, 0)).toBe(true);
  });

  it('appends several batches of one produce blob with a single write and contiguous offsets', () => {
    const { log, fs } = setup();
    const spy = vi.spyOn(fs, 'append');
    const blob = Buffer.concat([buildBatch({ count: 2, timestamps: [5n, 9n] }), buildBatch({ count: 4, baseTimestamp: 7n })]);
    const r = log.append(blob, { leaderEpoch: 0 });
    expect(r).toEqual({ firstOffset: 0n, lastOffset: 5n, maxTimestamp: 9n, offsetOfMaxTimestamp: 1n, numBatches: 2 });
    expect(spy).toHaveBeenCalledTimes(1);
    expect(batchesOf(readAll(log)).map((x) => x.baseOffset)).toEqual([0n, 2n]);
  });

  it('sets LogAppendTime and recomputes the CRC when asked', () => {
    const { log } = setup();
    const r = log.append(buildBatch({ count: 2, baseTimestamp: 100n }), { leaderEpoch: 1, logAppendTimeMs: 123_456 });
    expect(r.maxTimestamp).toBe(123_456n);
    const data = readAll(log);
    expect(data.readInt16BE(21) & 0x08).toBe(0x08);
    expect(data.readBigInt64BE(35)).toBe(123_456n);
    expect(crcValid(data)).toBe(true);
  });

  it('ignores an empty blob', () => {
    const { log } = setup();
    expect(log.append(Buffer.alloc(0), { leaderEpoch: 0 }).numBatches).toBe(0);
    expect(log.logEndOffset).toBe(0n);
  });
});

describe('PartitionLog rolling', () => {
  it('rolls by size so that no segment exceeds segment.bytes', () => {
    const { log, fs } = setup({ segmentBytes: 10_000 });
    for (let i = 0; i < 25; i++) log.append(batchOfSize(1000), { leaderEpoch: 0 });
    const segs = log.segmentsInfo();
    expect(segs.length).toBe(3);
    for (const s of segs) expect(s.sizeInBytes).toBeLessThanOrEqual(10_000);
    expect(segs.map((s) => s.baseOffset)).toEqual([0n, 10n, 20n]);
    expect(fs.readdir(DIR).filter((n) => n.endsWith('.log'))).toEqual([
      '00000000000000000000.log',
      '00000000000000000010.log',
      '00000000000000000020.log',
    ]);
    expect(log.sizeInBytes()).toBe(25 * batchOfSize(1000).length);
  });

  it('rolls by segment.ms measured from the first batch timestamp', () => {
    const { log } = setup({ segmentMs: 1000 });
    log.append(buildBatch({ baseTimestamp: 50_000n }), { leaderEpoch: 0 });
    log.append(buildBatch({ baseTimestamp: 50_900n }), { leaderEpoch: 0 });
    expect(log.numberOfSegments).toBe(1);
    log.append(buildBatch({ baseTimestamp: 51_001n }), { leaderEpoch: 0 });
    expect(log.segmentsInfo().map((s) => s.baseOffset)).toEqual([0n, 2n]);
  });

  it('rolls by wall clock since creation when batches carry no timestamp', () => {
    const { log, sched } = setup({ segmentMs: 1000 });
    log.append(buildBatch({ baseTimestamp: -1n }), { leaderEpoch: 0 });
    sched.advance(999);
    log.append(buildBatch({ baseTimestamp: -1n }), { leaderEpoch: 0 });
    expect(log.numberOfSegments).toBe(1);
    sched.advance(2);
    log.append(buildBatch({ baseTimestamp: -1n }), { leaderEpoch: 0 });
    expect(log.numberOfSegments).toBe(2);
  });

  it('subtracts the segment jitter from segment.ms', () => {
    const { log } = setup({ segmentMs: 1000, segmentJitterMs: 500 }, { random: () => 0.999 });
    log.append(buildBatch({ baseTimestamp: 0n }), { leaderEpoch: 0 });
    log.append(buildBatch({ baseTimestamp: 502n }), { leaderEpoch: 0 });
    expect(log.numberOfSegments).toBe(2); // jitter 499: rolled after > 501 ms
  });

  it('rolls when an index is full', () => {
    const { log } = setup({ indexIntervalBytes: 0, segmentIndexBytes: 36 });
    for (let i = 0; i < 12; i++) log.append(buildBatch(), { leaderEpoch: 0 });
    expect(log.numberOfSegments).toBeGreaterThan(1);
    expect(batchesOf(readAll(log)).map((b) => b.baseOffset)).toEqual(Array.from({ length: 12 }, (_, i) => BigInt(i)));
  });

  it('rolls before an offset would overflow the int32 relative offset', () => {
    const { log } = setup();
    const huge = buildBatch();
    huge.writeInt32BE(0x7ffffffe, 23); // lastOffsetDelta (CRC no longer matters here)
    log.append(huge, { leaderEpoch: 0 });
    expect(log.logEndOffset).toBe(0x7fffffffn);
    log.append(buildBatch({ count: 2 }), { leaderEpoch: 0 });
    expect(log.segmentsInfo().map((s) => s.baseOffset)).toEqual([0n, 0x7fffffffn]);
  });

  it('roll() on an empty active segment does nothing', () => {
    const { log } = setup();
    log.roll();
    expect(log.numberOfSegments).toBe(1);
    log.append(buildBatch(), { leaderEpoch: 0 });
    log.roll();
    log.roll();
    expect(log.segmentsInfo().map((s) => s.baseOffset)).toEqual([0n, 1n]);
  });
});

describe('PartitionLog read', () => {
  /** 10 batches of 3 records (offsets 3i..3i+2), about 1000 bytes each, 3 per segment. */
  function tenBatches() {
    const s = setup({ segmentBytes: 3500, indexIntervalBytes: 1500 });
    const sizes: number[] = [];
    for (let i = 0; i < 10; i++) {
      const b = buildBatch({ count: 3, valueSize: 300 });
      sizes.push(b.length);
      s.log.append(b, { leaderEpoch: 0 });
    }
    return { ...s, size: sizes[0]! };
  }

  it('returns whole batches up to maxBytes', () => {
    const { log, size } = tenBatches();
    const r = log.read(0n, size * 2 + 10, { minOneMessage: false });
    expect(r.sizeInBytes).toBe(size * 2);
    expect(r.firstBatchOffset).toBe(0n);
    expect(batchesOf(Buffer.concat(r.records)).map((b) => b.baseOffset)).toEqual([0n, 3n]);
  });

  it('returns at least one whole batch with minOneMessage (KIP-74), none without it', () => {
    const { log, size } = tenBatches();
    expect(log.read(0n, 10, { minOneMessage: true }).sizeInBytes).toBe(size);
    const none = log.read(0n, 10, { minOneMessage: false });
    expect(none.records).toEqual([]);
    expect(none.sizeInBytes).toBe(0);
  });

  it('starts at the batch holding a mid-batch fetch offset', () => {
    const { log } = tenBatches();
    const r = log.read(4n, 1, { minOneMessage: true });
    expect(batchesOf(Buffer.concat(r.records)).map((b) => [b.baseOffset, b.lastOffset])).toEqual([[3n, 5n]]);
    expect(r.firstBatchOffset).toBe(3n);
  });

  it('continues across segment boundaries', () => {
    const { log } = tenBatches();
    expect(log.numberOfSegments).toBe(4);
    const r = log.read(7n, 1 << 20, { minOneMessage: true });
    expect(r.records.length).toBe(4); // the rest of segment 0 (offsets 6..8) plus three more segments
    expect(batchesOf(Buffer.concat(r.records)).map((b) => b.baseOffset)).toEqual([6n, 9n, 12n, 15n, 18n, 21n, 24n, 27n]);
    const all = readAll(log, 0n);
    expect(batchesOf(all).length).toBe(10);
  });

  it('never returns a batch at or beyond maxOffset (the high watermark)', () => {
    const { log } = tenBatches();
    const r = log.read(0n, 1 << 20, { minOneMessage: true, maxOffset: 14n });
    expect(batchesOf(Buffer.concat(r.records)).map((b) => b.lastOffset)).toEqual([2n, 5n, 8n, 11n]);
    expect(log.read(12n, 1 << 20, { minOneMessage: true, maxOffset: 14n }).records).toEqual([]);
    expect(log.read(14n, 1 << 20, { minOneMessage: true, maxOffset: 14n }).records).toEqual([]);
  });

  it('answers an empty result at the log end and OffsetOutOfRange outside [logStart, logEnd]', () => {
    const { log } = tenBatches();
    expect(log.read(30n, 100, { minOneMessage: true }).records).toEqual([]);
    expect(() => log.read(31n, 100, { minOneMessage: true })).toThrow(OffsetOutOfRangeError);
    expect(() => log.read(-1n, 100, { minOneMessage: true })).toThrow(OffsetOutOfRangeError);
    try {
      log.read(31n, 100, { minOneMessage: true });
    } catch (err) {
      expect((err as OffsetOutOfRangeError).errorCode).toBe(1);
    }
  });

  it('reads the same data back from every offset', () => {
    const { log } = tenBatches();
    for (let o = 0n; o < 30n; o++) {
      const r = log.read(o, 1, { minOneMessage: true });
      const [b] = batchesOf(Buffer.concat(r.records));
      expect(b!.baseOffset <= o && o <= b!.lastOffset).toBe(true);
    }
  });
});

describe('PartitionLog timestamps', () => {
  it('finds the first record with timestamp >= target, record by record', () => {
    const { log } = setup();
    log.append(buildBatch({ count: 3, timestamps: [100n, 200n, 300n] }), { leaderEpoch: 3 });
    log.append(buildBatch({ count: 2, timestamps: [250n, 400n] }), { leaderEpoch: 4 });
    expect(log.offsetForTimestamp(0n)).toEqual({ offset: 0n, timestamp: 100n, leaderEpoch: 3 });
    expect(log.offsetForTimestamp(150n)).toEqual({ offset: 1n, timestamp: 200n, leaderEpoch: 3 });
    expect(log.offsetForTimestamp(250n)).toEqual({ offset: 2n, timestamp: 300n, leaderEpoch: 3 });
    expect(log.offsetForTimestamp(350n)).toEqual({ offset: 4n, timestamp: 400n, leaderEpoch: 4 });
    expect(log.offsetForTimestamp(401n)).toBeNull();
  });

  it('agrees with a brute-force search over many segments and index entries', () => {
    const { log } = setup({ segmentBytes: 4000, indexIntervalBytes: 300 });
    const all: Array<[bigint, bigint]> = [];
    let offset = 0n;
    for (let i = 0; i < 60; i++) {
      const ts = [BigInt(1000 + i * 10), BigInt(1000 + i * 10 + 7)];
      log.append(buildBatch({ count: 2, timestamps: ts, valueSize: 100 }), { leaderEpoch: 0 });
      all.push([offset, ts[0]!], [offset + 1n, ts[1]!]);
      offset += 2n;
    }
    expect(log.numberOfSegments).toBeGreaterThan(3);
    for (let t = 990n; t <= 1600n; t += 3n) {
      const expected = all.find(([, ts]) => ts >= t);
      const got = log.offsetForTimestamp(t);
      expect(got ? [got.offset, got.timestamp] : null).toEqual(expected ?? null);
    }
  });

  it('answers LogAppendTime batches without decoding and compressed ones approximately', () => {
    const { log } = setup();
    log.append(buildBatch({ count: 3, baseTimestamp: 1n }), { leaderEpoch: 0, logAppendTimeMs: 5000 });
    log.append(buildBatch({ count: 3, timestamps: [6000n, 6001n, 7000n], attributes: 1 }), { leaderEpoch: 0 });
    expect(log.offsetForTimestamp(4000n)).toMatchObject({ offset: 0n, timestamp: 5000n });
    expect(log.offsetForTimestamp(6500n)).toMatchObject({ offset: 3n, timestamp: 7000n });
  });

  it('uses an injected batch search', () => {
    const finder = vi.fn(() => ({ offset: 1n, timestamp: 42n }));
    const { log } = setup({}, { findOffsetByTimestampInBatch: finder });
    log.append(buildBatch({ count: 3, timestamps: [10n, 20n, 30n] }), { leaderEpoch: 0 });
    expect(log.offsetForTimestamp(15n)).toMatchObject({ offset: 1n, timestamp: 42n });
    expect(finder).toHaveBeenCalledTimes(1);
  });

  it('finds the record with the largest timestamp (MAX_TIMESTAMP)', () => {
    const { log } = setup({ segmentBytes: 200 });
    expect(log.latestTimestamp()).toBeNull();
    log.append(buildBatch({ count: 3, timestamps: [100n, 500n, 200n] }), { leaderEpoch: 7 });
    log.append(buildBatch({ count: 1, timestamps: [300n] }), { leaderEpoch: 8 });
    expect(log.numberOfSegments).toBe(2);
    expect(log.latestTimestamp()).toEqual({ offset: 1n, timestamp: 500n, leaderEpoch: 7 });
  });
});

describe('PartitionLog truncation and log start offset', () => {
  function filled() {
    const s = setup({ segmentBytes: 400 });
    for (let i = 0; i < 12; i++) s.log.append(buildBatch({ valueSize: 100 }), { leaderEpoch: 0 });
    s.log.highWatermark = s.log.logEndOffset;
    return s;
  }

  it('truncateTo removes later batches and segments, then appends continue', () => {
    const { log } = filled();
    const before = log.numberOfSegments;
    expect(log.truncateTo(5n)).toBe(true);
    expect(log.logEndOffset).toBe(5n);
    expect(log.highWatermark).toBe(5n);
    expect(log.numberOfSegments).toBeLessThan(before);
    expect(batchesOf(readAll(log)).map((b) => b.baseOffset)).toEqual([0n, 1n, 2n, 3n, 4n]);
    log.append(buildBatch(), { leaderEpoch: 1 });
    expect(batchesOf(readAll(log)).map((b) => b.baseOffset)).toEqual([0n, 1n, 2n, 3n, 4n, 5n]);
    expect(log.truncateTo(100n)).toBe(false);
  });

  it('truncating below the first segment starts the log over at that offset', () => {
    const { log } = filled();
    log.setLogStartOffset(10n);
    expect(log.segmentsInfo()[0]!.baseOffset).toBeGreaterThan(0n);
    log.truncateTo(1n);
    expect([log.logStartOffset, log.logEndOffset, log.highWatermark, log.recoveryPoint]).toEqual([1n, 1n, 1n, 1n]);
    expect(log.segmentsInfo()).toEqual([{ baseOffset: 1n, sizeInBytes: 0 }]);
  });

  it('setLogStartOffset deletes whole segments below it and rejects offsets above the high watermark', () => {
    const { log, fs } = filled();
    const bases = log.segmentsInfo().map((s) => s.baseOffset);
    expect(bases).toEqual([0n, 2n, 4n, 6n, 8n, 10n]);
    expect(log.setLogStartOffset(7n)).toBe(true);
    expect(log.logStartOffset).toBe(7n);
    expect(log.segmentsInfo().map((s) => s.baseOffset)).toEqual([6n, 8n, 10n]);
    expect(fs.readdir(DIR).filter((n) => n.endsWith('.log'))).toHaveLength(3);
    expect(() => log.read(6n, 100, { minOneMessage: true })).toThrow(OffsetOutOfRangeError);
    expect(batchesOf(readAll(log)).map((b) => b.baseOffset)[0]).toBe(7n);
    expect(log.setLogStartOffset(3n)).toBe(false);
    expect(() => log.setLogStartOffset(13n)).toThrow(OffsetOutOfRangeError);
    expect(log.deleteRecordsBefore(12n)).toBe(true);
    expect(log.segmentsInfo().map((s) => s.baseOffset)).toEqual([10n]);
  });

  it('with a scheduler, deleted segments wait as .deleted files for file.delete.delay.ms', () => {
    const sched = new ManualScheduler(0);
    const s = setup({ segmentBytes: 400 }, { scheduler: sched, fileDeleteDelayMs: 1000 });
    for (let i = 0; i < 6; i++) s.log.append(buildBatch({ valueSize: 100 }), { leaderEpoch: 0 });
    s.log.highWatermark = s.log.logEndOffset;
    s.log.setLogStartOffset(4n);
    expect(s.fs.readdir(DIR).filter((n) => n.endsWith('.deleted'))).toHaveLength(6);
    sched.advance(1000);
    expect(s.fs.readdir(DIR).filter((n) => n.endsWith('.deleted'))).toHaveLength(0);
    s.log.close();
  });

  it('keeps the high watermark within [logStartOffset, logEndOffset]', () => {
    const { log } = filled();
    log.highWatermark = 100n;
    expect(log.highWatermark).toBe(12n);
    log.highWatermark = 3n;
    log.setLogStartOffset(3n);
    log.highWatermark = 0n;
    expect(log.highWatermark).toBe(3n);
  });
});

describe('PartitionLog flush, listeners, close', () => {
  it('flush() advances the recovery point; flush.messages flushes on append', () => {
    const { log, fs } = setup({ flushIntervalMessages: 3 });
    const fsync = vi.spyOn(fs, 'fsync');
    log.append(buildBatch(), { leaderEpoch: 0 });
    log.append(buildBatch(), { leaderEpoch: 0 });
    expect(log.recoveryPoint).toBe(0n);
    expect(fsync).not.toHaveBeenCalled();
    log.append(buildBatch(), { leaderEpoch: 0 });
    expect(log.recoveryPoint).toBe(3n);
    expect(fsync).toHaveBeenCalled();
    log.append(buildBatch(), { leaderEpoch: 0 });
    log.flush();
    expect(log.recoveryPoint).toBe(4n);
    expect(log.unflushedMessages).toBe(0n);
  });

  it('flushes the old segment in the background after a roll', async () => {
    const sched = new ManualScheduler(0);
    const { log, fs } = setup({ segmentBytes: 400 }, { scheduler: sched });
    const fsyncAsync = vi.spyOn(fs, 'fsyncAsync');
    log.append(buildBatch({ valueSize: 100 }), { leaderEpoch: 0 });
    log.append(buildBatch({ valueSize: 100 }), { leaderEpoch: 0 });
    log.append(buildBatch({ valueSize: 100 }), { leaderEpoch: 0 });
    expect(log.numberOfSegments).toBe(2);
    sched.runDue();
    await vi.waitFor(() => expect(log.recoveryPoint).toBe(2n));
    expect(fsyncAsync).toHaveBeenCalled();
    log.close();
  });

  it('tells listeners about appends and high watermark increases', () => {
    const { log } = setup();
    const events: string[] = [];
    const off = log.addListener((l, e) => events.push(`${e}:${l.logEndOffset}:${l.highWatermark}`));
    const appended = vi.fn();
    log.onAppend(appended);
    log.addListener(() => {
      throw new Error('listener bug');
    });
    log.append(buildBatch({ count: 2 }), { leaderEpoch: 0 });
    log.highWatermark = 2n;
    log.highWatermark = 2n;
    off();
    log.append(buildBatch(), { leaderEpoch: 0 });
    expect(events).toEqual(['append:2:0', 'highWatermark:2:2']);
    expect(appended).toHaveBeenCalledTimes(2);
  });

  it('close() releases every file handle; later calls throw LogClosedError', () => {
    const { log, fs } = setup({ segmentBytes: 400 });
    for (let i = 0; i < 5; i++) log.append(buildBatch({ valueSize: 100 }), { leaderEpoch: 0 });
    log.offsetForTimestamp(0n);
    expect(fs.openFileCount).toBeGreaterThan(0);
    log.close();
    expect(fs.openFileCount).toBe(0);
    expect(() => log.append(buildBatch(), { leaderEpoch: 0 })).toThrow(LogClosedError);
    expect(() => log.read(0n, 10, { minOneMessage: true })).toThrow(LogClosedError);
  });

  it('delete() removes the partition directory', () => {
    const { log, fs } = setup();
    log.append(buildBatch(), { leaderEpoch: 0 });
    log.delete();
    expect(fs.exists(DIR)).toBe(false);
  });

  it('reopens after a clean close with the same offsets and data', () => {
    const { log, open } = setup({ segmentBytes: 500, indexIntervalBytes: 100 });
    for (let i = 0; i < 20; i++) log.append(buildBatch({ count: 2, valueSize: 50, baseTimestamp: BigInt(i) }), { leaderEpoch: i });
    const before = readAll(log);
    const ts = log.offsetForTimestamp(7n);
    log.flush();
    log.close();
    const again = open({ hadCleanShutdown: true, recoveryPoint: 40n });
    expect(again.logEndOffset).toBe(40n);
    expect(again.recoveryPoint).toBe(40n);
    expect(readAll(again).equals(before)).toBe(true);
    expect(again.offsetForTimestamp(7n)).toEqual(ts);
    expect(again.latestTimestamp()).toMatchObject({ timestamp: 19n, offset: 38n });
    again.append(buildBatch(), { leaderEpoch: 0 });
    expect(again.logEndOffset).toBe(41n);
  });
});
