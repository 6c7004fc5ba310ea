/**
 * Building v2 record batches (layouts in batch-header.ts and record.ts), as Java's
 * MemoryRecordsBuilder does: baseTimestamp is the first record's timestamp, maxTimestamp the
 * largest record timestamp (CreateTime) or the append time (LogAppendTime), lastOffsetDelta the
 * largest offsetDelta, and the CRC-32C covers attributes..end. Records are sized exactly first
 * and written once into one Buffer; a compressed batch compresses that records section.
 * An empty record list gives a header-only, uncompressed batch (Java's writeEmptyHeader).
 */
import { crc32c } from '../crc32c.js';
import {
  ATTRIBUTES,
  BASE_OFFSET,
  BASE_SEQUENCE,
  BASE_TIMESTAMP,
  BATCH_HEADER_SIZE,
  BATCH_LENGTH,
  COMPRESSION_MASK,
  CompressionType,
  CONTROL_MASK,
  CRC,
  CURRENT_MAGIC,
  LAST_OFFSET_DELTA,
  LOG_OVERHEAD,
  MAGIC,
  MAX_TIMESTAMP,
  NO_PARTITION_LEADER_EPOCH,
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  NO_SEQUENCE,
  NO_TIMESTAMP,
  PARTITION_LEADER_EPOCH,
  PRODUCER_EPOCH,
  PRODUCER_ID,
  RECORDS_COUNT,
  TIMESTAMP_TYPE_MASK,
  TimestampType,
  TRANSACTIONAL_MASK,
} from './batch-header.js';
import { compress, compressSync } from './compression/index.js';
import type { RecordHeader } from './record.js';
import { sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from './varint.js';

export interface RecordInput {
  key?: Buffer | null;
  value?: Buffer | null;
  headers?: readonly RecordHeader[];
  /** Defaults to the batch's defaultTimestamp. */
  timestamp?: bigint;
  /** Defaults to the record's index in the list. */
  offsetDelta?: number;
}

export interface BuildBatchOptions {
  records: readonly RecordInput[];
  baseOffset?: bigint;
  compression?: CompressionType;
  /** Passed to the codec; only gzip honours it. */
  compressionLevel?: number;
  producerId?: bigint;
  producerEpoch?: number;
  baseSequence?: number;
  isTransactional?: boolean;
  isControl?: boolean;
  partitionLeaderEpoch?: number;
  timestampType?: TimestampType;
  /** maxTimestamp of a LogAppendTime batch; defaults to defaultTimestamp. */
  logAppendTime?: bigint;
  /** Timestamp for records that carry none; defaults to the current time. */
  defaultTimestamp?: bigint;
  /** lastOffsetDelta of an empty batch (compaction keeps it); default 0. */
  lastOffsetDelta?: number;
}

interface EncodedRecords {
  bytes: Buffer;
  count: number;
  baseTimestamp: bigint;
  maxTimestamp: bigint;
  lastOffsetDelta: number;
}

function sizeOfBytes(b: Buffer | null | undefined): number {
  return b == null ? 1 : sizeOfVarint(b.length) + b.length;
}

function writeBytes(out: Buffer, pos: number, b: Buffer | null | undefined): number {
  if (b == null) return writeVarint(out, pos, -1);
  pos = writeVarint(out, pos, b.length);
  return pos + b.copy(out, pos);
}

/** Encodes the records section at `offset` of a new Buffer of offset + size bytes. */
function encodeRecords(options: BuildBatchOptions, offset: number): EncodedRecords {
  const records = options.records;
  const n = records.length;
  const defaultTimestamp = options.defaultTimestamp ?? BigInt(Date.now());
  const baseTimestamp = n === 0 ? NO_TIMESTAMP : (records[0]!.timestamp ?? defaultTimestamp);
  let maxTimestamp = NO_TIMESTAMP;
  let lastOffsetDelta = n === 0 ? (options.lastOffsetDelta ?? 0) : 0;
  const timestampDeltas: bigint[] = new Array<bigint>(n);
  const bodySizes: number[] = new Array<number>(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    const timestamp = r.timestamp ?? defaultTimestamp;
    if (timestamp > maxTimestamp) maxTimestamp = timestamp;
    const offsetDelta = r.offsetDelta ?? i;
    if (offsetDelta > lastOffsetDelta) lastOffsetDelta = offsetDelta;
    const timestampDelta = timestamp - baseTimestamp;
    timestampDeltas[i] = timestampDelta;
    let body = 1 + sizeOfVarlong(timestampDelta) + sizeOfVarint(offsetDelta) + sizeOfBytes(r.key) + sizeOfBytes(r.value);
    const headers = r.headers ?? [];
    body += sizeOfVarint(headers.length);
    for (const h of headers) {
      const keyLength = Buffer.byteLength(h.key, 'utf8');
      body += sizeOfVarint(keyLength) + keyLength + sizeOfBytes(h.value);
    }
    bodySizes[i] = body;
    total += sizeOfVarint(body) + body;
  }

  const out = Buffer.allocUnsafe(offset + total);
  let pos = offset;
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    pos = writeVarint(out, pos, bodySizes[i]!);
    out[pos++] = 0;
    pos = writeVarlong(out, pos, timestampDeltas[i]!);
    pos = writeVarint(out, pos, r.offsetDelta ?? i);
    pos = writeBytes(out, pos, r.key);
    pos = writeBytes(out, pos, r.value);
    const headers = r.headers ?? [];
    pos = writeVarint(out, pos, headers.length);
    for (const h of headers) {
      pos = writeVarint(out, pos, Buffer.byteLength(h.key, 'utf8'));
      pos += out.write(h.key, pos, 'utf8');
      pos = writeBytes(out, pos, h.value);
    }
  }
  return { bytes: out, count: n, baseTimestamp, maxTimestamp, lastOffsetDelta };
}

function attributesOf(options: BuildBatchOptions, compression: CompressionType): number {
  let attributes = compression & COMPRESSION_MASK;
  if (options.timestampType === TimestampType.LogAppendTime) attributes |= TIMESTAMP_TYPE_MASK;
  if (options.isTransactional) attributes |= TRANSACTIONAL_MASK;
  if (options.isControl) attributes |= CONTROL_MASK;
  return attributes;
}

/** Fills the 61-byte header of `out` (whose length is the whole batch) and its CRC. */
function writeHeader(out: Buffer, options: BuildBatchOptions, encoded: EncodedRecords, compression: CompressionType): Buffer {
  const logAppend = options.timestampType === TimestampType.LogAppendTime;
  const maxTimestamp = logAppend
    ? (options.logAppendTime ?? options.defaultTimestamp ?? BigInt(Date.now()))
    : encoded.maxTimestamp;
  out.writeBigInt64BE(options.baseOffset ?? 0n, BASE_OFFSET);
  out.writeInt32BE(out.length - LOG_OVERHEAD, BATCH_LENGTH);
  out.writeInt32BE(options.partitionLeaderEpoch ?? NO_PARTITION_LEADER_EPOCH, PARTITION_LEADER_EPOCH);
  out.writeInt8(CURRENT_MAGIC, MAGIC);
  out.writeInt16BE(attributesOf(options, compression), ATTRIBUTES);
  out.writeInt32BE(encoded.lastOffsetDelta, LAST_OFFSET_DELTA);
  out.writeBigInt64BE(encoded.baseTimestamp, BASE_TIMESTAMP);
  out.writeBigInt64BE(maxTimestamp, MAX_TIMESTAMP);
  out.writeBigInt64BE(options.producerId ?? NO_PRODUCER_ID, PRODUCER_ID);
  out.writeInt16BE(options.producerEpoch ?? NO_PRODUCER_EPOCH, PRODUCER_EPOCH);
  out.writeInt32BE(options.baseSequence ?? NO_SEQUENCE, BASE_SEQUENCE);
  out.writeInt32BE(encoded.count, RECORDS_COUNT);
  out.writeUInt32BE(crc32c(out, ATTRIBUTES), CRC);
  return out;
}

function compressionOf(options: BuildBatchOptions): CompressionType {
  return options.records.length === 0 ? CompressionType.None : (options.compression ?? CompressionType.None);
}

function withCompressedRecords(compressed: Buffer): Buffer {
  const out = Buffer.allocUnsafe(BATCH_HEADER_SIZE + compressed.length);
  compressed.copy(out, BATCH_HEADER_SIZE);
  return out;
}

/** Builds a batch; compressed batches are compressed off the calling thread where the codec allows. */
export async function buildRecordBatch(options: BuildBatchOptions): Promise<Buffer> {
  const compression = compressionOf(options);
  if (compression === CompressionType.None) return buildRecordBatchSync(options);
  const encoded = encodeRecords(options, 0);
  const compressed = await compress(compression, encoded.bytes, options.compressionLevel);
  return writeHeader(withCompressedRecords(compressed), options, encoded, compression);
}

/** Builds a batch on the calling thread (any codec but zstd, which throws RangeError). */
export function buildRecordBatchSync(options: BuildBatchOptions): Buffer {
  const compression = compressionOf(options);
  if (compression === CompressionType.None) {
    const encoded = encodeRecords(options, BATCH_HEADER_SIZE);
    return writeHeader(encoded.bytes, options, encoded, compression);
  }
  const encoded = encodeRecords(options, 0);
  const compressed = compressSync(compression, encoded.bytes, options.compressionLevel);
  return writeHeader(withCompressedRecords(compressed), options, encoded, compression);
}
