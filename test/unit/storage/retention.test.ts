import { describe, expect, it, vi } from 'vitest';
import { MemoryStorageFs } from '../../../src/storage/fs/memory-fs.js';
import { DEFAULT_LOG_CONFIG, type LogConfig } from '../../../src/storage/log-config.js';
import { PartitionLog, type PartitionLogOptions } from '../../../src/storage/partition-log.js';
import { deleteOldSegments, RetentionManager, type RetentionConfig } from '../../../src/storage/retention.js';
import { ManualScheduler } from '../../../src/storage/scheduler.js';
import { batchOfSize, buildBatch } from './helpers/batches.js';

const DIR = '/data/t-0';
const DELETE: RetentionConfig = { delete: true, compact: false, retentionMs: -1, retentionBytes: -1 };

function setup(config: Partial<LogConfig> = {}, extra: Partial<PartitionLogOptions> = {}) {
  const sched = new ManualScheduler(1_000_000);
  const fs = new MemoryStorageFs(() => sched.now());
  const cfg: LogConfig = { ...DEFAULT_LOG_CONFIG, ...config };
  const open = (more: Partial<PartitionLogOptions> = {}) =>
    PartitionLog.open({ dir: DIR, topicPartition: { topic: 't', partition: 0 }, config: cfg, fs, clock: () => sched.now(), scheduler: sched, fileDeleteDelayMs: 60_000, ...extra, ...more });
  return { sched, fs, open, log: open() };
}

/** Appends one batch per timestamp and rolls after each, so segment i holds offset i with timestamp ts[i]. */
function segmentsWithTimestamps(log: PartitionLog, timestamps: number[], opts: { rollLast?: boolean } = {}): void {
  timestamps.forEach((ts, i) => {
    log.append(buildBatch({ baseTimestamp: BigInt(ts) }), { leaderEpoch: 0 });
    if (i < timestamps.length - 1 || opts.rollLast) log.roll();
  });
  log.highWatermark = log.logEndOffset;
}

const bases = (log: PartitionLog) => log.segmentsInfo().map((s) => s.baseOffset);

describe('retention.ms', () => {
  it('deletes segments whose largest timestamp is older than retention.ms, oldest first, and moves the log start offset', () => {
    const { log, sched } = setup();
    const now = sched.now();
    segmentsWithTimestamps(log, [now - 10_000, now - 9_000, now - 1_000, now - 500]);
    expect(bases(log)).toEqual([0n, 1n, 2n, 3n]);
    const n = deleteOldSegments(log, { ...DELETE, retentionMs: 5_000 }, now);
    expect(n).toBe(2);
    expect(bases(log)).toEqual([2n, 3n]);
    expect(log.logStartOffset).toBe(2n);
  });

  it('uses the largest timestamp of the segment, not the first', () => {
    const { log, sched } = setup();
    const now = sched.now();
    log.append(buildBatch({ count: 2, timestamps: [BigInt(now - 10_000), BigInt(now - 100)] }), { leaderEpoch: 0 });
    log.roll();
    log.append(buildBatch({ baseTimestamp: BigInt(now) }), { leaderEpoch: 0 });
    log.highWatermark = log.logEndOffset;
    expect(deleteOldSegments(log, { ...DELETE, retentionMs: 5_000 }, now)).toBe(0);
    expect(deleteOldSegments(log, { ...DELETE, retentionMs: 5_000 }, now + 5_000)).toBe(1);
    expect(log.logStartOffset).toBe(2n);
  });

  it('stops at the first segment that is not expired (no holes)', () => {
    const { log, sched } = setup();
    const now = sched.now();
    segmentsWithTimestamps(log, [now - 10_000, now - 100, now - 10_000, now]);
    expect(deleteOldSegments(log, { ...DELETE, retentionMs: 5_000 }, now)).toBe(1);
    expect(bases(log)).toEqual([1n, 2n, 3n]);
  });

  it('rolls and deletes an expired active segment that has data, leaving an empty log at the log end offset', () => {
    const { log, sched } = setup();
    const now = sched.now();
    segmentsWithTimestamps(log, [now - 10_000, now - 9_000]);
    expect(bases(log)).toEqual([0n, 1n]);
    expect(deleteOldSegments(log, { ...DELETE, retentionMs: 5_000 }, now)).toBe(2);
    expect(bases(log)).toEqual([2n]);
    expect(log.logStartOffset).toBe(2n);
    expect(log.logEndOffset).toBe(2n);
    expect(log.read(2n, 1000, { minOneMessage: true }).records).toEqual([]);
    // An empty active segment is never deleted.
    expect(deleteOldSegments(log, { ...DELETE, retentionMs: 0 }, now + 1_000_000)).toBe(0);
    expect(bases(log)).toEqual([2n]);
  });

  it('never deletes a segment holding offsets at or above the high watermark', () => {
    const { log, sched } = setup();
    const now = sched.now();
    segmentsWithTimestamps(log, [now - 10_000, now - 9_000, now - 8_000]);
    log.highWatermark = 1n; // only segment 0 is wholly below it
    expect(deleteOldSegments(log, { ...DELETE, retentionMs: 5_000 }, now)).toBe(1);
    expect(bases(log)).toEqual([1n, 2n]);
    expect(log.logStartOffset).toBe(1n);
  });

  it('keeps segments with future timestamps and treats -1 as no time limit', () => {
    const { log, sched } = setup();
    const now = sched.now();
    segmentsWithTimestamps(log, [now + 60_000, now - 10_000]);
    expect(deleteOldSegments(log, { ...DELETE, retentionMs: 5_000 }, now)).toBe(0);
    expect(deleteOldSegments(log, { ...DELETE, retentionMs: -1 }, now + 10_000_000)).toBe(0);
  });

  it('falls back to the file modification time for segments without timestamps', () => {
    const { log, sched } = setup();
    log.append(buildBatch({ baseTimestamp: -1n }), { leaderEpoch: 0 });
    log.roll();
    log.append(buildBatch({ baseTimestamp: -1n }), { leaderEpoch: 0 });
    log.highWatermark = log.logEndOffset;
    const written = sched.now();
    expect(deleteOldSegments(log, { ...DELETE, retentionMs: 1_000 }, written + 500)).toBe(0);
    expect(deleteOldSegments(log, { ...DELETE, retentionMs: 1_000 }, written + 1_001)).toBe(2);
  });
});

describe('retention.bytes', () => {
  it('deletes the oldest segments while the rest is still at least retention.bytes', () => {
    const { log } = setup({ segmentBytes: 2_500 });
    for (let i = 0; i < 10; i++) log.append(batchOfSize(1000), { leaderEpoch: 0 });
    log.highWatermark = log.logEndOffset;
    const sizes = log.segmentsInfo().map((s) => s.sizeInBytes);
    expect(sizes.length).toBe(5); // two batches of ~1000 bytes per segment
    const total = log.sizeInBytes();
    const limit = total - sizes[0]! - sizes[1]! + 1; // the excess covers the first segment, not the second
    const n = deleteOldSegments(log, { ...DELETE, retentionBytes: limit }, 0);
    expect(n).toBe(1);
    expect(log.sizeInBytes()).toBe(total - sizes[0]!);
    expect(deleteOldSegments(log, { ...DELETE, retentionBytes: total - sizes[0]! - sizes[1]! }, 0)).toBe(1);
    expect(log.logStartOffset).toBe(log.segmentsInfo()[0]!.baseOffset);
  });

  it('does nothing below the limit or with -1', () => {
    const { log } = setup({ segmentBytes: 2_500 });
    for (let i = 0; i < 10; i++) log.append(batchOfSize(1000), { leaderEpoch: 0 });
    log.highWatermark = log.logEndOffset;
    expect(deleteOldSegments(log, { ...DELETE, retentionBytes: log.sizeInBytes() + 1 }, 0)).toBe(0);
    expect(deleteOldSegments(log, { ...DELETE, retentionBytes: -1 }, 0)).toBe(0);
  });

  it('can delete everything including the active segment (retention.bytes 0)', () => {
    const { log } = setup({ segmentBytes: 2_500 });
    for (let i = 0; i < 5; i++) log.append(batchOfSize(1000), { leaderEpoch: 0 });
    log.highWatermark = log.logEndOffset;
    deleteOldSegments(log, { ...DELETE, retentionBytes: 0 }, 0);
    expect(log.logStartOffset).toBe(5n);
    expect(log.sizeInBytes()).toBe(0);
  });
});

describe('cleanup.policy and the log start offset', () => {
  it('a compact-only log loses no data to retention.ms or retention.bytes', () => {
    const { log, sched } = setup();
    const now = sched.now();
    segmentsWithTimestamps(log, [now - 10_000, now - 9_000, now - 8_000]);
    expect(deleteOldSegments(log, { delete: false, compact: true, retentionMs: 1, retentionBytes: 0 }, now)).toBe(0);
    expect(bases(log)).toEqual([0n, 1n, 2n]);
  });

  it('deletes segments wholly below a log start offset loaded from the checkpoint, whatever the policy', () => {
    const { log, open, sched } = setup();
    const now = sched.now();
    segmentsWithTimestamps(log, [now, now, now, now]);
    log.close({ flush: true });
    const reopened = open({ logStartOffset: 2n, highWatermark: 4n });
    expect(reopened.logStartOffset).toBe(2n);
    expect(bases(reopened)).toEqual([0n, 1n, 2n, 3n]);
    expect(deleteOldSegments(reopened, { delete: false, compact: true, retentionMs: -1, retentionBytes: -1 }, now)).toBe(2);
    expect(bases(reopened)).toEqual([2n, 3n]);
    expect(reopened.logStartOffset).toBe(2n);
  });
});

describe('file.delete.delay.ms', () => {
  it('renames deleted segments to .deleted and removes them after the delay', () => {
    const { log, sched, fs } = setup();
    const now = sched.now();
    segmentsWithTimestamps(log, [now - 10_000, now]);
    deleteOldSegments(log, { ...DELETE, retentionMs: 5_000 }, now);
    const names = fs.readdir(DIR);
    expect(names).toContain('00000000000000000000.log.deleted');
    expect(names).toContain('00000000000000000000.index.deleted');
    expect(names).toContain('00000000000000000000.timeindex.deleted');
    expect(names).not.toContain('00000000000000000000.log');
    sched.advance(59_999);
    expect(fs.readdir(DIR)).toContain('00000000000000000000.log.deleted');
    sched.advance(1);
    expect(fs.readdir(DIR).filter((n) => n.startsWith('00000000000000000000'))).toEqual([]);
  });
});

describe('RetentionManager', () => {
  it('runs every log.retention.check.interval.ms after the initial delay, skips compacted logs and reports deletions', () => {
    const { log, sched } = setup();
    const now = sched.now();
    segmentsWithTimestamps(log, [now - 10_000, now - 10_000, now]);
    const other = PartitionLog.open({
      dir: '/data/c-0',
      topicPartition: { topic: 'c', partition: 0 },
      config: DEFAULT_LOG_CONFIG,
      fs: new MemoryStorageFs(() => sched.now()),
      clock: () => sched.now(),
    });
    segmentsWithTimestamps(other, [now - 10_000, now]);
    const onSegmentsDeleted = vi.fn();
    const afterDeletion = vi.fn();
    const m = new RetentionManager({
      logs: () => [log, other],
      config: (l) => (l === other ? { delete: true, compact: true, retentionMs: 1, retentionBytes: -1 } : { ...DELETE, retentionMs: 5_000 }),
      scheduler: sched,
      clock: () => sched.now(),
      checkIntervalMs: 1_000,
      initialDelayMs: 100,
      onSegmentsDeleted,
      afterDeletion,
    }).start();
    sched.advance(99);
    expect(bases(log)).toEqual([0n, 1n, 2n]);
    sched.advance(1);
    expect(bases(log)).toEqual([2n]);
    expect(bases(other)).toEqual([0n, 1n]); // compact,delete logs are the cleaner's
    expect(onSegmentsDeleted).toHaveBeenCalledWith(log, 2, 'retention-ms');
    expect(afterDeletion).toHaveBeenCalledTimes(1);
    // The active segment expires later: the next runs pick it up.
    sched.advance(6_000);
    expect(log.logStartOffset).toBe(3n);
    m.close();
  });
});
