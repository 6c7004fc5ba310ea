/**
 * Legacy message sets (magic 0 and 1, before Kafka 0.11), read only so the broker can recognise
 * them and answer with the right error. Each entry:
 *
 *   offset int64 | messageSize int32 | crc uint32 (CRC-32 of magic..end) | magic int8
 *   attributes int8 (bits 0-2 codec, bit 3 timestamp type, v1 only)
 *   timestamp int64 (magic 1 only) | keyLength int32 (-1 = null) | key | valueLength int32 | value
 *
 * A compressed entry's value is a whole inner message set compressed with the codec; it is
 * returned as is (not decompressed). Framing errors throw CorruptRecordError; a CRC mismatch is
 * reported in `crcValid`, as Java's LegacyRecord.isValid() would.
 */
import { COMPRESSION_MASK, CompressionType, LOG_OVERHEAD, TIMESTAMP_TYPE_MASK, TimestampType } from './batch-header.js';
import { nextBatchSize } from './batch-iterator.js';
import { crc32 } from './crc32.js';
import { CorruptRecordError } from './errors.js';

export interface LegacyEntry {
  offset: bigint;
  magic: 0 | 1;
  attributes: number;
  compression: CompressionType;
  /** null for magic 0, which has no timestamp. */
  timestampType: TimestampType | null;
  timestamp: bigint | null;
  key: Buffer | null;
  value: Buffer | null;
  crc: number;
  crcValid: boolean;
  /** Bytes of the whole entry, offset and size fields included. */
  sizeInBytes: number;
}

const CRC_OFFSET = 0;
const MAGIC_OFFSET = 4;
const ATTRIBUTES_OFFSET = 5;
const TIMESTAMP_OFFSET = 6;
/** LegacyRecord.RECORD_OVERHEAD_V0 / _V1: crc, magic, attributes, [timestamp], key and value lengths. */
const RECORD_OVERHEAD = [14, 22] as const;

/** Decodes the legacy entry that fills buf[pos, pos + size). */
export function readLegacyEntry(buf: Buffer, pos: number, size: number): LegacyEntry {
  const start = pos + LOG_OVERHEAD;
  const end = pos + size;
  const magic = buf.readInt8(start + MAGIC_OFFSET);
  if (magic !== 0 && magic !== 1) throw new CorruptRecordError(`expected a legacy message (magic 0 or 1), found magic ${magic}`);
  if (end - start < RECORD_OVERHEAD[magic]) {
    throw new CorruptRecordError(`legacy message of ${end - start} bytes is shorter than its ${RECORD_OVERHEAD[magic]}-byte overhead`);
  }
  const attributes = buf.readInt8(start + ATTRIBUTES_OFFSET);
  let p = start + TIMESTAMP_OFFSET;
  let timestamp: bigint | null = null;
  if (magic === 1) {
    timestamp = buf.readBigInt64BE(p);
    p += 8;
  }
  const key = readBytes(buf, p, end);
  p += 4 + (key?.length ?? 0);
  const value = readBytes(buf, p, end);
  p += 4 + (value?.length ?? 0);
  if (p !== end) throw new CorruptRecordError(`legacy message has ${end - p} bytes after its value`);
  const crc = buf.readUInt32BE(start + CRC_OFFSET);
  return {
    offset: buf.readBigInt64BE(pos),
    magic,
    attributes,
    compression: attributes & COMPRESSION_MASK,
    timestampType: magic === 0 ? null : attributes & TIMESTAMP_TYPE_MASK ? TimestampType.LogAppendTime : TimestampType.CreateTime,
    timestamp,
    key,
    value,
    crc,
    crcValid: crc === crc32(buf, start + MAGIC_OFFSET, end),
    sizeInBytes: size,
  };
}

function readBytes(buf: Buffer, pos: number, end: number): Buffer | null {
  if (end - pos < 4) throw new CorruptRecordError('legacy message truncated before a length field');
  const length = buf.readInt32BE(pos);
  if (length < 0) return null;
  if (length > end - pos - 4) throw new CorruptRecordError(`legacy message field of ${length} bytes exceeds the message`);
  return buf.subarray(pos + 4, pos + 4 + length);
}

/** Iterates the entries of a legacy message set; stops at a truncated trailing entry. */
export class LegacyEntryIterator implements IterableIterator<LegacyEntry> {
  private pos: number;
  /** Set when iteration ends: bytes at the end that do not form a whole entry. */
  trailingBytes = 0;

  constructor(
    private readonly buf: Buffer,
    start = 0,
    private readonly end = buf.length,
  ) {
    this.pos = start;
  }

  [Symbol.iterator](): LegacyEntryIterator {
    return this;
  }

  next(): IteratorResult<LegacyEntry, undefined> {
    const size = nextBatchSize(this.buf, this.pos, this.end);
    if (size === null) {
      this.trailingBytes = this.end - this.pos;
      this.pos = this.end;
      return { done: true, value: undefined };
    }
    const entry = readLegacyEntry(this.buf, this.pos, size);
    this.pos += size;
    return { done: false, value: entry };
  }
}

export function iterateLegacyEntries(buf: Buffer, start = 0, end = buf.length): LegacyEntryIterator {
  return new LegacyEntryIterator(buf, start, end);
}
