/**
 * One log segment: `<20-digit base offset>.log` with its `.index` and `.timeindex`.
 *
 * The .log file holds record batches exactly as they travel on the wire (v2, magic 2, 61-byte
 * header, see protocol/records/batch-header.ts), back to back, with the offsets the leader
 * assigned. Every offset in the segment is >= its base offset and fits in an int32 relative to
 * it. The index formats are described in index/offset-index.ts and index/time-index.ts.
 *
 * Appends are one fs.append (write to the page cache) per call, whatever the number of batches;
 * index entries are added per call, per index.interval.bytes, as Kafka's LogSegment.append does.
 */
import { PARTITION_LEADER_EPOCH, BATCH_HEADER_SIZE, BATCH_LENGTH, BASE_OFFSET, LAST_OFFSET_DELTA, LOG_OVERHEAD } from '../protocol/records/batch-header.js';
import { scanBatches } from './batch-scan.js';
import type { FindOffsetByTimestampInBatch } from './batch-timestamps.js';
import { CorruptIndexError, LogClosedError } from './errors.js';
import { logFilePath, offsetIndexFilePath, timeIndexFilePath, txnIndexFilePath } from './file-names.js';
import type { StorageFs } from './fs/storage-fs.js';
import { OffsetIndex } from './index/offset-index.js';
import { NO_TIMESTAMP, TimeIndex, type TimestampOffset } from './index/time-index.js';
import { noopLogger, type Logger } from './logger.js';

export interface SegmentConfig {
  indexIntervalBytes: number;
  segmentIndexBytes: number;
  /** Random jitter subtracted from segment.ms for this segment (LogConfig.randomSegmentJitter). */
  rollJitterMs: number;
}

export interface SegmentContext {
  fs: StorageFs;
  dir: string;
  config: SegmentConfig;
  clock: () => number;
  logger?: Logger;
}

export interface BatchLocation {
  position: number;
  size: number;
  baseOffset: bigint;
  lastOffset: bigint;
}

export interface SegmentRead {
  /** Whole batches; empty when the first batch is over maxBytes or at/after maxOffset. */
  records: Buffer;
  firstBatchOffset: bigint;
  /** The read consumed the segment up to its end (the caller may continue in the next one). */
  reachedEnd: boolean;
}

export interface TimestampSearchResult {
  offset: bigint;
  timestamp: bigint;
  leaderEpoch: number;
}

export interface RollParams {
  messagesSize: number;
  maxTimestampInMessages: bigint;
  maxOffsetInMessages: bigint;
  now: number;
  segmentBytes: number;
  segmentMs: number;
}

const EMPTY = Buffer.alloc(0);

export class LogSegment {
  readonly offsetIndex: OffsetIndex;
  readonly timeIndex: TimeIndex;
  private fd: number;
  private sizeBytes: number;
  private suffix: string;
  private bytesSinceLastIndexEntry = 0;
  /** Largest timestamp in the segment and the (shallow) offset holding it; null until loaded. */
  private maxTimestampAndOffset: TimestampOffset | null = null;
  /** Timestamp used for time-based rolling: the first append's max timestamp (null: none; undefined: not loaded). */
  private rollingBasedTimestamp: bigint | null | undefined = undefined;
  private created: number;
  private inflightSyncs = 0;
  private closeRequested = false;
  private fdOpen = true;
  private recoveryLastIndexPosition = 0;
  private readonly logger: Logger;

  private constructor(
    private readonly ctx: SegmentContext,
    readonly baseOffset: bigint,
    existing: boolean,
    suffix: string,
  ) {
    const { fs, dir, config } = ctx;
    this.suffix = suffix;
    this.logger = ctx.logger ?? noopLogger;
    this.created = ctx.clock();
    this.fd = fs.open(logFilePath(dir, baseOffset, suffix), 'append');
    this.sizeBytes = fs.size(this.fd);
    if (!existing && this.sizeBytes > 0) {
      fs.truncate(this.fd, 0);
      this.sizeBytes = 0;
    }
    this.offsetIndex = new OffsetIndex(fs, offsetIndexFilePath(dir, baseOffset, suffix), baseOffset, config.segmentIndexBytes, existing);
    this.timeIndex = new TimeIndex(fs, timeIndexFilePath(dir, baseOffset, suffix), baseOffset, config.segmentIndexBytes, existing);
    if (!existing) {
      this.maxTimestampAndOffset = { timestamp: NO_TIMESTAMP, offset: baseOffset };
      this.rollingBasedTimestamp = null;
    }
  }

  /** A new, empty segment (any leftover files with its name are emptied). */
  static create(ctx: SegmentContext, baseOffset: bigint, suffix = ''): LogSegment {
    return new LogSegment(ctx, baseOffset, false, suffix);
  }

  /** An existing segment; its indexes load lazily and are rebuilt if found corrupt. */
  static open(ctx: SegmentContext, baseOffset: bigint, suffix = ''): LogSegment {
    return new LogSegment(ctx, baseOffset, true, suffix);
  }

  get size(): number {
    return this.sizeBytes;
  }

  get logPath(): string {
    return logFilePath(this.ctx.dir, this.baseOffset, this.suffix);
  }

  get rollJitterMs(): number {
    return this.ctx.config.rollJitterMs;
  }

  /** Both index files exist with a whole number of entries (cheap check done at load). */
  indexFilesLookSane(): boolean {
    const fs = this.ctx.fs;
    const o = fs.stat(this.offsetIndex.path);
    const t = fs.stat(this.timeIndex.path);
    return o !== null && t !== null && o.size % 8 === 0 && t.size % 12 === 0;
  }

  private checkOpen(): void {
    if (this.closeRequested) throw new LogClosedError(`segment ${this.logPath} is closed`);
  }

  /** Loads the indexes; a corrupt one is logged and both are rebuilt from the log's batch headers. */
  private ensureIndexes(): void {
    try {
      this.offsetIndex.ensureLoaded();
      this.timeIndex.ensureLoaded();
      if (this.offsetIndex.entries > 0 && this.offsetIndex.lastEntry().position >= this.sizeBytes) {
        throw new CorruptIndexError(`index ${this.offsetIndex.path} points past the end of the log (${this.sizeBytes} bytes)`);
      }
    } catch (err) {
      if (!(err instanceof CorruptIndexError)) throw err;
      this.logger.warn({ segment: this.logPath, err: err.message }, 'corrupt index found, rebuilding the segment indexes');
      this.rebuildIndexes();
    }
  }

  /** Largest timestamp so far and its offset (time index last entry until appends update it). */
  readMaxTimestampAndOffsetSoFar(): TimestampOffset {
    if (this.maxTimestampAndOffset === null) {
      this.ensureIndexes();
      if (this.maxTimestampAndOffset === null) this.maxTimestampAndOffset = this.timeIndex.lastEntry();
    }
    return this.maxTimestampAndOffset;
  }

  get maxTimestampSoFar(): bigint {
    return this.readMaxTimestampAndOffsetSoFar().timestamp;
  }

  /** Last modification time of the .log file. */
  get lastModified(): number {
    return this.ctx.fs.stat(this.logPath)?.mtimeMs ?? 0;
  }

  /** The largest record timestamp, or the file's modification time when no batch has one (Kafka). */
  get largestTimestamp(): number {
    const ts = this.maxTimestampSoFar;
    return ts >= 0n ? Number(ts) : this.lastModified;
  }

  /**
   * Appends bytes holding whole batches whose offsets are already assigned. largestOffset is
   * the last offset, offsetOfMaxTimestamp the (last) offset of the batch with the max timestamp.
   */
  append(records: Buffer, largestOffset: bigint, largestTimestamp: bigint, offsetOfMaxTimestamp: bigint): void {
    this.checkOpen();
    if (records.length === 0) return;
    this.ensureIndexes();
    if (!this.offsetIndex.canAppendOffset(largestOffset)) {
      throw new RangeError(`offset ${largestOffset} does not fit segment ${this.logPath}`);
    }
    const position = this.sizeBytes;
    if (position === 0) this.rollingBasedTimestamp = largestTimestamp;
    try {
      this.ctx.fs.append(this.fd, records);
    } catch (err) {
      // A short write (ENOSPC...) must not leave half a batch behind.
      try {
        this.ctx.fs.truncate(this.fd, position);
      } catch {
        /* the original error matters more */
      }
      throw err;
    }
    this.sizeBytes += records.length;
    const max = this.readMaxTimestampAndOffsetSoFar();
    if (largestTimestamp > max.timestamp) {
      this.maxTimestampAndOffset = { timestamp: largestTimestamp, offset: offsetOfMaxTimestamp };
    }
    if (this.bytesSinceLastIndexEntry > this.ctx.config.indexIntervalBytes) {
      this.offsetIndex.append(largestOffset, position);
      const m = this.maxTimestampAndOffset!;
      this.timeIndex.maybeAppend(m.timestamp, m.offset);
      this.bytesSinceLastIndexEntry = 0;
    }
    this.bytesSinceLastIndexEntry += records.length;
  }

  /** The first batch whose last offset is >= offset, searching from the index (or startPosition). */
  translateOffset(offset: bigint, startPosition = 0): BatchLocation | null {
    this.checkOpen();
    this.ensureIndexes();
    const from = Math.max(this.offsetIndex.lookup(offset).position, startPosition);
    let found: BatchLocation | null = null;
    scanBatches(this.ctx.fs, this.fd, from, this.sizeBytes, (b) => {
      if (b.lastOffset < offset) return true;
      found = { position: b.position, size: b.size, baseOffset: b.baseOffset, lastOffset: b.lastOffset };
      return false;
    });
    return found;
  }

  /**
   * Whole batches from the one holding startOffset: at most maxBytes (but the whole first batch
   * when minOneMessage, KIP-74), never a batch whose last offset is >= maxOffset. One pread.
   * null when no batch of this segment reaches startOffset.
   */
  read(startOffset: bigint, maxBytes: number, maxOffset: bigint, minOneMessage: boolean): SegmentRead | null {
    const loc = this.translateOffset(startOffset);
    if (loc === null) return null;
    const none: SegmentRead = { records: EMPTY, firstBatchOffset: loc.baseOffset, reachedEnd: false };
    if (loc.lastOffset >= maxOffset) return none;
    let want = minOneMessage && loc.size > maxBytes ? loc.size : maxBytes;
    if (want < loc.size) return none;
    want = Math.min(want, this.sizeBytes - loc.position);
    const buf = Buffer.allocUnsafe(want);
    const n = this.ctx.fs.pread(this.fd, buf, 0, want, loc.position);
    let end = 0;
    let limited = false;
    while (end + BATCH_HEADER_SIZE <= n) {
      const size = LOG_OVERHEAD + buf.readInt32BE(end + BATCH_LENGTH);
      if (end + size > n) break;
      const last = buf.readBigInt64BE(end + BASE_OFFSET) + BigInt(buf.readInt32BE(end + LAST_OFFSET_DELTA));
      if (last >= maxOffset) {
        limited = true;
        break;
      }
      end += size;
    }
    return { records: buf.subarray(0, end), firstBatchOffset: loc.baseOffset, reachedEnd: !limited && loc.position + end === this.sizeBytes };
  }

  /** The offset after the last batch (the base offset when empty). */
  readNextOffset(): bigint {
    this.checkOpen();
    this.ensureIndexes();
    let next = this.baseOffset;
    const from = this.offsetIndex.lastEntry().position;
    scanBatches(this.ctx.fs, this.fd, from, this.sizeBytes, (b) => {
      next = b.lastOffset + 1n;
    });
    return next;
  }

  private readBatch(position: number, size: number): Buffer {
    const body = Buffer.allocUnsafe(size);
    this.ctx.fs.pread(this.fd, body, 0, size, position);
    return body;
  }

  /**
   * First record with timestamp >= timestampMs and offset >= startingOffset (Kafka's
   * LogSegment.findOffsetByTimestamp): time index, then offset index, then batch headers, and
   * records only inside batches whose maxTimestamp reaches the target.
   */
  findOffsetByTimestamp(timestampMs: bigint, startingOffset: bigint, finder: FindOffsetByTimestampInBatch): TimestampSearchResult | null {
    this.checkOpen();
    this.ensureIndexes();
    const t = this.timeIndex.lookup(timestampMs);
    const from = this.offsetIndex.lookup(t.offset > startingOffset ? t.offset : startingOffset).position;
    let result: TimestampSearchResult | null = null;
    scanBatches(this.ctx.fs, this.fd, from, this.sizeBytes, (b) => {
      if (b.maxTimestamp < timestampMs || b.lastOffset < startingOffset) return true;
      const leaderEpoch = b.buf.readInt32BE(b.at + PARTITION_LEADER_EPOCH);
      const found = finder(this.readBatch(b.position, b.size), timestampMs, startingOffset);
      if (found === null) return true;
      result = { offset: found.offset, timestamp: found.timestamp, leaderEpoch };
      return false;
    });
    return result;
  }

  /** The record with the segment's max timestamp (ListOffsets MAX_TIMESTAMP), or null if none has a timestamp. */
  findMaxTimestampRecord(finder: FindOffsetByTimestampInBatch): TimestampSearchResult | null {
    this.checkOpen();
    this.ensureIndexes();
    const max = this.readMaxTimestampAndOffsetSoFar();
    if (max.timestamp < 0n) return null;
    const from = this.offsetIndex.lookup(max.offset).position;
    let result: TimestampSearchResult | null = null;
    scanBatches(this.ctx.fs, this.fd, from, this.sizeBytes, (b) => {
      if (b.maxTimestamp !== max.timestamp) return true;
      const leaderEpoch = b.buf.readInt32BE(b.at + PARTITION_LEADER_EPOCH);
      const found = finder(this.readBatch(b.position, b.size), max.timestamp, b.baseOffset);
      result = { offset: found?.offset ?? b.lastOffset, timestamp: max.timestamp, leaderEpoch };
      return false;
    });
    return result;
  }

  private loadFirstBatchTimestamp(): void {
    if (this.rollingBasedTimestamp !== undefined) return;
    this.rollingBasedTimestamp = null;
    scanBatches(this.ctx.fs, this.fd, 0, this.sizeBytes, (b) => {
      this.rollingBasedTimestamp = b.maxTimestamp;
      return false;
    });
  }

  /** Kafka's timeWaitedForRoll: since the first batch's timestamp if it has one, else since creation. */
  timeWaitedForRoll(now: number, messageTimestamp: bigint): number {
    this.loadFirstBatchTimestamp();
    const ts = this.rollingBasedTimestamp ?? -1n;
    if (ts >= 0n) return Number(messageTimestamp - ts);
    return now - this.created;
  }

  /** Kafka's LogSegment.shouldRoll; an empty segment never rolls (rolling it would recreate it). */
  shouldRoll(p: RollParams): boolean {
    if (this.sizeBytes === 0) return false;
    this.ensureIndexes();
    const reachedRollMs = this.timeWaitedForRoll(p.now, p.maxTimestampInMessages) > p.segmentMs - this.rollJitterMs;
    return (
      this.sizeBytes > p.segmentBytes - p.messagesSize ||
      reachedRollMs ||
      this.offsetIndex.isFull() ||
      this.timeIndex.isFull() ||
      !this.offsetIndex.canAppendOffset(p.maxOffsetInMessages)
    );
  }

  /** Removes batches holding offsets >= offset; returns the bytes cut from the log. */
  truncateTo(offset: bigint): number {
    this.checkOpen();
    const mapping = this.translateOffset(offset);
    this.offsetIndex.truncateTo(offset);
    this.timeIndex.truncateTo(offset);
    let truncated = 0;
    if (mapping !== null) {
      truncated = this.sizeBytes - mapping.position;
      this.truncateFile(mapping.position);
    }
    if (this.sizeBytes === 0) {
      this.created = this.ctx.clock();
      this.rollingBasedTimestamp = null;
    }
    this.bytesSinceLastIndexEntry = 0;
    this.maxTimestampAndOffset = this.readLargestTimestamp();
    this.writeIndexes();
    return truncated;
  }

  private readLargestTimestamp(): TimestampOffset {
    let best = this.timeIndex.lastEntry();
    const from = this.offsetIndex.lookup(best.offset).position;
    scanBatches(this.ctx.fs, this.fd, from, this.sizeBytes, (b) => {
      if (b.maxTimestamp > best.timestamp) best = { timestamp: b.maxTimestamp, offset: b.lastOffset };
    });
    return best;
  }

  /** Cuts the log file to length bytes (recovery and truncation). */
  truncateFile(length: number): void {
    if (length >= this.sizeBytes) return;
    this.ctx.fs.truncate(this.fd, length);
    this.sizeBytes = length;
    this.offsetIndex.truncateToPosition(length);
  }

  // Index rebuilding, shared by recovery (which validates every batch) and rebuildIndexes.

  /** Starts rebuilding both indexes from the log; feed every valid batch to recoverBatch. */
  beginIndexRebuild(): void {
    this.offsetIndex.reset();
    this.timeIndex.reset();
    this.maxTimestampAndOffset = { timestamp: NO_TIMESTAMP, offset: this.baseOffset };
    this.recoveryLastIndexPosition = 0;
  }

  /** Kafka's LogSegment.recover indexing: an entry per index.interval.bytes of batches. */
  recoverBatch(position: number, lastOffset: bigint, maxTimestamp: bigint): void {
    const max = this.maxTimestampAndOffset!;
    if (maxTimestamp > max.timestamp) this.maxTimestampAndOffset = { timestamp: maxTimestamp, offset: lastOffset };
    if (position - this.recoveryLastIndexPosition > this.ctx.config.indexIntervalBytes && !this.offsetIndex.isFull()) {
      this.offsetIndex.append(lastOffset, position);
      const m = this.maxTimestampAndOffset!;
      if (!this.timeIndex.isFull()) this.timeIndex.maybeAppend(m.timestamp, m.offset);
      this.recoveryLastIndexPosition = position;
    }
  }

  /** Ends a rebuild at validBytes (cutting anything after it); returns the bytes cut. */
  endIndexRebuild(validBytes: number): number {
    const truncated = this.sizeBytes - validBytes;
    this.truncateFile(validBytes);
    const m = this.maxTimestampAndOffset!;
    this.timeIndex.maybeAppend(m.timestamp, m.offset, true);
    this.bytesSinceLastIndexEntry = 0;
    this.rollingBasedTimestamp = undefined;
    this.writeIndexes();
    return Math.max(0, truncated);
  }

  /** Rebuilds both indexes from the batch headers (no CRC checks: the data is trusted). */
  rebuildIndexes(): void {
    this.beginIndexRebuild();
    const result = scanBatches(this.ctx.fs, this.fd, 0, this.sizeBytes, (b) => this.recoverBatch(b.position, b.lastOffset, b.maxTimestamp));
    this.endIndexRebuild(result.end === 'end' ? this.sizeBytes : result.position);
  }

  /** The file handle, for recovery's validating scan. */
  get fileDescriptor(): number {
    this.checkOpen();
    return this.fd;
  }

  /** Adds the final time index entry and writes the indexes out (Kafka's onBecomeInactiveSegment). */
  onBecomeInactiveSegment(): void {
    const m = this.readMaxTimestampAndOffsetSoFar();
    this.timeIndex.maybeAppend(m.timestamp, m.offset, true);
    this.writeIndexes();
  }

  /** Writes pending index entries to their files (no fsync). */
  writeIndexes(): void {
    this.offsetIndex.writeToFile();
    this.timeIndex.writeToFile();
  }

  /** fsyncs the log and both indexes. */
  flush(): void {
    if (this.closeRequested) return;
    this.ctx.fs.fsync(this.fd);
    this.offsetIndex.flush();
    this.timeIndex.flush();
  }

  /** flush() on the thread pool; true when everything was synced (false if closed meanwhile). */
  async flushAsync(): Promise<boolean> {
    if (this.closeRequested) return false;
    this.writeIndexes();
    this.inflightSyncs++;
    try {
      await this.ctx.fs.fsyncAsync(this.fd);
      if (this.closeRequested) return false;
      await this.offsetIndex.flushAsync();
      if (this.closeRequested) return false;
      await this.timeIndex.flushAsync();
      return !this.closeRequested;
    } finally {
      this.inflightSyncs--;
      if (this.closeRequested && this.inflightSyncs === 0) this.closeFd();
    }
  }

  private closeFd(): void {
    if (!this.fdOpen) return;
    this.fdOpen = false;
    this.ctx.fs.close(this.fd);
  }

  get isClosed(): boolean {
    return this.closeRequested;
  }

  /** Adds the final time index entry, writes the indexes and releases the file handle. */
  close(): void {
    if (this.closeRequested) return;
    if (this.maxTimestampAndOffset !== null && this.timeIndex.isLoaded) {
      this.timeIndex.maybeAppend(this.maxTimestampAndOffset.timestamp, this.maxTimestampAndOffset.offset, true);
    }
    this.writeIndexes();
    this.closeRequested = true;
    if (this.inflightSyncs === 0) this.closeFd();
  }

  /** Closes the handle without writing anything (the files are about to be deleted). */
  closeHandlers(): void {
    this.closeRequested = true;
    if (this.inflightSyncs === 0) this.closeFd();
  }

  /** Renames the segment's files to carry newSuffix (e.g. '.deleted'; '' for the plain names). */
  changeFileSuffixes(newSuffix: string): void {
    const { fs, dir } = this.ctx;
    const oldLog = this.logPath;
    const oldTxn = txnIndexFilePath(dir, this.baseOffset, this.suffix);
    this.suffix = newSuffix;
    if (fs.exists(oldLog)) fs.rename(oldLog, this.logPath);
    this.offsetIndex.renameTo(offsetIndexFilePath(dir, this.baseOffset, newSuffix));
    this.timeIndex.renameTo(timeIndexFilePath(dir, this.baseOffset, newSuffix));
    if (fs.exists(oldTxn)) fs.rename(oldTxn, txnIndexFilePath(dir, this.baseOffset, newSuffix));
  }

  /** Closes and deletes the segment's files. */
  deleteIfExists(): void {
    this.closeHandlers();
    const { fs, dir } = this.ctx;
    for (const p of [this.logPath, this.offsetIndex.path, this.timeIndex.path, txnIndexFilePath(dir, this.baseOffset, this.suffix)]) {
      if (fs.exists(p)) fs.unlink(p);
    }
  }

  toString(): string {
    return `LogSegment(baseOffset=${this.baseOffset}, size=${this.sizeBytes})`;
  }
}
