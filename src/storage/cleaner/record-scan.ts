/**
 * Allocation-free walking of the records of one v2 batch for the cleaner (layout in
 * protocol/records/record.ts): a single reusable cursor gives each record's byte range, offset
 * delta, timestamp delta and where its key and value lie, without decoding headers or copying.
 * The checks are those the cleaner needs to stay in bounds (a record never reads past its own
 * length, the declared count matches); anything else throws CorruptRecordError, which makes the
 * cleaner give up on the partition (Kafka marks it uncleanable).
 *
 * Timestamp deltas are numbers: a delta beyond 2^53 ms is rejected as corrupt.
 */
import { CorruptRecordError } from '../../protocol/records/errors.js';

export interface RecordCursor {
  /** Byte range of the whole record (its length varint included) in the records buffer. */
  start: number;
  end: number;
  /** Position just after the offsetDelta varint: key, value and headers follow, unchanged. */
  bodyRest: number;
  attributes: number;
  timestampDelta: number;
  offsetDelta: number;
  /** Key bytes: [keyStart, keyStart + keyLength); keyLength -1 is a null key. */
  keyStart: number;
  keyLength: number;
  /** -1 for a null value (a tombstone). */
  valueLength: number;
}

export function newRecordCursor(): RecordCursor {
  return { start: 0, end: 0, bodyRest: 0, attributes: 0, timestampDelta: 0, offsetDelta: 0, keyStart: 0, keyLength: -1, valueLength: -1 };
}

/** Iterates `count` records of buf[start, end) into one cursor. */
export class RecordScanner {
  private pos: number;
  private remaining: number;
  private limit = 0;

  constructor(
    private readonly buf: Buffer,
    start: number,
    private readonly end: number,
    count: number,
  ) {
    if (count < 0) throw new CorruptRecordError(`Found invalid record count ${count} in magic v2 batch`);
    this.pos = start;
    this.remaining = count;
  }

  /** Fills `c` with the next record; false after the last one (checking nothing is left over). */
  next(c: RecordCursor): boolean {
    if (this.remaining === 0) {
      if (this.pos !== this.end) throw new CorruptRecordError('Incorrect declared batch size, records still remaining in file');
      return false;
    }
    this.remaining--;
    c.start = this.pos;
    this.limit = this.end;
    const length = this.varint();
    if (length < 0 || length > this.end - this.pos) {
      throw new CorruptRecordError(`Invalid record size: expected ${length} bytes of record payload, but instead the buffer has only ${this.end - this.pos} remaining bytes.`);
    }
    this.limit = this.pos + length;
    c.end = this.limit;
    this.need(1);
    c.attributes = this.buf[this.pos++]!;
    c.timestampDelta = this.varlong();
    c.offsetDelta = this.varint();
    c.bodyRest = this.pos;
    c.keyLength = this.varint();
    c.keyStart = this.pos;
    if (c.keyLength >= 0) {
      this.need(c.keyLength);
      this.pos += c.keyLength;
    } else if (c.keyLength < -1) {
      throw new CorruptRecordError(`Invalid negative key length ${c.keyLength}`);
    }
    c.valueLength = this.varint();
    if (c.valueLength >= 0) this.need(c.valueLength);
    else if (c.valueLength < -1) throw new CorruptRecordError(`Invalid negative value length ${c.valueLength}`);
    // Headers are not looked at: the record is copied whole or not at all.
    this.pos = c.end;
    return true;
  }

  private need(n: number): void {
    if (n > this.limit - this.pos) throw new CorruptRecordError('Incorrect declared batch size, premature EOF reached');
  }

  private varint(): number {
    let raw = 0;
    for (let shift = 0; shift <= 28; shift += 7) {
      this.need(1);
      const b = this.buf[this.pos++]!;
      raw |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return (raw >>> 1) ^ -(raw & 1);
    }
    throw new CorruptRecordError('Varint is too long, the most significant bit in the 5th byte is set');
  }

  private varlong(): number {
    let raw = 0;
    let multiplier = 1;
    for (let i = 0; i < 8; i++) {
      this.need(1);
      const b = this.buf[this.pos++]!;
      raw += (b & 0x7f) * multiplier;
      if ((b & 0x80) === 0) {
        if (raw > Number.MAX_SAFE_INTEGER) break;
        return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
      }
      multiplier *= 0x80;
    }
    throw new CorruptRecordError('timestamp delta out of range');
  }
}
