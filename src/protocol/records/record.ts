/**
 * Records inside a v2 batch (DefaultRecord), decoded lazily from the (decompressed) records bytes:
 *
 *   length varint (bytes after this field) | attributes int8 (unused, 0)
 *   timestampDelta varlong | offsetDelta varint
 *   keyLength varint (-1 = null) | key | valueLength varint (-1 = null) | value
 *   headersCount varint | headers: keyLength varint, key UTF-8 (never null),
 *                                  valueLength varint (-1 = null), value
 *
 * All varints are zig-zag. offset = baseOffset + offsetDelta; timestamp = baseTimestamp +
 * timestampDelta, or the batch maxTimestamp under LogAppendTime; sequence = baseSequence +
 * offsetDelta wrapping past Int32.MAX_VALUE to 0, or -1 without a producer sequence.
 * Keys, values and header values are zero-copy slices of the records buffer.
 *
 * The checks are those of Java's DefaultRecord.readFrom and DefaultRecordBatch.RecordIterator:
 * a record may not read past its own length, must use all of it, header counts are bounded by the
 * bytes left, and after the declared number of records no bytes may remain. Violations throw
 * CorruptRecordError with Java's message (Kafka answers INVALID_RECORD for them).
 */
import { NO_SEQUENCE } from './batch-header.js';
import { CorruptRecordError } from './errors.js';

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

export interface KafkaRecord {
  offset: bigint;
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
  /** The record's attribute byte (unused by Kafka, always 0 from real clients). */
  attributes: number;
  /** baseSequence + offsetDelta with Kafka's wrap-around, or -1. */
  sequence: number;
  offsetDelta: number;
  timestampDelta: bigint;
  /** Bytes this record occupies, its length varint included. */
  sizeInBytes: number;
}

/** What a RecordIterator needs from the batch header. */
export interface RecordContext {
  baseOffset: bigint;
  baseTimestamp: bigint;
  /** The batch maxTimestamp when the batch uses LogAppendTime, else null. */
  logAppendTime: bigint | null;
  baseSequence: number;
  recordsCount: number;
}

const INT32_MAX = 0x7fffffff;

/** Java's DefaultRecordBatch.incrementSequence. */
export function incrementSequence(sequence: number, increment: number): number {
  if (sequence > INT32_MAX - increment) return increment - (INT32_MAX - sequence) - 1;
  return sequence + increment;
}

/**
 * Iterates the records of one batch over buf[start, end), which must hold exactly
 * `recordsCount` records (the uncompressed tail of the batch, or the decompressed stream).
 */
export class RecordIterator implements IterableIterator<KafkaRecord> {
  private pos: number;
  /** End of the record being decoded; reads never pass it. */
  private limit: number;
  private recordsRead = 0;

  constructor(
    private readonly buf: Buffer,
    start: number,
    private readonly end: number,
    private readonly context: RecordContext,
  ) {
    if (context.recordsCount < 0) throw new CorruptRecordError(`Found invalid record count ${context.recordsCount} in magic v2 batch`);
    this.pos = start;
    this.limit = end;
  }

  [Symbol.iterator](): RecordIterator {
    return this;
  }

  /** Records returned so far. */
  get count(): number {
    return this.recordsRead;
  }

  next(): IteratorResult<KafkaRecord, undefined> {
    if (this.recordsRead >= this.context.recordsCount) return { done: true, value: undefined };
    const record = this.readRecord();
    this.recordsRead++;
    if (this.recordsRead === this.context.recordsCount && this.pos !== this.end) {
      throw new CorruptRecordError('Incorrect declared batch size, records still remaining in file');
    }
    return { done: false, value: record };
  }

  /** Decodes every remaining record. */
  toArray(): KafkaRecord[] {
    const out: KafkaRecord[] = [];
    for (let r = this.next(); !r.done; r = this.next()) out.push(r.value);
    return out;
  }

  private readRecord(): KafkaRecord {
    const recordStart = this.pos;
    this.limit = this.end;
    const length = this.readVarint();
    if (length < 0 || length > this.end - this.pos) {
      throw new CorruptRecordError(
        `Invalid record size: expected ${length} bytes of record payload, but instead the buffer has only ${this.end - this.pos} remaining bytes.`,
      );
    }
    const bodyStart = this.pos;
    this.limit = bodyStart + length;
    this.need(1);
    const attributes = this.buf[this.pos++]!;
    const timestampDelta = this.readVarlong();
    const offsetDelta = this.readVarint();
    const key = this.readNullableBytes();
    const value = this.readNullableBytes();
    const headersCount = this.readVarint();
    if (headersCount < 0) throw new CorruptRecordError(`Found invalid number of record headers ${headersCount}`);
    if (headersCount > this.limit - this.pos) {
      throw new CorruptRecordError(
        `Found invalid number of record headers. ${headersCount} is larger than the remaining size of the buffer`,
      );
    }
    const headers: RecordHeader[] = [];
    for (let i = 0; i < headersCount; i++) {
      const keyLength = this.readVarint();
      if (keyLength < 0) throw new CorruptRecordError(`Invalid negative header key size ${keyLength}`);
      this.need(keyLength);
      const headerKey = this.buf.toString('utf8', this.pos, this.pos + keyLength);
      this.pos += keyLength;
      headers.push({ key: headerKey, value: this.readNullableBytes() });
    }
    if (this.pos !== this.limit) {
      throw new CorruptRecordError(
        `Invalid record size: expected to read ${length} bytes in record payload, but instead read ${this.pos - bodyStart}`,
      );
    }
    const ctx = this.context;
    return {
      offset: ctx.baseOffset + BigInt(offsetDelta),
      timestamp: ctx.logAppendTime ?? ctx.baseTimestamp + timestampDelta,
      key,
      value,
      headers,
      attributes,
      sequence: ctx.baseSequence === NO_SEQUENCE ? NO_SEQUENCE : incrementSequence(ctx.baseSequence, offsetDelta),
      offsetDelta,
      timestampDelta,
      sizeInBytes: this.pos - recordStart,
    };
  }

  private need(n: number): void {
    if (n > this.limit - this.pos) {
      throw new CorruptRecordError(
        this.limit === this.end
          ? 'Incorrect declared batch size, premature EOF reached'
          : `Invalid record size: a field needs ${n} bytes but the record has only ${this.limit - this.pos} left`,
      );
    }
  }

  private readNullableBytes(): Buffer | null {
    const length = this.readVarint();
    if (length < 0) return null;
    this.need(length);
    const slice = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return slice;
  }

  /** Zig-zag int32 varint, at most 5 bytes (Java's ByteUtils.readVarint). */
  private readVarint(): number {
    let raw = 0;
    for (let shift = 0; shift <= 28; shift += 7) {
      this.need(1);
      const b = this.buf[this.pos++]!;
      raw |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return (raw >>> 1) ^ -(raw & 1);
    }
    throw new CorruptRecordError('Varint is too long, the most significant bit in the 5th byte is set');
  }

  /** Zig-zag int64 varlong, at most 10 bytes; number arithmetic for the first 7 bytes. */
  private readVarlong(): bigint {
    let raw = 0;
    let multiplier = 1;
    for (let i = 0; i < 7; i++) {
      this.need(1);
      const b = this.buf[this.pos++]!;
      raw += (b & 0x7f) * multiplier;
      if ((b & 0x80) === 0) return BigInt(raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2);
      multiplier *= 0x80;
    }
    let big = BigInt(raw);
    for (let shift = 49n; shift <= 63n; shift += 7n) {
      this.need(1);
      const b = this.buf[this.pos++]!;
      big |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) {
        big = BigInt.asUintN(64, big);
        return BigInt.asIntN(64, (big >> 1n) ^ -(big & 1n));
      }
    }
    throw new CorruptRecordError('Varlong is too long, the most significant bit in the 10th byte is set');
  }
}
