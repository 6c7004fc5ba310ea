/** A compacted partition log on MemoryStorageFs with a fake clock, and a LogCleaner over it. */
import { BatchHeader, CompressionType } from '../../../../src/protocol/records/batch-header.js';
import { iterateBatches } from '../../../../src/protocol/records/batch-iterator.js';
import { buildRecordBatch, type BuildBatchOptions } from '../../../../src/protocol/records/build-batch.js';
import { readRecords } from '../../../../src/protocol/records/read-records.js';
import type { LastRecord } from '../../../../src/storage/cleaner/cleaner.js';
import type { LogCleanupConfig } from '../../../../src/storage/cleaner/cleanup-config.js';
import { LogCleaner, type CleanerSettings } from '../../../../src/storage/cleaner/log-cleaner.js';
import { MemoryStorageFs } from '../../../../src/storage/fs/memory-fs.js';
import type { StorageFs } from '../../../../src/storage/fs/storage-fs.js';
import { DEFAULT_LOG_CONFIG, type LogConfig } from '../../../../src/storage/log-config.js';
import { PartitionLog } from '../../../../src/storage/partition-log.js';
import { ManualScheduler } from '../../../../src/storage/scheduler.js';

export const LOG_DIR = '/data';
export const DIR = '/data/c-0';

export const COMPACT: LogCleanupConfig = {
  compact: true,
  delete: false,
  retentionMs: -1,
  retentionBytes: -1,
  deleteRetentionMs: 86_400_000,
  minCompactionLagMs: 0,
  maxCompactionLagMs: Number.MAX_SAFE_INTEGER,
  minCleanableRatio: 0.5,
  maxMessageBytes: 1_048_588,
};

export interface Rec {
  key: string | null;
  value: string | null;
  timestamp?: bigint;
}

export interface Harness {
  fs: MemoryStorageFs;
  sched: ManualScheduler;
  /** The fake clock (ms); advance with sched.advance. */
  now: () => number;
  log: PartitionLog;
  config: LogCleanupConfig;
  lastRecords: Map<bigint, LastRecord>;
  cleaner: LogCleaner;
  /** Appends one batch and moves the high watermark to the log end. */
  append(records: Rec[], opts?: Partial<BuildBatchOptions>): Promise<bigint>;
  reopen(fs?: StorageFs): PartitionLog;
}

export function setupCleaner(
  logConfig: Partial<LogConfig> = {},
  config: Partial<LogCleanupConfig> = {},
  settings: Partial<CleanerSettings> = {},
  fsOverride?: (fs: MemoryStorageFs) => StorageFs,
): Harness {
  const sched = new ManualScheduler(1_000_000_000);
  const now = () => sched.now();
  const mem = new MemoryStorageFs(now);
  const fs = fsOverride ? fsOverride(mem) : mem;
  const cfg: LogConfig = { ...DEFAULT_LOG_CONFIG, ...logConfig };
  const open = (f: StorageFs = fs) =>
    PartitionLog.open({ dir: DIR, topicPartition: { topic: 'c', partition: 0 }, config: cfg, fs: f, clock: now, scheduler: sched, fileDeleteDelayMs: 1_000 });
  const h: Harness = {
    fs: mem,
    sched,
    now,
    log: open(),
    config: { ...COMPACT, ...config },
    lastRecords: new Map(),
    cleaner: undefined as unknown as LogCleaner,
    async append(records, opts = {}) {
      const batch = await buildRecordBatch({
        records: records.map((r) => ({
          key: r.key === null ? null : Buffer.from(r.key),
          value: r.value === null ? null : Buffer.from(r.value),
          timestamp: r.timestamp ?? BigInt(now()),
        })),
        ...opts,
      });
      const result = h.log.append(batch, { leaderEpoch: 0 });
      h.log.highWatermark = h.log.logEndOffset;
      return result.firstOffset;
    },
    reopen(f = mem) {
      h.log = open(f);
      return h.log;
    },
  };
  h.cleaner = new LogCleaner({
    fs,
    scheduler: sched,
    clock: now,
    logDirs: [LOG_DIR],
    logs: () => [{ log: h.log, logDir: LOG_DIR }],
    config: () => h.config,
    settings: () => ({ backoffMs: 15_000, dedupeBufferBytes: 1 << 20, loadFactor: 0.9, ioBufferBytes: 8192, maxBytesPerSecond: Infinity, ...settings }),
    lastRecordsOfActiveProducers: () => h.lastRecords,
  });
  return h;
}

export interface ReadRecord {
  offset: bigint;
  key: string | null;
  value: string | null;
  timestamp: bigint;
}

export interface ReadBatch {
  header: BatchHeader;
  records: ReadRecord[];
}

/** Every batch of the log from its start, decompressed. */
export async function readBatches(log: PartitionLog): Promise<ReadBatch[]> {
  const out: ReadBatch[] = [];
  if (log.logStartOffset >= log.logEndOffset) return out;
  const read = log.read(log.logStartOffset, 0x7fffffff, { minOneMessage: true });
  for (const chunk of read.records) {
    for (const batch of iterateBatches(chunk)) {
      const copy = Buffer.from(batch);
      const records = await readRecords(copy, { maxDecompressedBytes: 1 << 26 });
      out.push({
        header: new BatchHeader(copy),
        records: records.map((r) => ({ offset: r.offset, key: r.key?.toString() ?? null, value: r.value?.toString() ?? null, timestamp: r.timestamp })),
      });
    }
  }
  return out;
}

export async function readAll(log: PartitionLog): Promise<ReadRecord[]> {
  return (await readBatches(log)).flatMap((b) => b.records).filter((r) => r.offset >= log.logStartOffset);
}

/** key -> [offset, value] of the latest record of each key. */
export function latestByKey(records: readonly ReadRecord[]): Map<string, [bigint, string | null]> {
  const m = new Map<string, [bigint, string | null]>();
  for (const r of records) if (r.key !== null) m.set(r.key, [r.offset, r.value]);
  return m;
}

export const ALL_CODECS = [CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd];
