/**
 * Bounds-checked reader over a Buffer for Kafka's wire encodings.
 *
 * Representation rules (decided once, used everywhere):
 * - int8/int16/int32/uint16/uint32 and float64 are `number`.
 * - int64 is `bigint`, always: offsets, timestamps, producer ids and Long.MAX_VALUE sentinels
 *   keep every bit. Zig-zag varlongs inside record batches are also `bigint`.
 * - uuid is Kafka's textual form: 22 characters of URL-safe base64 without padding
 *   (the all-zero uuid is "AAAAAAAAAAAAAAAAAAAAAA").
 * - bytes and records are Buffer views (subarray) into the frame: no copy.
 * - strings are decoded as UTF-8.
 *
 * Every read checks the remaining length first and throws DecodeError, so a length field that
 * claims 2 GiB fails before anything is allocated.
 */
import { DecodeError } from './errors.js';
import { uuidFromBuffer } from './uuid.js';

export class Reader {
  readonly buf: Buffer;
  offset: number;
  readonly end: number;

  constructor(buf: Buffer, offset = 0, end = buf.length) {
    this.buf = buf;
    this.offset = offset;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  private need(n: number, what: string): void {
    if (n > this.end - this.offset) {
      throw new DecodeError(`need ${n} bytes for ${what} at offset ${this.offset}, only ${this.end - this.offset} left`);
    }
  }

  readInt8(): number {
    this.need(1, 'int8');
    return this.buf.readInt8(this.offset++);
  }

  readBool(): boolean {
    return this.readInt8() !== 0;
  }

  readInt16(): number {
    this.need(2, 'int16');
    const v = this.buf.readInt16BE(this.offset);
    this.offset += 2;
    return v;
  }

  readUInt16(): number {
    this.need(2, 'uint16');
    const v = this.buf.readUInt16BE(this.offset);
    this.offset += 2;
    return v;
  }

  readInt32(): number {
    this.need(4, 'int32');
    const v = this.buf.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  readUInt32(): number {
    this.need(4, 'uint32');
    const v = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  readInt64(): bigint {
    this.need(8, 'int64');
    const v = this.buf.readBigInt64BE(this.offset);
    this.offset += 8;
    return v;
  }

  readFloat64(): number {
    this.need(8, 'float64');
    const v = this.buf.readDoubleBE(this.offset);
    this.offset += 8;
    return v;
  }

  readUuid(): string {
    this.need(16, 'uuid');
    const v = uuidFromBuffer(this.buf, this.offset);
    this.offset += 16;
    return v;
  }

  readUnsignedVarint(): number {
    let value = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      this.need(1, 'varint');
      const b = this.buf[this.offset++]!;
      value |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return value >>> 0;
      shift += 7;
    }
    throw new DecodeError(`varint longer than 5 bytes at offset ${this.offset}`);
  }

  /** Zig-zag signed varint (record batches). */
  readVarint(): number {
    const raw = this.readUnsignedVarint();
    return (raw >>> 1) ^ -(raw & 1);
  }

  /** Zig-zag signed varlong (record batches). */
  readVarlong(): bigint {
    let value = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      this.need(1, 'varlong');
      const b = this.buf[this.offset++]!;
      value |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return (value >> 1n) ^ -(value & 1n);
      shift += 7n;
    }
    throw new DecodeError(`varlong longer than 10 bytes at offset ${this.offset}`);
  }

  private readRaw(len: number, what: string): Buffer {
    this.need(len, what);
    const v = this.buf.subarray(this.offset, this.offset + len);
    this.offset += len;
    return v;
  }

  private utf8(len: number): string {
    this.need(len, 'string');
    const v = this.buf.toString('utf8', this.offset, this.offset + len);
    this.offset += len;
    return v;
  }

  // Classic (non-flexible) encodings: int16 string length, int32 bytes length, int32 array count.
  readString(): string {
    const len = this.readInt16();
    if (len < 0) throw new DecodeError(`non-nullable string has length ${len}`);
    return this.utf8(len);
  }

  readNullableString(): string | null {
    const len = this.readInt16();
    if (len === -1) return null;
    if (len < 0) throw new DecodeError(`invalid string length ${len}`);
    return this.utf8(len);
  }

  readBytes(): Buffer {
    const len = this.readInt32();
    if (len < 0) throw new DecodeError(`non-nullable bytes has length ${len}`);
    return this.readRaw(len, 'bytes');
  }

  readNullableBytes(): Buffer | null {
    const len = this.readInt32();
    if (len === -1) return null;
    if (len < 0) throw new DecodeError(`invalid bytes length ${len}`);
    return this.readRaw(len, 'bytes');
  }

  /** Array element count; null when -1. Rejects counts larger than the bytes left. */
  readArrayLength(): number | null {
    const n = this.readInt32();
    if (n === -1) return null;
    if (n < 0) throw new DecodeError(`invalid array length ${n}`);
    if (n > this.end - this.offset) throw new DecodeError(`array length ${n} exceeds the ${this.end - this.offset} bytes left`);
    return n;
  }

  // Flexible (compact) encodings: unsigned varint of length + 1, 0 meaning null.
  readCompactString(): string {
    const n = this.readUnsignedVarint();
    if (n === 0) throw new DecodeError('non-nullable compact string is null');
    return this.utf8(n - 1);
  }

  readCompactNullableString(): string | null {
    const n = this.readUnsignedVarint();
    if (n === 0) return null;
    return this.utf8(n - 1);
  }

  readCompactBytes(): Buffer {
    const n = this.readUnsignedVarint();
    if (n === 0) throw new DecodeError('non-nullable compact bytes is null');
    return this.readRaw(n - 1, 'bytes');
  }

  readCompactNullableBytes(): Buffer | null {
    const n = this.readUnsignedVarint();
    if (n === 0) return null;
    return this.readRaw(n - 1, 'bytes');
  }

  readCompactArrayLength(): number | null {
    const n = this.readUnsignedVarint();
    if (n === 0) return null;
    const count = n - 1;
    if (count > this.end - this.offset) throw new DecodeError(`array length ${count} exceeds the ${this.end - this.offset} bytes left`);
    return count;
  }

  /** Raw bytes of a given length (tagged field payloads, record keys and values). */
  readSlice(len: number): Buffer {
    if (len < 0) throw new DecodeError(`invalid length ${len}`);
    return this.readRaw(len, 'slice');
  }

  skip(len: number): void {
    this.need(len, 'skip');
    this.offset += len;
  }
}
