/**
 * Cleaning one record batch: Kafka's MemoryRecords.filterTo with the cleaner's RecordFilter
 * (Cleaner.cleanInto, checkBatchRetention, shouldRetainRecord). The outcome for a batch is one of
 *   - dropped (every record superseded, nothing to preserve);
 *   - the original bytes, untouched (every record kept and no delete horizon to set);
 *   - a rebuilt batch with the kept records: same base offset, lastOffsetDelta, producer id, epoch
 *     and base sequence, partition leader epoch, timestamp type, transactional and control flags,
 *     and the same codec (recompressed at the codec's default level, as Kafka does); records keep
 *     their original offsets (offset deltas are unchanged);
 *   - an empty batch (header only, no records) that keeps the offsets and producer fields, when the
 *     batch is the last one of an active producer (its sequence and epoch must survive, for
 *     idempotence and fencing) or the last batch before the end of the cleaning round.
 *
 * Tombstones (null values) and markers of empty transactions are removed in two passes (KIP-534):
 * the first pass that keeps them rebuilds their batch with the delete horizon (now +
 * delete.retention.ms) in baseTimestamp and attribute bit 6 (hasDeleteHorizonMs); a later pass
 * after that time drops them. The other records' timestamp deltas are rewritten relative to the
 * horizon so their timestamps do not change. Where Kafka resets baseTimestamp of a rebuilt batch
 * to its first kept record, this keeps the original baseTimestamp (record timestamps are the same
 * either way) so kept records are copied byte for byte.
 */
import { crc32c } from '../../protocol/crc32c.js';
import {
  ATTRIBUTES,
  BASE_OFFSET,
  BASE_SEQUENCE,
  BASE_TIMESTAMP,
  BATCH_HEADER_SIZE,
  BATCH_LENGTH,
  BatchHeader,
  COMPRESSION_MASK,
  CompressionType,
  CONTROL_MASK,
  CRC,
  CURRENT_MAGIC,
  DELETE_HORIZON_MASK,
  LAST_OFFSET_DELTA,
  LOG_OVERHEAD,
  MAGIC,
  MAX_TIMESTAMP,
  NO_TIMESTAMP,
  PARTITION_LEADER_EPOCH,
  PRODUCER_EPOCH,
  PRODUCER_ID,
  RECORDS,
  RECORDS_COUNT,
  TIMESTAMP_TYPE_MASK,
  TRANSACTIONAL_MASK,
} from '../../protocol/records/batch-header.js';
import { compress, compressSync, decompress, decompressSync } from '../../protocol/records/compression/index.js';
import { GZIP_SYNC_THRESHOLD_BYTES } from '../../protocol/records/compression/gzip.js';
import { sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from '../../protocol/records/varint.js';
import type { OffsetMap } from './offset-map.js';
import { newRecordCursor, RecordScanner } from './record-scan.js';
import type { TimeSlicer } from './time-slicer.js';
import type { CleanedTransactionMetadata } from './transaction-metadata.js';

/** Kafka's LastRecord: an active producer's last data offset (null: only a marker) and epoch. */
export interface LastRecord {
  lastDataOffset: bigint | null;
  producerEpoch: number;
}

export interface CleanerStats {
  messagesRead: number;
  bytesRead: number;
  messagesWritten: number;
  bytesWritten: number;
  invalidMessagesRead: number;
  /** Records the offset map was built from, and their bytes. */
  mapMessagesRead: number;
  mapBytesRead: number;
}

export function newCleanerStats(): CleanerStats {
  return { messagesRead: 0, bytesRead: 0, messagesWritten: 0, bytesWritten: 0, invalidMessagesRead: 0, mapMessagesRead: 0, mapBytesRead: 0 };
}

export interface FilterContext {
  map: OffsetMap;
  nowMs: number;
  deleteRetentionMs: number;
  txn: CleanedTransactionMetadata;
  lastRecordsOfActiveProducers: ReadonlyMap<bigint, LastRecord>;
  /** The first offset past this cleaning round (Kafka's upperBoundOffsetOfCleaningRound). */
  upperBoundOffset: bigint;
  maxDecompressedBytes: number;
  slicer: TimeSlicer;
  stats: CleanerStats;
}

export interface FilteredBatch {
  bytes: Buffer;
  lastOffset: bigint;
  maxTimestamp: bigint;
}

/** Records per check of the time slice inside a batch. */
const RECORDS_PER_CHECK = 128;

/** The (decompressed) records section of a batch; zstd and large gzip run on the thread pool. */
export async function recordsOf(batch: Buffer, header: BatchHeader, maxDecompressedBytes: number, slicer: TimeSlicer): Promise<Buffer> {
  const compression = header.compression;
  const size = header.sizeInBytes;
  if (compression === CompressionType.None || header.recordsCount === 0) return batch.subarray(RECORDS, size);
  const tail = batch.subarray(RECORDS, size);
  if (compression === CompressionType.Zstd || (compression === CompressionType.Gzip && tail.length > GZIP_SYNC_THRESHOLD_BYTES)) {
    return slicer.around(decompress(compression, tail, maxDecompressedBytes));
  }
  return decompressSync(compression, tail, maxDecompressedBytes);
}

/** Type of the first control record of a control batch, or null when it has none. */
function controlTypeOf(records: Buffer, count: number): number | null {
  if (count === 0) return null;
  const scanner = new RecordScanner(records, 0, records.length, count);
  const c = newRecordCursor();
  if (!scanner.next(c) || c.keyLength < 4) return null;
  return records.readInt16BE(c.keyStart + 2);
}

function isLastBatchOfActiveProducer(h: BatchHeader, lastRecords: ReadonlyMap<bigint, LastRecord>): boolean {
  const last = lastRecords.get(h.producerId);
  if (!last) return false;
  if (last.lastDataOffset !== null) return h.lastOffset === last.lastDataOffset;
  return h.isControl && h.producerEpoch === last.producerEpoch;
}

/** Kafka's writeEmptyHeader: no records, no compression, the batch's offsets and producer fields. */
export function emptyBatchOf(h: BatchHeader): Buffer {
  const out = Buffer.alloc(BATCH_HEADER_SIZE);
  const attributes = (h.isLogAppendTime ? TIMESTAMP_TYPE_MASK : 0) | (h.isTransactional ? TRANSACTIONAL_MASK : 0) | (h.isControl ? CONTROL_MASK : 0);
  out.writeBigInt64BE(h.baseOffset, BASE_OFFSET);
  out.writeInt32BE(BATCH_HEADER_SIZE - LOG_OVERHEAD, BATCH_LENGTH);
  out.writeInt32BE(h.partitionLeaderEpoch, PARTITION_LEADER_EPOCH);
  out.writeInt8(CURRENT_MAGIC, MAGIC);
  out.writeInt16BE(attributes, ATTRIBUTES);
  out.writeInt32BE(h.lastOffsetDelta, LAST_OFFSET_DELTA);
  out.writeBigInt64BE(NO_TIMESTAMP, BASE_TIMESTAMP);
  out.writeBigInt64BE(h.maxTimestamp, MAX_TIMESTAMP);
  out.writeBigInt64BE(h.producerId, PRODUCER_ID);
  out.writeInt16BE(h.producerEpoch, PRODUCER_EPOCH);
  out.writeInt32BE(h.baseSequence, BASE_SEQUENCE);
  out.writeInt32BE(0, RECORDS_COUNT);
  out.writeUInt32BE(crc32c(out, ATTRIBUTES), CRC);
  return out;
}

interface Kept {
  starts: number[];
  ends: number[];
  bodyRests: number[];
  attributes: number[];
  timestampDeltas: number[];
  offsetDeltas: number[];
}

/** The kept records' section: raw copies, or re-encoded with deltas relative to newBaseTimestamp. */
function keptRecords(records: Buffer, kept: Kept, oldBase: number, newBase: number): Buffer {
  const n = kept.starts.length;
  if (oldBase === newBase) {
    let total = 0;
    for (let i = 0; i < n; i++) total += kept.ends[i]! - kept.starts[i]!;
    const out = Buffer.allocUnsafe(total);
    let pos = 0;
    for (let i = 0; i < n; i++) pos += records.copy(out, pos, kept.starts[i]!, kept.ends[i]!);
    return out;
  }
  const deltas: bigint[] = new Array<bigint>(n);
  const bodySizes: number[] = new Array<number>(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const delta = BigInt(oldBase + kept.timestampDeltas[i]! - newBase);
    deltas[i] = delta;
    const body = 1 + sizeOfVarlong(delta) + sizeOfVarint(kept.offsetDeltas[i]!) + (kept.ends[i]! - kept.bodyRests[i]!);
    bodySizes[i] = body;
    total += sizeOfVarint(body) + body;
  }
  const out = Buffer.allocUnsafe(total);
  let pos = 0;
  for (let i = 0; i < n; i++) {
    pos = writeVarint(out, pos, bodySizes[i]!);
    out[pos++] = kept.attributes[i]!;
    pos = writeVarlong(out, pos, deltas[i]!);
    pos = writeVarint(out, pos, kept.offsetDeltas[i]!);
    pos += records.copy(out, pos, kept.bodyRests[i]!, kept.ends[i]!);
  }
  return out;
}

async function compressRecords(compression: CompressionType, records: Buffer, slicer: TimeSlicer): Promise<Buffer> {
  if (compression === CompressionType.None) return records;
  if (compression === CompressionType.Zstd || (compression === CompressionType.Gzip && records.length > GZIP_SYNC_THRESHOLD_BYTES)) {
    return slicer.around(compress(compression, records));
  }
  return compressSync(compression, records);
}

/**
 * Filters one batch (see the file comment). Calls the transaction metadata for every batch, in
 * log order, whatever the outcome. Null when the batch is dropped.
 */
export async function filterBatch(batch: Buffer, ctx: FilterContext): Promise<FilteredBatch | null> {
  const h = new BatchHeader(batch);
  const stats = ctx.stats;
  const count = h.recordsCount;
  stats.bytesRead += batch.length;
  const records = await recordsOf(batch, h, ctx.maxDecompressedBytes, ctx.slicer);

  // checkBatchRetention
  const canDiscardBatch = h.isControl ? ctx.txn.onControlBatchRead(h, controlTypeOf(records, count)) : ctx.txn.onBatchRead(h);
  const hasDeleteHorizon = h.hasDeleteHorizon;
  const deleteHorizonMs = hasDeleteHorizon ? Number(h.baseTimestamp) : -1;
  const discardBatchRecords = h.isControl ? canDiscardBatch && hasDeleteHorizon && deleteHorizonMs <= ctx.nowMs : canDiscardBatch;
  const lastOffset = h.lastOffset;
  let retainEmpty = false;
  if (h.producerId >= 0n && isLastBatchOfActiveProducer(h, ctx.lastRecordsOfActiveProducers)) retainEmpty = true;
  else if (lastOffset + 1n === ctx.upperBoundOffset) retainEmpty = true;
  else if (discardBatchRecords) {
    stats.messagesRead += count;
    return null;
  }
  const containsMarkerForEmptyTxn = canDiscardBatch && h.isControl;

  // shouldRetainRecord for each record
  const kept: Kept = { starts: [], ends: [], bodyRests: [], attributes: [], timestampDeltas: [], offsetDeltas: [] };
  let writeOriginal = true;
  let containsTombstones = false;
  if (count > 0) {
    const map = ctx.map;
    const latestOffset = map.latestOffset;
    const baseOffset = Number(h.baseOffset);
    const scanner = new RecordScanner(records, 0, records.length, count);
    const c = newRecordCursor();
    const retainDeletes = !hasDeleteHorizon || ctx.nowMs < deleteHorizonMs;
    let i = 0;
    while (scanner.next(c)) {
      stats.messagesRead++;
      let retain: boolean;
      if (discardBatchRecords) retain = false;
      else if (h.isControl) retain = true;
      else {
        const offset = baseOffset + c.offsetDelta;
        if (offset > latestOffset) retain = true;
        else if (c.keyLength >= 0) {
          const found = map.get(records, c.keyStart, c.keyLength);
          retain = offset >= found && (c.valueLength >= 0 || retainDeletes);
        } else {
          stats.invalidMessagesRead++;
          retain = false;
        }
      }
      if (retain) {
        kept.starts.push(c.start);
        kept.ends.push(c.end);
        kept.bodyRests.push(c.bodyRest);
        kept.attributes.push(c.attributes);
        kept.timestampDeltas.push(c.timestampDelta);
        kept.offsetDeltas.push(c.offsetDelta);
        if (c.valueLength < 0) containsTombstones = true;
      } else {
        writeOriginal = false;
      }
      if (++i % RECORDS_PER_CHECK === 0 && ctx.slicer.due()) await ctx.slicer.yield();
    }
  }

  const n = kept.starts.length;
  if (n === 0) {
    if (!retainEmpty) return null;
    const empty = emptyBatchOf(h);
    stats.bytesWritten += empty.length;
    return { bytes: empty, lastOffset, maxTimestamp: h.maxTimestamp };
  }
  stats.messagesWritten += n;
  const needToSetDeleteHorizon = (containsTombstones || containsMarkerForEmptyTxn) && !hasDeleteHorizon;
  if (writeOriginal && !needToSetDeleteHorizon) {
    stats.bytesWritten += batch.length;
    return { bytes: batch, lastOffset, maxTimestamp: h.maxTimestamp };
  }

  const oldBase = Number(h.baseTimestamp);
  const newBase = needToSetDeleteHorizon ? ctx.nowMs + ctx.deleteRetentionMs : oldBase;
  let maxTimestamp: bigint;
  if (h.isLogAppendTime) maxTimestamp = h.maxTimestamp;
  else {
    let max = -1;
    for (let i = 0; i < n; i++) {
      const ts = oldBase + kept.timestampDeltas[i]!;
      if (ts > max) max = ts;
    }
    maxTimestamp = BigInt(max);
  }
  const compression = h.compression;
  const section = await compressRecords(compression, keptRecords(records, kept, oldBase, newBase), ctx.slicer);
  const out = Buffer.allocUnsafe(BATCH_HEADER_SIZE + section.length);
  batch.copy(out, 0, 0, BATCH_HEADER_SIZE);
  section.copy(out, BATCH_HEADER_SIZE);
  let attributes = (h.attributes & ~COMPRESSION_MASK) | (compression & COMPRESSION_MASK);
  if (needToSetDeleteHorizon) attributes |= DELETE_HORIZON_MASK;
  out.writeInt32BE(out.length - LOG_OVERHEAD, BATCH_LENGTH);
  out.writeInt16BE(attributes, ATTRIBUTES);
  out.writeBigInt64BE(BigInt(newBase), BASE_TIMESTAMP);
  out.writeBigInt64BE(maxTimestamp, MAX_TIMESTAMP);
  out.writeInt32BE(n, RECORDS_COUNT);
  out.writeUInt32BE(crc32c(out, ATTRIBUTES), CRC);
  stats.bytesWritten += out.length;
  return { bytes: out, lastOffset, maxTimestamp };
}
