/**
 * Which log to clean next, and where each log's dirty section starts (Kafka's LogCleanerManager).
 *
 * `cleaner-offset-checkpoint` in each log dir (format in ../checkpoint.ts) holds, per compacted
 * partition, the first dirty offset: everything below it was cleaned. It is read at each choice
 * and rewritten after each cleaning (atomically, fsynced).
 *
 * For each compacted log (cleanup.policy contains compact) not being cleaned and not marked
 * uncleanable:
 *   firstDirtyOffset      the checkpoint, reset to the log start offset when it is below it or above
 *                         the log end offset (then the checkpoint is rewritten at once);
 *   firstUncleanable      min(last stable offset, active segment base, base of the first dirty
 *                         inactive segment whose largest timestamp is within min.compaction.lag.ms
 *                         of now), at least firstDirtyOffset; then rounded down to the base offset
 *                         of the segment holding it (cleaning works on whole segments);
 *   cleanBytes            bytes of the segments below firstDirtyOffset;
 *   cleanableBytes        bytes of the segments from firstDirtyOffset's up to firstUncleanable;
 *   cleanableRatio        cleanableBytes / (cleanBytes + cleanableBytes);
 *   needCompactionNow     the first batch of some dirty inactive segment is older than
 *                         max.compaction.lag.ms.
 * A log qualifies when cleanableRatio > min.cleanable.dirty.ratio, or when it needs compaction now
 * and has cleanable bytes; the one with the highest ratio is chosen (the "filthiest").
 */
import { join } from 'node:path';
import { BatchHeader, BATCH_HEADER_SIZE } from '../../protocol/records/batch-header.js';
import { readOffsetCheckpoint, writeOffsetCheckpoint } from '../checkpoint.js';
import { topicPartitionKey } from '../file-names.js';
import type { StorageFs } from '../fs/storage-fs.js';
import { noopLogger, type Logger } from '../logger.js';
import type { PartitionLog } from '../partition-log.js';
import type { LogSegment } from '../segment.js';

export const CLEANER_OFFSET_CHECKPOINT_FILE = 'cleaner-offset-checkpoint';

/** The compaction settings of a log's topic, in ms (Long.MAX_VALUE as Number.MAX_SAFE_INTEGER). */
export interface CompactionConfig {
  compact: boolean;
  minCleanableRatio: number;
  minCompactionLagMs: number;
  maxCompactionLagMs: number;
}

export interface CleanableLog {
  log: PartitionLog;
  /** The log dir holding it (its checkpoint file). */
  logDir: string;
}

export interface LogCleaningCandidate {
  log: PartitionLog;
  logDir: string;
  firstDirtyOffset: bigint;
  firstUncleanableOffset: bigint;
  needCompactionNow: boolean;
  cleanBytes: number;
  cleanableBytes: number;
  totalBytes: number;
  cleanableRatio: number;
}

export interface OffsetsToClean {
  firstDirtyOffset: bigint;
  firstUncleanableDirtyOffset: bigint;
  forceUpdateCheckpoint: boolean;
}

function nonActiveSegmentsFrom(log: PartitionLog, from: bigint): LogSegment[] {
  const all = log.logSegments();
  const out: LogSegment[] = [];
  for (let i = 0; i < all.length - 1; i++) {
    const s = all[i]!;
    const next = all[i + 1]!;
    if (next.baseOffset <= from) continue;
    out.push(s);
  }
  return out;
}

/** Kafka's LogCleanerManager.cleanableOffsets. */
export function cleanableOffsets(
  log: PartitionLog,
  lastCleanOffset: bigint | undefined,
  nowMs: number,
  config: CompactionConfig,
  lastStableOffset: bigint,
  logger: Logger = noopLogger,
): OffsetsToClean {
  const logStartOffset = log.logStartOffset;
  const checkpointDirtyOffset = lastCleanOffset ?? logStartOffset;
  let firstDirtyOffset = checkpointDirtyOffset;
  let forceUpdateCheckpoint = false;
  if (checkpointDirtyOffset < logStartOffset) {
    firstDirtyOffset = logStartOffset;
    forceUpdateCheckpoint = true;
  } else if (checkpointDirtyOffset > log.logEndOffset) {
    logger.warn(
      { topicPartition: log.topicPartition, checkpoint: String(checkpointDirtyOffset), logEndOffset: String(log.logEndOffset) },
      'the cleaner checkpoint is above the log end offset, resetting it to the log start offset',
    );
    firstDirtyOffset = logStartOffset;
    forceUpdateCheckpoint = true;
  }
  const segments = log.logSegments();
  let firstUncleanable = segments[segments.length - 1]!.baseOffset;
  if (lastStableOffset < firstUncleanable) firstUncleanable = lastStableOffset;
  const minLag = Math.max(config.minCompactionLagMs, 0);
  if (minLag > 0) {
    for (const s of nonActiveSegmentsFrom(log, firstDirtyOffset)) {
      if (s.largestTimestamp > nowMs - minLag) {
        if (s.baseOffset < firstUncleanable) firstUncleanable = s.baseOffset;
        break;
      }
    }
  }
  return {
    firstDirtyOffset,
    firstUncleanableDirtyOffset: firstUncleanable > firstDirtyOffset ? firstUncleanable : firstDirtyOffset,
    forceUpdateCheckpoint,
  };
}

/** Kafka's calculateCleanableBytes: [first uncleanable segment base, cleanable bytes]. */
export function calculateCleanableBytes(log: PartitionLog, firstDirtyOffset: bigint, uncleanableOffset: bigint): [bigint, number] {
  const all = log.logSegments();
  const nonActive = nonActiveSegmentsFrom(log, uncleanableOffset);
  const firstUncleanableOffset = nonActive.length > 0 ? nonActive[0]!.baseOffset : all[all.length - 1]!.baseOffset;
  const from = firstDirtyOffset < firstUncleanableOffset ? firstDirtyOffset : firstUncleanableOffset;
  let bytes = 0;
  for (let i = 0; i < all.length; i++) {
    const s = all[i]!;
    const next = all[i + 1];
    if (s.baseOffset >= firstUncleanableOffset) break;
    if (next && next.baseOffset <= from) continue;
    bytes += s.size;
  }
  return [firstUncleanableOffset, bytes];
}

/** The first batch's maxTimestamp of a segment (Kafka's getFirstBatchTimestamp), -1 when empty. */
function firstBatchTimestamp(fs: StorageFs, segment: LogSegment): number {
  if (segment.size < BATCH_HEADER_SIZE || segment.isClosed) return -1;
  const buf = Buffer.allocUnsafe(BATCH_HEADER_SIZE);
  if (fs.pread(segment.fileDescriptor, buf, 0, BATCH_HEADER_SIZE, 0) < BATCH_HEADER_SIZE) return -1;
  return Number(new BatchHeader(buf).maxTimestamp);
}

/** Kafka's maxCompactionDelay: how far past max.compaction.lag.ms the oldest dirty data is (0: not). */
export function maxCompactionDelay(fs: StorageFs, log: PartitionLog, firstDirtyOffset: bigint, nowMs: number, maxCompactionLagMs: number): number {
  let earliest = Number.MAX_SAFE_INTEGER;
  for (const s of nonActiveSegmentsFrom(log, firstDirtyOffset)) {
    const ts = firstBatchTimestamp(fs, s);
    if (ts > 0 && ts < earliest) earliest = ts;
  }
  const cleanUntilTime = nowMs - Math.max(maxCompactionLagMs, 0);
  return earliest < cleanUntilTime ? cleanUntilTime - earliest : 0;
}

export type CleaningState = 'in-progress' | 'aborted';

export interface CleanerManagerOptions {
  fs: StorageFs;
  logDirs: readonly string[];
  logger?: Logger;
}

export class LogCleanerManager {
  /** Logs being cleaned (or having retention run by the cleaner). */
  readonly inProgress = new Map<string, CleaningState>();
  /** Per log dir, partitions whose cleaning failed unexpectedly (Kafka marks them uncleanable). */
  private readonly uncleanable = new Map<string, Set<string>>();
  private readonly logger: Logger;
  /** Cleanable ratio of the dirtiest log at the last choice (Kafka's max-dirty-percent / 100). */
  dirtiestLogCleanableRatio = 0;

  constructor(private readonly opts: CleanerManagerOptions) {
    this.logger = opts.logger ?? noopLogger;
  }

  private checkpointPath(logDir: string): string {
    return join(logDir, CLEANER_OFFSET_CHECKPOINT_FILE);
  }

  /** The checkpointed first dirty offsets of every partition of a log dir. */
  readCheckpoint(logDir: string): Map<string, bigint> {
    const out = new Map<string, bigint>();
    try {
      for (const e of readOffsetCheckpoint(this.opts.fs, this.checkpointPath(logDir))) out.set(topicPartitionKey(e), e.offset);
    } catch (err) {
      this.logger.error({ err, logDir }, 'failed to read the cleaner offset checkpoint');
    }
    return out;
  }

  /** Sets (or with offset null, removes) one partition's entry; entries of logs no longer hosted are dropped. */
  updateCheckpoint(logDir: string, log: { topicPartition: { topic: string; partition: number } }, offset: bigint | null, live: ReadonlySet<string>): void {
    const current = this.readCheckpoint(logDir);
    const key = topicPartitionKey(log.topicPartition);
    for (const k of [...current.keys()]) if (!live.has(k)) current.delete(k);
    if (offset === null) current.delete(key);
    else current.set(key, offset);
    const entries = [...current].map(([k, o]) => {
      const dash = k.lastIndexOf('-');
      return { topic: k.slice(0, dash), partition: Number(k.slice(dash + 1)), offset: o };
    });
    try {
      writeOffsetCheckpoint(this.opts.fs, this.checkpointPath(logDir), entries);
    } catch (err) {
      this.logger.error({ err, logDir }, 'failed to write the cleaner offset checkpoint');
    }
  }

  isUncleanable(logDir: string, log: PartitionLog): boolean {
    return this.uncleanable.get(logDir)?.has(topicPartitionKey(log.topicPartition)) ?? false;
  }

  markUncleanable(logDir: string, log: PartitionLog): void {
    let set = this.uncleanable.get(logDir);
    if (!set) this.uncleanable.set(logDir, (set = new Set()));
    set.add(topicPartitionKey(log.topicPartition));
  }

  /** Forgets uncleanable partitions that are no longer hosted (Kafka's maintainUncleanablePartitions). */
  maintainUncleanablePartitions(live: ReadonlySet<string>): void {
    for (const [dir, set] of this.uncleanable) {
      for (const k of [...set]) if (!live.has(k)) set.delete(k);
      if (set.size === 0) this.uncleanable.delete(dir);
    }
  }

  /**
   * Kafka's grabFilthiestCompactedLog: the compacted log with the highest cleanable ratio among
   * those that qualify, marked in progress; null when none qualifies.
   */
  grabFilthiestCompactedLog(
    logs: readonly CleanableLog[],
    nowMs: number,
    configOf: (log: PartitionLog) => CompactionConfig,
    lastStableOffsetOf: (log: PartitionLog) => bigint,
    live: ReadonlySet<string>,
  ): LogCleaningCandidate | null {
    const checkpoints = new Map<string, Map<string, bigint>>();
    const lastClean = (logDir: string, key: string) => {
      let c = checkpoints.get(logDir);
      if (!c) checkpoints.set(logDir, (c = this.readCheckpoint(logDir)));
      return c.get(key);
    };
    const dirty: LogCleaningCandidate[] = [];
    for (const { log, logDir } of logs) {
      if (log.isClosed) continue;
      const config = configOf(log);
      const key = topicPartitionKey(log.topicPartition);
      if (!config.compact || this.inProgress.has(key) || this.isUncleanable(logDir, log)) continue;
      const offsets = cleanableOffsets(log, lastClean(logDir, key), nowMs, config, lastStableOffsetOf(log), this.logger);
      if (offsets.forceUpdateCheckpoint) this.updateCheckpoint(logDir, log, offsets.firstDirtyOffset, live);
      const delay = maxCompactionDelay(this.opts.fs, log, offsets.firstDirtyOffset, nowMs, config.maxCompactionLagMs);
      const [firstUncleanableOffset, cleanableBytes] = calculateCleanableBytes(log, offsets.firstDirtyOffset, offsets.firstUncleanableDirtyOffset);
      let cleanBytes = 0;
      const all = log.logSegments();
      for (const s of all) if (s.baseOffset < offsets.firstDirtyOffset) cleanBytes += s.size;
      const totalBytes = cleanBytes + cleanableBytes;
      if (totalBytes <= 0) continue;
      dirty.push({
        log,
        logDir,
        firstDirtyOffset: offsets.firstDirtyOffset,
        firstUncleanableOffset,
        needCompactionNow: delay > 0,
        cleanBytes,
        cleanableBytes,
        totalBytes,
        cleanableRatio: cleanableBytes / totalBytes,
      });
    }
    this.dirtiestLogCleanableRatio = dirty.reduce((m, c) => Math.max(m, c.cleanableRatio), 0);
    let best: LogCleaningCandidate | null = null;
    for (const c of dirty) {
      const qualifies = (c.needCompactionNow && c.cleanableBytes > 0) || c.cleanableRatio > configOf(c.log).minCleanableRatio;
      if (qualifies && (best === null || c.cleanableRatio > best.cleanableRatio)) best = c;
    }
    if (best) this.inProgress.set(topicPartitionKey(best.log.topicPartition), 'in-progress');
    return best;
  }

  /** Kafka's doneCleaning: checkpoints endOffset unless the cleaning was aborted. */
  doneCleaning(candidate: { log: PartitionLog; logDir: string }, endOffset: bigint | null, live: ReadonlySet<string>): void {
    const key = topicPartitionKey(candidate.log.topicPartition);
    if (endOffset !== null && this.inProgress.get(key) === 'in-progress' && !candidate.log.isClosed) {
      this.updateCheckpoint(candidate.logDir, candidate.log, endOffset, live);
    }
    this.inProgress.delete(key);
  }

  /** Requests that the cleaning of a log stop (checked between batches). */
  abort(log: { topicPartition: { topic: string; partition: number } }): void {
    const key = topicPartitionKey(log.topicPartition);
    if (this.inProgress.get(key) === 'in-progress') this.inProgress.set(key, 'aborted');
  }

  isAborted(log: { topicPartition: { topic: string; partition: number } }): boolean {
    return this.inProgress.get(topicPartitionKey(log.topicPartition)) === 'aborted';
  }
}
