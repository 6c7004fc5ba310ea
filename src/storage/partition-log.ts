/**
 * The log of one partition, the API the broker calls (Kafka's UnifiedLog + LocalLog): a list of
 * segments (see segment.ts for the on-disk format) in `<log dir>/<topic>-<partition>/`, plus
 * the log start offset, log end offset, high watermark and recovery point.
 *
 * Hot path: append() patches each batch header in place (baseOffset, partitionLeaderEpoch, and
 * for LogAppendTime the attributes, maxTimestamp and CRC), then writes all batches with a single
 * fs.append to the page cache. Work is per batch, never per record. read() returns whole batches
 * with one pread per segment touched. fsync happens in flush() (flush.messages, shutdown) or in
 * flushAsync() on the thread pool (roll, the LogManager's flusher).
 *
 * Deviations from Kafka, on purpose:
 * - read() continues into the next segments while maxBytes allows (Kafka stops at the end of one
 *   segment); the result is a list of Buffers, one per segment.
 * - Segments below a new log start offset are deleted by setLogStartOffset itself, not later by
 *   the retention task; their files get the `.deleted` suffix and are removed after
 *   fileDeleteDelayMs when a scheduler is given (file.delete.delay.ms), at once otherwise.
 */
import { dirname } from 'node:path';
import {
  ATTRIBUTES,
  BASE_OFFSET,
  BATCH_HEADER_SIZE,
  BATCH_LENGTH,
  CRC,
  LAST_OFFSET_DELTA,
  LOG_OVERHEAD,
  MAX_TIMESTAMP,
  PARTITION_LEADER_EPOCH,
  TIMESTAMP_TYPE_MASK,
} from '../protocol/records/batch-header.js';
import { crc32c } from '../protocol/crc32c.js';
import { findOffsetByTimestampInBatch, type FindOffsetByTimestampInBatch } from './batch-timestamps.js';
import { readPartitionMetadata, writePartitionMetadata } from './checkpoint.js';
import { InconsistentTopicIdError, LogClosedError, OffsetOutOfRangeError } from './errors.js';
import { DELETED_FILE_SUFFIX, SWAP_FILE_SUFFIX, type TopicPartition } from './file-names.js';
import { removeRecursive } from './fs/fs-utils.js';
import type { StorageFs } from './fs/storage-fs.js';
import { randomSegmentJitter, type LogConfig } from './log-config.js';
import { loadLog } from './log-loader.js';
import { noopLogger, type Logger } from './logger.js';
import { hasCleanShutdownMarker } from './recovery.js';
import type { ScheduledTask, Scheduler } from './scheduler.js';
import { LogSegment, type SegmentContext, type TimestampSearchResult } from './segment.js';

export type { LogConfig } from './log-config.js';

export interface PartitionLogOptions {
  dir: string;
  topicPartition: TopicPartition;
  topicId?: string;
  config: LogConfig;
  fs: StorageFs;
  clock: () => number;
  logger?: Logger;
  /** From recovery-point-offset-checkpoint (default 0: recover everything after an unclean stop). */
  recoveryPoint?: bigint;
  /** From log-start-offset-checkpoint (default 0). */
  logStartOffset?: bigint;
  /** From replication-offset-checkpoint; clamped to [logStartOffset, logEndOffset]. */
  highWatermark?: bigint;
  /** Default: whether `.kafka_cleanshutdown` exists in the parent log dir. */
  hadCleanShutdown?: boolean;
  /** Runs the async flush after a roll and delayed file deletion; without one, neither is deferred. */
  scheduler?: Scheduler;
  /** file.delete.delay.ms (Kafka default 60000), used with a scheduler. */
  fileDeleteDelayMs?: number;
  /** Randomness for segment.jitter.ms (default Math.random). */
  random?: () => number;
  findOffsetByTimestampInBatch?: FindOffsetByTimestampInBatch;
}

export interface AppendOptions {
  leaderEpoch: number;
  /** When set, the batches become LogAppendTime with this maxTimestamp (CRC recomputed). */
  logAppendTimeMs?: number;
}

export interface AppendResult {
  firstOffset: bigint;
  lastOffset: bigint;
  /** Largest batch maxTimestamp (-1 when none). */
  maxTimestamp: bigint;
  /** Last offset of the batch holding maxTimestamp (shallow, as Kafka's recovery indexes it). */
  offsetOfMaxTimestamp: bigint;
  numBatches: number;
}

export interface ReadOptions {
  /** KIP-74: return the first batch whole even if it is larger than maxBytes. */
  minOneMessage: boolean;
  /** Exclusive upper bound (e.g. the high watermark): no batch with an offset >= maxOffset. */
  maxOffset?: bigint;
}

export interface LogReadResult {
  /** Whole batches, one Buffer per segment read; empty when nothing qualifies. */
  records: Buffer[];
  sizeInBytes: number;
  /** Base offset of the first batch returned. */
  firstBatchOffset?: bigint;
}

export interface SegmentInfo {
  baseOffset: bigint;
  sizeInBytes: number;
}

export type LogEvent = 'append' | 'highWatermark' | 'truncate' | 'logStartOffset';
export type LogListener = (log: PartitionLog, event: LogEvent) => void;

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

export class PartitionLog {
  readonly dir: string;
  readonly topicPartition: TopicPartition;
  readonly topicId: string | undefined;
  config: LogConfig;
  /** Offsets below this are known to be fsynced (recovery starts from its segment). */
  recoveryPoint: bigint;
  lastFlushTime: number;
  private segments: LogSegment[];
  private logStart: bigint;
  private logEnd: bigint;
  private hw: bigint;
  private listeners: readonly LogListener[] = [];
  private tasks = new Set<ScheduledTask>();
  private pendingDeletes = new Map<ScheduledTask, LogSegment[]>();
  private truncations = 0;
  private closed = false;
  private dirNeedsSync = false;
  private readonly fs: StorageFs;
  private readonly clock: () => number;
  private readonly logger: Logger;
  private readonly scheduler: Scheduler | undefined;
  private readonly random: () => number;
  private readonly finder: FindOffsetByTimestampInBatch;
  private readonly fileDeleteDelayMs: number;

  private constructor(opts: PartitionLogOptions, topicId: string | undefined) {
    this.dir = opts.dir;
    this.topicPartition = { topic: opts.topicPartition.topic, partition: opts.topicPartition.partition };
    this.topicId = topicId;
    this.config = opts.config;
    this.fs = opts.fs;
    this.clock = opts.clock;
    this.logger = opts.logger ?? noopLogger;
    this.scheduler = opts.scheduler;
    this.random = opts.random ?? Math.random;
    this.finder = opts.findOffsetByTimestampInBatch ?? findOffsetByTimestampInBatch;
    this.fileDeleteDelayMs = opts.fileDeleteDelayMs ?? 60_000;
    const loaded = loadLog({
      segmentContext: () => this.segmentContext(),
      hadCleanShutdown: opts.hadCleanShutdown ?? hasCleanShutdownMarker(opts.fs, dirname(opts.dir)),
      recoveryPointCheckpoint: opts.recoveryPoint ?? 0n,
      logStartOffsetCheckpoint: opts.logStartOffset ?? 0n,
      logger: this.logger,
    });
    this.segments = loaded.segments;
    this.logStart = loaded.logStartOffset;
    this.logEnd = loaded.logEndOffset;
    this.recoveryPoint = loaded.recoveryPoint;
    this.hw = this.logStart;
    if (opts.highWatermark !== undefined) this.highWatermark = opts.highWatermark;
    this.lastFlushTime = this.clock();
  }

  /** Opens (loading and, if needed, recovering) or creates the partition's log in opts.dir. */
  static open(opts: PartitionLogOptions): PartitionLog {
    opts.fs.mkdir(opts.dir);
    const stored = readPartitionMetadata(opts.fs, opts.dir);
    if (stored && opts.topicId !== undefined && stored.topicId !== opts.topicId) {
      throw new InconsistentTopicIdError(`partition.metadata in ${opts.dir} has topic id ${stored.topicId}, expected ${opts.topicId}`);
    }
    if (!stored && opts.topicId !== undefined) writePartitionMetadata(opts.fs, opts.dir, opts.topicId);
    return new PartitionLog(opts, opts.topicId ?? stored?.topicId);
  }

  private segmentContext(): SegmentContext {
    return {
      fs: this.fs,
      dir: this.dir,
      clock: this.clock,
      logger: this.logger,
      config: {
        indexIntervalBytes: this.config.indexIntervalBytes,
        segmentIndexBytes: this.config.segmentIndexBytes,
        rollJitterMs: randomSegmentJitter(this.config, this.random),
      },
    };
  }

  private checkOpen(): void {
    if (this.closed) throw new LogClosedError(`log ${this.dir} is closed`);
  }

  get logStartOffset(): bigint {
    return this.logStart;
  }

  get logEndOffset(): bigint {
    return this.logEnd;
  }

  get highWatermark(): bigint {
    return this.hw;
  }

  /** Clamped to [logStartOffset, logEndOffset] as Kafka's updateHighWatermark; listeners hear increases. */
  set highWatermark(value: bigint) {
    const v = value < this.logStart ? this.logStart : value > this.logEnd ? this.logEnd : value;
    if (v === this.hw) return;
    const increased = v > this.hw;
    this.hw = v;
    if (increased) this.notify('highWatermark');
  }

  get unflushedMessages(): bigint {
    return this.logEnd - this.recoveryPoint;
  }

  private get activeSegment(): LogSegment {
    return this.segments[this.segments.length - 1]!;
  }

  /** Adds a listener for appends, high watermark increases, truncations and log start changes; returns its remover. */
  addListener(listener: LogListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /** Shorthand for addListener with a filter on 'append'. */
  onAppend(listener: (log: PartitionLog) => void): () => void {
    return this.addListener((log, event) => {
      if (event === 'append') listener(log);
    });
  }

  private notify(event: LogEvent): void {
    for (const l of this.listeners) {
      try {
        l(this, event);
      } catch (err) {
        this.logger.error({ err, event, topicPartition: this.topicPartition }, 'log listener failed');
      }
    }
  }

  /**
   * Appends one or more validated v2 batches, assigning offsets from the log end offset (the
   * Buffer is patched in place). Rolls first when the active segment is full or old enough.
   */
  append(records: Buffer, opts: AppendOptions): AppendResult {
    this.checkOpen();
    const n = records.length;
    const firstOffset = this.logEnd;
    let offset = firstOffset;
    let maxTimestamp = -1n;
    let offsetOfMaxTimestamp = -1n;
    let numBatches = 0;
    const appendTime = opts.logAppendTimeMs === undefined ? undefined : BigInt(opts.logAppendTimeMs);
    for (let pos = 0; pos < n; ) {
      const size = pos + BATCH_HEADER_SIZE <= n ? LOG_OVERHEAD + records.readInt32BE(pos + BATCH_LENGTH) : -1;
      if (size < BATCH_HEADER_SIZE || pos + size > n) throw new RangeError(`malformed batch at position ${pos} of an append`);
      const last = offset + BigInt(records.readInt32BE(pos + LAST_OFFSET_DELTA));
      records.writeBigInt64BE(offset, pos + BASE_OFFSET);
      records.writeInt32BE(opts.leaderEpoch, pos + PARTITION_LEADER_EPOCH);
      if (appendTime !== undefined) {
        records.writeInt16BE(records.readInt16BE(pos + ATTRIBUTES) | TIMESTAMP_TYPE_MASK, pos + ATTRIBUTES);
        records.writeBigInt64BE(appendTime, pos + MAX_TIMESTAMP);
        records.writeUInt32BE(crc32c(records, pos + ATTRIBUTES, pos + size), pos + CRC);
      }
      const batchMax = records.readBigInt64BE(pos + MAX_TIMESTAMP);
      if (batchMax > maxTimestamp) {
        maxTimestamp = batchMax;
        offsetOfMaxTimestamp = last;
      }
      offset = last + 1n;
      pos += size;
      numBatches++;
    }
    const lastOffset = offset - 1n;
    if (numBatches > 0) {
      this.maybeRoll(n, maxTimestamp, lastOffset);
      this.activeSegment.append(records, lastOffset, maxTimestamp, offsetOfMaxTimestamp);
      this.logEnd = offset;
      this.notify('append');
      this.maybeFlush();
    }
    return { firstOffset, lastOffset, maxTimestamp, offsetOfMaxTimestamp, numBatches };
  }

  private maybeRoll(messagesSize: number, maxTimestampInMessages: bigint, maxOffsetInMessages: bigint): void {
    const roll = this.activeSegment.shouldRoll({
      messagesSize,
      maxTimestampInMessages,
      maxOffsetInMessages,
      now: this.clock(),
      segmentBytes: this.config.segmentBytes,
      segmentMs: this.config.segmentMs,
    });
    if (roll) this.roll();
  }

  /**
   * Starts a new active segment at the log end offset (no-op when the active segment is empty).
   * The previous segment is flushed in the background when a scheduler is available.
   */
  roll(): void {
    this.checkOpen();
    const active = this.activeSegment;
    const newOffset = this.logEnd;
    if (active.size === 0 && active.baseOffset === newOffset) return;
    const start = this.clock();
    active.onBecomeInactiveSegment();
    this.segments.push(LogSegment.create(this.segmentContext(), newOffset));
    this.dirNeedsSync = true;
    this.logger.info({ topicPartition: this.topicPartition, offset: String(newOffset), ms: this.clock() - start }, 'rolled new log segment');
    this.runLater(0, () => {
      this.flushAsync(newOffset).catch((err: unknown) => this.logger.error({ err, dir: this.dir }, 'background flush failed'));
    });
  }

  private runLater(delayMs: number, fn: () => void): ScheduledTask | null {
    if (!this.scheduler) return null;
    const task = this.scheduler.schedule(() => {
      this.tasks.delete(task);
      fn();
    }, delayMs);
    this.tasks.add(task);
    return task;
  }

  /** Index of the last segment whose base offset is <= offset (-1 when none). */
  private floorSegmentIndex(offset: bigint): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    if (hi < 0 || this.segments[0]!.baseOffset > offset) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.segments[mid]!.baseOffset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * Whole batches starting with the one that holds fetchOffset, up to maxBytes (at least one
   * batch with minOneMessage), never a batch with an offset >= maxOffset (default: log end).
   * Throws OffsetOutOfRangeError when fetchOffset is outside [logStartOffset, logEndOffset].
   */
  read(fetchOffset: bigint, maxBytes: number, opts: ReadOptions): LogReadResult {
    this.checkOpen();
    if (fetchOffset < this.logStart || fetchOffset > this.logEnd) {
      throw new OffsetOutOfRangeError(fetchOffset, this.logStart, this.logEnd, 'fetch offset');
    }
    const limit = opts.maxOffset === undefined || opts.maxOffset > this.logEnd ? this.logEnd : opts.maxOffset;
    const result: LogReadResult = { records: [], sizeInBytes: 0 };
    if (fetchOffset >= limit) return result;
    let minOne = opts.minOneMessage;
    let start = fetchOffset;
    for (let i = Math.max(0, this.floorSegmentIndex(fetchOffset)); i < this.segments.length; i++) {
      const r = this.segments[i]!.read(start, maxBytes - result.sizeInBytes, limit, minOne);
      const next = this.segments[i + 1];
      if (next) start = next.baseOffset;
      if (r === null) continue;
      if (r.records.length > 0) {
        result.records.push(r.records);
        result.sizeInBytes += r.records.length;
        result.firstBatchOffset ??= r.firstBatchOffset;
        minOne = false;
      }
      if (!r.reachedEnd || result.sizeInBytes >= maxBytes) break;
    }
    return result;
  }

  /**
   * The first record with timestamp >= timestampMs at or after the log start offset, with its
   * batch's partitionLeaderEpoch (-1 when unknown); null when every record is older.
   */
  offsetForTimestamp(timestampMs: bigint): TimestampSearchResult | null {
    this.checkOpen();
    for (const seg of this.segments) {
      if (seg.maxTimestampSoFar < timestampMs) continue;
      const found = seg.findOffsetByTimestamp(timestampMs, this.logStart, this.finder);
      if (found) return found;
    }
    return null;
  }

  /** The record with the largest timestamp (ListOffsets MAX_TIMESTAMP, KIP-734); null when none has one. */
  latestTimestamp(): TimestampSearchResult | null {
    this.checkOpen();
    let best: LogSegment | null = null;
    for (const seg of this.segments) {
      if (best === null || seg.maxTimestampSoFar > best.maxTimestampSoFar) best = seg;
    }
    return best ? best.findMaxTimestampRecord(this.finder) : null;
  }

  /** Removes every batch holding offsets >= targetOffset (a follower diverging from its leader). */
  truncateTo(targetOffset: bigint): boolean {
    this.checkOpen();
    if (targetOffset < 0n) throw new RangeError(`cannot truncate to a negative offset ${targetOffset}`);
    if (targetOffset >= this.logEnd) return false;
    this.logger.info({ topicPartition: this.topicPartition, offset: String(targetOffset) }, 'truncating log');
    if (this.segments[0]!.baseOffset > targetOffset) {
      this.truncateFullyAndStartAt(targetOffset);
      return true;
    }
    const cut = this.floorSegmentIndex(targetOffset) + 1;
    this.deleteSegments(this.segments.splice(cut));
    this.activeSegment.truncateTo(targetOffset);
    this.logEnd = targetOffset;
    this.logStart = min(this.logStart, targetOffset);
    this.recoveryPoint = min(this.recoveryPoint, targetOffset);
    this.hw = min(this.hw, targetOffset);
    this.truncations++;
    this.notify('truncate');
    return true;
  }

  /** Deletes every segment and starts an empty log at newOffset (all offsets become newOffset). */
  truncateFullyAndStartAt(newOffset: bigint): void {
    this.checkOpen();
    this.deleteSegments(this.segments.splice(0));
    this.segments.push(LogSegment.create(this.segmentContext(), newOffset));
    this.dirNeedsSync = true;
    this.logEnd = newOffset;
    this.logStart = newOffset;
    this.recoveryPoint = newOffset;
    this.hw = newOffset;
    this.truncations++;
    this.notify('truncate');
  }

  /**
   * Advances the log start offset (DeleteRecords, a leader's log start offset on a follower) and
   * deletes the segments wholly below it. Throws OffsetOutOfRangeError above the high watermark.
   * Returns false when the offset does not move forward.
   */
  setLogStartOffset(newLogStartOffset: bigint): boolean {
    this.checkOpen();
    if (newLogStartOffset > this.hw) {
      throw new OffsetOutOfRangeError(newLogStartOffset, this.logStart, this.hw, 'log start offset');
    }
    if (newLogStartOffset <= this.logStart) return false;
    this.logStart = newLogStartOffset;
    let n = 0;
    while (n + 1 < this.segments.length && this.segments[n + 1]!.baseOffset <= newLogStartOffset) n++;
    if (n > 0) this.deleteSegments(this.segments.splice(0, n));
    this.notify('logStartOffset');
    return true;
  }

  /** Alias of setLogStartOffset, named after the DeleteRecords API. */
  deleteRecordsBefore(offset: bigint): boolean {
    return this.setLogStartOffset(offset);
  }

  // ---- Log management: the retention task (retention.ts) and the log cleaner (cleaner/)

  /** The segments, oldest first (a copy; the last one is the active segment). */
  logSegments(): LogSegment[] {
    this.checkOpen();
    return [...this.segments];
  }

  /**
   * Kafka's UnifiedLog.deleteSegments for the oldest `count` segments: when that is every segment
   * the log rolls first (an empty active segment is kept instead); the files get `.deleted` and
   * are removed after file.delete.delay.ms; the log start offset (and the high watermark and
   * recovery point, if below) moves to the first remaining segment. Returns the segments deleted.
   */
  deleteOldestSegments(count: number): number {
    this.checkOpen();
    let n = Math.min(count, this.segments.length);
    if (n <= 0) return 0;
    if (n === this.segments.length) {
      this.roll();
      if (n === this.segments.length) n--; // the active segment was empty: keep it
      if (n === 0) return 0;
    }
    this.deleteSegments(this.segments.splice(0, n));
    const first = this.segments[0]!.baseOffset;
    if (first > this.logStart) {
      this.logStart = first;
      if (this.hw < first) this.hw = first;
      if (this.recoveryPoint < first) this.recoveryPoint = first;
      this.notify('logStartOffset');
    }
    return n;
  }

  /**
   * Kafka's LocalLog.replaceSegments for the log cleaner: `cleaned` (files with the `.cleaned`
   * suffix, already fsynced) takes the place of `oldSegments`, which must still be consecutive
   * segments of this log (false, and nothing changes, when retention, DeleteRecords or a
   * truncation removed one meanwhile). Crash-safe order: `.cleaned` -> `.swap`, old files ->
   * `.deleted`, `.swap` -> no suffix; recovery.ts completes a swap interrupted after the first step.
   */
  replaceSegments(cleaned: LogSegment, oldSegments: readonly LogSegment[]): boolean {
    this.checkOpen();
    const first = oldSegments.length > 0 ? this.segments.indexOf(oldSegments[0]!) : -1;
    if (first < 0 || this.segments.length - first <= oldSegments.length) return false; // never the active segment
    for (let i = 0; i < oldSegments.length; i++) if (this.segments[first + i] !== oldSegments[i]) return false;
    cleaned.changeFileSuffixes(SWAP_FILE_SUFFIX);
    this.segments.splice(first, oldSegments.length, cleaned);
    this.deleteSegments([...oldSegments]);
    cleaned.changeFileSuffixes('');
    this.fs.fsyncDir(this.dir);
    return true;
  }

  private deleteSegments(segments: LogSegment[]): void {
    if (segments.length === 0) return;
    for (const s of segments) {
      s.closeHandlers();
      s.changeFileSuffixes(DELETED_FILE_SUFFIX);
    }
    const task = this.runLater(this.fileDeleteDelayMs, () => {
      this.pendingDeletes.delete(task!);
      for (const s of segments) s.deleteIfExists();
    });
    if (task) this.pendingDeletes.set(task, segments);
    else for (const s of segments) s.deleteIfExists();
  }

  /** Segments that may hold offsets in [from, to). */
  private segmentsBetween(from: bigint, to: bigint): LogSegment[] {
    const first = Math.max(0, this.floorSegmentIndex(from));
    const out: LogSegment[] = [];
    for (let i = first; i < this.segments.length && this.segments[i]!.baseOffset < to; i++) out.push(this.segments[i]!);
    return out;
  }

  /** fsyncs the segments holding [recoveryPoint, upTo) and advances the recovery point (synchronous). */
  flush(upTo: bigint = this.logEnd): void {
    this.checkOpen();
    const target = min(upTo, this.logEnd);
    if (target <= this.recoveryPoint) return;
    for (const seg of this.segmentsBetween(this.recoveryPoint, target)) seg.flush();
    if (this.dirNeedsSync) {
      this.fs.fsyncDir(this.dir);
      this.dirNeedsSync = false;
    }
    this.recoveryPoint = target;
    this.lastFlushTime = this.clock();
  }

  /**
   * flush() with the fsyncs on the thread pool. The recovery point advances only if no truncation
   * happened meanwhile and every segment synced.
   */
  async flushAsync(upTo: bigint = this.logEnd): Promise<void> {
    if (this.closed) return;
    const target = min(upTo, this.logEnd);
    if (target <= this.recoveryPoint) return;
    const truncationsAtStart = this.truncations;
    const segments = this.segmentsBetween(this.recoveryPoint, target);
    const syncDir = this.dirNeedsSync;
    this.dirNeedsSync = false;
    const results = await Promise.all(segments.map((s) => s.flushAsync()));
    if (this.closed) return;
    if (syncDir) {
      try {
        await this.fs.fsyncDirAsync(this.dir);
      } catch (err) {
        this.dirNeedsSync = true;
        throw err;
      }
    }
    if (this.closed) return;
    if (results.every(Boolean) && this.truncations === truncationsAtStart && target > this.recoveryPoint) {
      this.recoveryPoint = target;
      this.lastFlushTime = this.clock();
    }
  }

  /** Kafka's flush.messages policy, checked after each append: a synchronous flush when reached. */
  maybeFlush(): void {
    if (this.unflushedMessages >= BigInt(this.config.flushIntervalMessages)) this.flush();
  }

  /** Applies a new topic config; it governs the next roll and new segments. */
  updateConfig(config: LogConfig): void {
    this.config = config;
  }

  sizeInBytes(): number {
    let total = 0;
    for (const s of this.segments) total += s.size;
    return total;
  }

  get numberOfSegments(): number {
    return this.segments.length;
  }

  segmentsInfo(): SegmentInfo[] {
    return this.segments.map((s) => ({ baseOffset: s.baseOffset, sizeInBytes: s.size }));
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Writes index entries and releases every file handle and timer. With flush, everything is
   * fsynced first, including the active segment's final time index entry (clean shutdown).
   * If that flush throws, the log stays open; call close() again without flush.
   */
  close(opts: { flush?: boolean } = {}): void {
    if (this.closed) return;
    if (opts.flush) {
      this.flush();
      const active = this.activeSegment;
      active.onBecomeInactiveSegment();
      active.timeIndex.flush();
    }
    this.closed = true;
    for (const t of this.tasks) t.cancel();
    this.tasks.clear();
    for (const segments of this.pendingDeletes.values()) for (const s of segments) s.deleteIfExists();
    this.pendingDeletes.clear();
    for (const s of this.segments) s.close();
    this.listeners = [];
  }

  /** Closes the log and removes its directory. */
  delete(): void {
    this.close();
    removeRecursive(this.fs, this.dir);
  }
}
