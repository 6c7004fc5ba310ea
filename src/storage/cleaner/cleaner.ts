/**
 * Cleaning one log (Kafka's Cleaner.doClean): build the offset map (latest offset of each key)
 * from the dirty section [firstDirtyOffset, firstUncleanableOffset), then rewrite every segment
 * below the map's end offset, in groups that fit one segment (segment.bytes, segment.index.bytes,
 * relative offsets within an int32), each group into one new segment that replaces the group.
 *
 * Crash safety: a group is written to `<base>.log.cleaned` (+ `.index.cleaned`, `.timeindex.cleaned`),
 * fsynced, then swapped in by PartitionLog.replaceSegments (`.cleaned` -> `.swap`, old segment
 * files -> `.deleted`, `.swap` -> live). A crash before the `.swap` rename leaves the old segments
 * (recovery deletes `.cleaned` files); after it, recovery completes the swap (recovery.ts).
 *
 * Event loop: all work is chunked. Segment files are read with positional reads in chunks of
 * ioBufferBytes; records are walked without allocation per record (record-scan.ts); between
 * batches, and every 128 records inside a batch, the TimeSlicer yields once its budget (default
 * 4 ms) is used. zstd and large gzip (de)compression run on the thread pool; the fsync of the
 * cleaned segment too. The longest synchronous slice is reported in the result.
 *
 * The cleaning is abandoned (CleaningAbortedError, the `.cleaned` files deleted) when `checkDone`
 * says so: the cleaner is stopping, the log was closed, truncated or deleted meanwhile. A group
 * whose old segments were deleted meanwhile (retention, DeleteRecords) is not swapped in.
 */
import { performance } from 'node:perf_hooks';
import { BATCH_HEADER_SIZE, BatchHeader, LOG_OVERHEAD, MAGIC, BATCH_LENGTH } from '../../protocol/records/batch-header.js';
import { CorruptRecordError } from '../../protocol/records/errors.js';
import { CLEANED_FILE_SUFFIX } from '../file-names.js';
import type { StorageFs } from '../fs/storage-fs.js';
import { noopLogger, type Logger } from '../logger.js';
import type { PartitionLog } from '../partition-log.js';
import { LogSegment, type SegmentContext } from '../segment.js';
import { filterBatch, newCleanerStats, recordsOf, type CleanerStats, type FilterContext, type LastRecord } from './batch-filter.js';
import { OffsetMap } from './offset-map.js';
import { newRecordCursor, RecordScanner } from './record-scan.js';
import { TimeSlicer } from './time-slicer.js';
import { CleanedTransactionMetadata, type AbortedTxn } from './transaction-metadata.js';

const INT32_MAX = 0x7fffffff;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

export class CleaningAbortedError extends Error {
  override name = 'CleaningAbortedError';
}

/** The per-log settings the cleaner reads (topic configs in ms and bytes). */
export interface CleanerLogConfig {
  deleteRetentionMs: number;
  maxMessageBytes: number;
}

export interface LogToClean {
  log: PartitionLog;
  config: CleanerLogConfig;
  firstDirtyOffset: bigint;
  /** A segment base offset: nothing at or above it is cleaned (active segment, LSO, compaction lag). */
  firstUncleanableOffset: bigint;
}

export interface CleanResult {
  /** The new first dirty offset (the cleaner checkpoint). */
  endOffset: bigint;
  stats: CleanerStats;
  /** Groups swapped in. */
  groupsCleaned: number;
  /** Longest synchronous stretch of the cleaning, in ms (wall time; CPU time below). */
  longestSliceMs: number;
  longestSliceCpuMs: number;
  elapsedMs: number;
  mapUtilization: number;
}

export interface CleanerOptions {
  fs: StorageFs;
  logger?: Logger;
  /** log.cleaner.dedupe.buffer.size per cleaner (24 bytes per key). */
  dedupeBufferBytes: number;
  /** log.cleaner.io.buffer.load.factor. */
  loadFactor: number;
  /** Read chunk (log.cleaner.io.buffer.size / 2, as Kafka splits it into read and write buffers). */
  ioBufferBytes?: number;
  /** log.cleaner.io.max.bytes.per.second (Infinity: no throttle). */
  maxBytesPerSecond?: number;
  /** Budget of one synchronous slice, ms. */
  sliceBudgetMs?: number;
  /** Throws CleaningAbortedError when the cleaning of this log must stop. */
  checkDone: (log: PartitionLog) => void;
  /** Active producers' last data offsets (ProducerStateManager), kept as empty batches if need be. */
  lastRecordsOfActiveProducers?: (log: PartitionLog) => ReadonlyMap<bigint, LastRecord>;
  /** The transaction index hook (see transaction-metadata.ts); absent: nothing is treated as aborted. */
  abortedTransactions?: (log: PartitionLog, from: bigint, to: bigint) => readonly AbortedTxn[];
}

/** Reads whole batches of a segment sequentially, one positional read per chunk. */
class SegmentBatchReader {
  private chunk: Buffer;
  private chunkStart = 0;
  private chunkLength = 0;
  private pos: number;
  bytesRead = 0;

  constructor(
    private readonly fs: StorageFs,
    private readonly segment: LogSegment,
    start: number,
    chunkSize: number,
  ) {
    this.pos = start;
    this.chunk = Buffer.allocUnsafe(chunkSize);
  }

  get position(): number {
    return this.pos;
  }

  /** The next whole batch (a view valid until the next call), or null at the end of the segment. */
  next(): Buffer | null {
    const end = this.segment.size;
    if (this.pos >= end) return null;
    if (!this.cover(LOG_OVERHEAD + 5, end)) {
      throw new CorruptRecordError(`segment ${this.segment.logPath} ends with ${end - this.pos} bytes, less than a batch header`);
    }
    let at = this.pos - this.chunkStart;
    const size = LOG_OVERHEAD + this.chunk.readInt32BE(at + BATCH_LENGTH);
    const magic = this.chunk.readInt8(at + MAGIC);
    if (magic !== 2 || size < BATCH_HEADER_SIZE) throw new CorruptRecordError(`invalid batch (magic ${magic}, size ${size}) at position ${this.pos} of ${this.segment.logPath}`);
    if (size > end - this.pos) throw new CorruptRecordError(`batch of ${size} bytes at position ${this.pos} runs past the end of ${this.segment.logPath}`);
    if (!this.cover(size, end)) throw new CorruptRecordError(`short read at position ${this.pos} of ${this.segment.logPath}`);
    at = this.pos - this.chunkStart;
    this.pos += size;
    return this.chunk.subarray(at, at + size);
  }

  /** Makes the chunk hold [pos, pos + n). */
  private cover(n: number, end: number): boolean {
    if (this.pos >= this.chunkStart && this.pos + n <= this.chunkStart + this.chunkLength) return true;
    if (n > this.chunk.length) this.chunk = Buffer.allocUnsafe(Math.max(n, this.chunk.length * 2));
    const want = Math.min(this.chunk.length, end - this.pos);
    if (want < n) return false;
    this.chunkStart = this.pos;
    this.chunkLength = this.fs.pread(this.segment.fileDescriptor, this.chunk, 0, want, this.pos);
    this.bytesRead += this.chunkLength;
    return this.chunkLength >= n;
  }
}

/** Kafka's Throttler, simplified: sleeps when the combined I/O rate exceeds the limit. */
class Throttler {
  private periodStart = performance.now();
  private bytes = 0;

  constructor(private readonly maxBytesPerSecond: number) {}

  async maybeThrottle(bytes: number, slicer: TimeSlicer): Promise<void> {
    if (!Number.isFinite(this.maxBytesPerSecond) || this.maxBytesPerSecond <= 0) return;
    this.bytes += bytes;
    const elapsedMs = performance.now() - this.periodStart;
    const neededMs = (this.bytes / this.maxBytesPerSecond) * 1000;
    if (neededMs > elapsedMs) await slicer.around(new Promise<void>((r) => setTimeout(r, neededMs - elapsedMs)));
    if (elapsedMs > 300) {
      this.periodStart = performance.now();
      this.bytes = 0;
    }
  }
}

function segmentsBetween(log: PartitionLog, from: bigint, to: bigint): LogSegment[] {
  const all = log.logSegments();
  const out: LogSegment[] = [];
  for (let i = 0; i < all.length; i++) {
    const s = all[i]!;
    const next = all[i + 1];
    if (s.baseOffset >= to) break;
    if (next && next.baseOffset <= from) continue;
    out.push(s);
  }
  return out;
}

/**
 * Kafka's Cleaner.groupSegmentsBySize: consecutive segments whose total log size fits maxSize,
 * whose index sizes fit maxIndexSize, and whose offsets stay within an int32 of the group's base.
 */
export function groupSegmentsBySize(segments: readonly LogSegment[], maxSize: number, maxIndexSize: number, firstUncleanableOffset: bigint): LogSegment[][] {
  const grouped: LogSegment[][] = [];
  let rest = [...segments];
  while (rest.length > 0) {
    const group = [rest[0]!];
    let logSize = rest[0]!.size;
    let indexSize = rest[0]!.offsetIndex.sizeInBytes;
    let timeIndexSize = rest[0]!.timeIndex.sizeInBytes;
    rest = rest.slice(1);
    while (rest.length > 0) {
      const next = rest[0]!;
      const lastOffsetOfNext = rest.length > 1 ? rest[1]!.baseOffset - 1n : firstUncleanableOffset - 1n;
      const fits =
        logSize + next.size <= maxSize &&
        indexSize + next.offsetIndex.sizeInBytes <= maxIndexSize &&
        timeIndexSize + next.timeIndex.sizeInBytes <= maxIndexSize &&
        (next.size === 0 || lastOffsetOfNext - group[0]!.baseOffset <= BigInt(INT32_MAX));
      if (!fits) break;
      group.push(next);
      logSize += next.size;
      indexSize += next.offsetIndex.sizeInBytes;
      timeIndexSize += next.timeIndex.sizeInBytes;
      rest = rest.slice(1);
    }
    grouped.push(group);
  }
  return grouped;
}

export class Cleaner {
  private readonly logger: Logger;
  private readonly ioBufferBytes: number;

  constructor(private readonly opts: CleanerOptions) {
    this.logger = opts.logger ?? noopLogger;
    this.ioBufferBytes = opts.ioBufferBytes ?? 256 * 1024;
  }

  private maxDecompressedBytes(config: CleanerLogConfig): number {
    return Math.max(config.maxMessageBytes * 64, 64 * 1024 * 1024);
  }

  /** Cleans the log; throws CleaningAbortedError when abandoned. */
  async clean(ltc: LogToClean, nowMs: number): Promise<CleanResult> {
    const started = performance.now();
    const { log } = ltc;
    if (log.logEndOffset > MAX_SAFE) throw new RangeError(`log ${log.dir} has offsets beyond 2^53, which the cleaner does not handle`);
    const slicer = new TimeSlicer(this.opts.sliceBudgetMs ?? 4);
    const stats = newCleanerStats();
    const throttler = new Throttler(this.opts.maxBytesPerSecond ?? Infinity);
    this.logger.info({ topicPartition: log.topicPartition, firstDirtyOffset: String(ltc.firstDirtyOffset), firstUncleanableOffset: String(ltc.firstUncleanableOffset) }, 'beginning cleaning of log');

    const map = await this.buildOffsetMap(ltc, slicer, stats, throttler);
    const endOffset = BigInt(map.latestOffset + 1);
    const groups = groupSegmentsBySize(
      segmentsBetween(log, 0n, endOffset).filter((s) => s.baseOffset < endOffset),
      log.config.segmentBytes,
      log.config.segmentIndexBytes,
      ltc.firstUncleanableOffset,
    );
    const txn = this.newTransactionMetadata();
    const ctx: FilterContext = {
      map,
      nowMs,
      deleteRetentionMs: ltc.config.deleteRetentionMs,
      txn,
      lastRecordsOfActiveProducers: this.opts.lastRecordsOfActiveProducers?.(log) ?? new Map(),
      upperBoundOffset: ltc.firstUncleanableOffset,
      maxDecompressedBytes: this.maxDecompressedBytes(ltc.config),
      slicer,
      stats,
    };
    let groupsCleaned = 0;
    for (const group of groups) {
      if (await this.cleanSegments(log, group, ctx, throttler)) groupsCleaned++;
    }
    slicer.pause();
    const result: CleanResult = {
      endOffset,
      stats,
      groupsCleaned,
      longestSliceMs: slicer.longestSliceMs,
      longestSliceCpuMs: slicer.longestSliceCpuMs,
      elapsedMs: performance.now() - started,
      mapUtilization: map.utilization,
    };
    this.logger.info(
      {
        topicPartition: log.topicPartition,
        endOffset: String(endOffset),
        groups: groupsCleaned,
        bytesRead: stats.bytesRead,
        bytesWritten: stats.bytesWritten,
        messagesRead: stats.messagesRead,
        messagesWritten: stats.messagesWritten,
        elapsedMs: Math.round(result.elapsedMs),
        longestSliceMs: Number(result.longestSliceMs.toFixed(2)),
      },
      'log cleaned',
    );
    return result;
  }

  private newTransactionMetadata(): CleanedTransactionMetadata {
    return new CleanedTransactionMetadata(this.opts.abortedTransactions !== undefined);
  }

  private check(log: PartitionLog, segment?: LogSegment): void {
    this.opts.checkDone(log);
    if (log.isClosed || (segment && segment.isClosed)) throw new CleaningAbortedError(`log ${log.dir} changed during cleaning`);
  }

  /** Kafka's Cleaner.buildOffsetMap. */
  private async buildOffsetMap(ltc: LogToClean, slicer: TimeSlicer, stats: CleanerStats, throttler: Throttler): Promise<OffsetMap> {
    const { log } = ltc;
    const start = ltc.firstDirtyOffset;
    const end = ltc.firstUncleanableOffset;
    const dirty = segmentsBetween(log, start, end);
    const loadFactor = this.opts.loadFactor;
    const map = new OffsetMap(OffsetMap.slotsFor(this.opts.dedupeBufferBytes));
    const maxDesiredMapSize = Math.floor(map.maxSlots * loadFactor);
    const yieldIfDue = async () => {
      if (slicer.due()) await slicer.yield();
    };
    if (maxDesiredMapSize < 1) throw new RangeError('the offset map cannot hold a single key: increase log.cleaner.dedupe.buffer.size');
    const txn = this.newTransactionMetadata();
    if (this.opts.abortedTransactions) txn.addAbortedTransactions(this.opts.abortedTransactions(log, start, end));
    const maxDecompressed = this.maxDecompressedBytes(ltc.config);
    const cursor = newRecordCursor();
    const startNum = Number(start);
    for (let i = 0; i < dirty.length; i++) {
      const segment = dirty[i]!;
      const nextSegmentStart = i + 1 < dirty.length ? dirty[i + 1]!.baseOffset : end;
      this.check(log, segment);
      const reader = new SegmentBatchReader(this.opts.fs, segment, segment.offsetIndex.lookup(start).position, this.ioBufferBytes);
      for (;;) {
        this.check(log, segment);
        const batch = reader.next();
        if (batch === null) break;
        const h = new BatchHeader(batch);
        const count = h.recordsCount;
        if (h.isControl) {
          const type = count > 0 ? controlType(await recordsOf(batch, h, maxDecompressed, slicer), count) : null;
          txn.onControlBatchRead(h, type);
          stats.mapMessagesRead += 1;
        } else if (txn.onBatchRead(h)) {
          stats.mapMessagesRead += count;
        } else if (count > 0 && h.lastOffset >= start) {
          const recs = await recordsOf(batch, h, maxDecompressed, slicer);
          this.check(log, segment);
          const base = Number(h.baseOffset);
          const scanner = new RecordScanner(recs, 0, recs.length, count);
          let n = 0;
          while (scanner.next(cursor)) {
            const offset = base + cursor.offsetDelta;
            if (cursor.keyLength >= 0 && offset >= startNum) {
              if (map.size >= maxDesiredMapSize) {
                this.logger.debug({ topicPartition: log.topicPartition, segment: String(segment.baseOffset) }, 'offset map is full');
                return map;
              }
              if (map.needsGrowth(loadFactor)) {
                await map.grow(yieldIfDue);
                this.check(log, segment);
              }
              map.put(recs, cursor.keyStart, cursor.keyLength, offset);
            }
            stats.mapMessagesRead++;
            if (++n % 128 === 0 && slicer.due()) {
              await slicer.yield();
              this.check(log, segment);
            }
          }
        }
        if (h.lastOffset >= start) map.updateLatestOffset(Number(h.lastOffset));
        stats.mapBytesRead += batch.length;
        if (slicer.due()) await slicer.yield();
      }
      await throttler.maybeThrottle(reader.bytesRead, slicer);
      map.updateLatestOffset(Number(nextSegmentStart) - 1);
    }
    return map;
  }

  private segmentContext(log: PartitionLog): SegmentContext {
    return {
      fs: this.opts.fs,
      dir: log.dir,
      clock: Date.now,
      logger: this.logger,
      config: { indexIntervalBytes: log.config.indexIntervalBytes, segmentIndexBytes: log.config.segmentIndexBytes, rollJitterMs: 0 },
    };
  }

  /** Kafka's Cleaner.cleanSegments: one group into one new segment; false when not swapped in. */
  private async cleanSegments(log: PartitionLog, group: readonly LogSegment[], ctx: FilterContext, throttler: Throttler): Promise<boolean> {
    this.check(log);
    const cleaned = LogSegment.create(this.segmentContext(log), group[0]!.baseOffset, CLEANED_FILE_SUFFIX);
    try {
      for (let i = 0; i < group.length; i++) {
        const segment = group[i]!;
        if (this.opts.abortedTransactions) {
          const upper = i + 1 < group.length ? group[i + 1]!.baseOffset : segment.readNextOffset();
          ctx.txn.addAbortedTransactions(this.opts.abortedTransactions(log, segment.baseOffset, upper));
        }
        this.check(log, segment);
        const reader = new SegmentBatchReader(this.opts.fs, segment, 0, this.ioBufferBytes);
        for (;;) {
          this.check(log, segment);
          const batch = reader.next();
          if (batch === null) break;
          const out = await filterBatch(batch, ctx);
          // The batch view is only valid until the next read: write it out now.
          if (out) cleaned.append(out.bytes, out.lastOffset, out.maxTimestamp, out.lastOffset);
          if (ctx.slicer.due()) await ctx.slicer.yield();
        }
        await throttler.maybeThrottle(reader.bytesRead + cleaned.size, ctx.slicer);
      }
      cleaned.onBecomeInactiveSegment();
      const synced = await ctx.slicer.around(cleaned.flushAsync());
      this.check(log);
      if (!synced) throw new CleaningAbortedError('cleaned segment closed before it was synced');
      if (!log.replaceSegments(cleaned, group)) {
        this.logger.info({ topicPartition: log.topicPartition, segment: String(cleaned.baseOffset) }, 'segments changed during cleaning, not swapping in');
        cleaned.deleteIfExists();
        return false;
      }
      this.logger.debug(
        { topicPartition: log.topicPartition, cleaned: String(cleaned.baseOffset), size: cleaned.size, replaced: group.map((s) => String(s.baseOffset)) },
        'swapped in cleaned segment',
      );
      return true;
    } catch (err) {
      try {
        cleaned.deleteIfExists();
      } catch {
        /* the original error matters more */
      }
      throw err;
    }
  }
}

function controlType(records: Buffer, count: number): number | null {
  const scanner = new RecordScanner(records, 0, records.length, count);
  const c = newRecordCursor();
  if (!scanner.next(c) || c.keyLength < 4) return null;
  return records.readInt16BE(c.keyStart + 2);
}

export type { LastRecord } from './batch-filter.js';
