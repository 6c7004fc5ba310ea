/**
 * Growable writer for Kafka's wire encodings (see reader.ts for the representation rules).
 *
 * Large Buffers (record batches in Fetch responses) are not copied: writeBuffer() closes the
 * current chunk and keeps a reference to the caller's Buffer, so toChunks() yields a list ready
 * for socket.writev / cork. toBuffer() concatenates when one Buffer is needed.
 */
import { uuidToBuffer } from './uuid.js';

const ZERO_COPY_THRESHOLD = 4096;
const INITIAL_SIZE = 1024;

export class Writer {
  private buf: Buffer;
  private pos = 0;
  /** Start of the not-yet-flushed part of `buf`. */
  private chunkStart = 0;
  private readonly chunks: Buffer[] = [];
  private flushedLength = 0;

  constructor(initialSize = INITIAL_SIZE) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.flushedLength + (this.pos - this.chunkStart);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const pending = this.pos - this.chunkStart;
    const size = Math.max(INITIAL_SIZE, (pending + n) * 2);
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, this.chunkStart, this.pos);
    this.buf = next;
    this.chunkStart = 0;
    this.pos = pending;
  }

  writeInt8(v: number): this {
    this.ensure(1);
    this.buf.writeInt8(v, this.pos);
    this.pos += 1;
    return this;
  }

  writeBool(v: boolean): this {
    return this.writeInt8(v ? 1 : 0);
  }

  writeInt16(v: number): this {
    this.ensure(2);
    this.buf.writeInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }

  writeUInt16(v: number): this {
    this.ensure(2);
    this.buf.writeUInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }

  writeInt32(v: number): this {
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }

  writeUInt32(v: number): this {
    this.ensure(4);
    this.buf.writeUInt32BE(v >>> 0, this.pos);
    this.pos += 4;
    return this;
  }

  writeInt64(v: bigint): this {
    this.ensure(8);
    this.buf.writeBigInt64BE(v, this.pos);
    this.pos += 8;
    return this;
  }

  writeFloat64(v: number): this {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
    return this;
  }

  writeUuid(v: string): this {
    return this.writeRaw(uuidToBuffer(v));
  }

  writeUnsignedVarint(v: number): this {
    this.ensure(5);
    let value = v >>> 0;
    while (value >= 0x80) {
      this.buf[this.pos++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    this.buf[this.pos++] = value;
    return this;
  }

  writeVarint(v: number): this {
    return this.writeUnsignedVarint(((v << 1) ^ (v >> 31)) >>> 0);
  }

  writeVarlong(v: bigint): this {
    this.ensure(10);
    let value = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
    while (value >= 0x80n) {
      this.buf[this.pos++] = Number(value & 0x7fn) | 0x80;
      value >>= 7n;
    }
    this.buf[this.pos++] = Number(value);
    return this;
  }

  /** Appends bytes; large Buffers are referenced, not copied. */
  writeRaw(b: Buffer): this {
    if (b.length >= ZERO_COPY_THRESHOLD) {
      this.flushChunk();
      this.chunks.push(b);
      this.flushedLength += b.length;
      return this;
    }
    this.ensure(b.length);
    b.copy(this.buf, this.pos);
    this.pos += b.length;
    return this;
  }

  private flushChunk(): void {
    if (this.pos > this.chunkStart) {
      this.chunks.push(this.buf.subarray(this.chunkStart, this.pos));
      this.flushedLength += this.pos - this.chunkStart;
      this.chunkStart = this.pos;
    }
  }

  private writeUtf8(s: string, len: number): void {
    this.ensure(len);
    this.buf.write(s, this.pos, len, 'utf8');
    this.pos += len;
  }

  // Classic encodings.
  writeString(s: string): this {
    const len = Buffer.byteLength(s, 'utf8');
    this.writeInt16(len);
    this.writeUtf8(s, len);
    return this;
  }

  writeNullableString(s: string | null): this {
    if (s === null) return this.writeInt16(-1);
    return this.writeString(s);
  }

  writeBytes(b: Buffer): this {
    this.writeInt32(b.length);
    return this.writeRaw(b);
  }

  writeNullableBytes(b: Buffer | null): this {
    if (b === null) return this.writeInt32(-1);
    return this.writeBytes(b);
  }

  writeArrayLength(n: number | null): this {
    return this.writeInt32(n === null ? -1 : n);
  }

  // Compact encodings.
  writeCompactString(s: string): this {
    const len = Buffer.byteLength(s, 'utf8');
    this.writeUnsignedVarint(len + 1);
    this.writeUtf8(s, len);
    return this;
  }

  writeCompactNullableString(s: string | null): this {
    if (s === null) return this.writeUnsignedVarint(0);
    return this.writeCompactString(s);
  }

  writeCompactBytes(b: Buffer): this {
    this.writeUnsignedVarint(b.length + 1);
    return this.writeRaw(b);
  }

  writeCompactNullableBytes(b: Buffer | null): this {
    if (b === null) return this.writeUnsignedVarint(0);
    return this.writeCompactBytes(b);
  }

  writeCompactArrayLength(n: number | null): this {
    return this.writeUnsignedVarint(n === null ? 0 : n + 1);
  }

  /** Overwrites an int32 at an absolute position already written (frame size prefixes). */
  patchInt32(position: number, v: number): this {
    let base = 0;
    for (const c of this.chunks) {
      if (position < base + c.length) {
        c.writeInt32BE(v, position - base);
        return this;
      }
      base += c.length;
    }
    this.buf.writeInt32BE(v, this.chunkStart + (position - base));
    return this;
  }

  toChunks(): Buffer[] {
    this.flushChunk();
    return this.chunks.slice();
  }

  toBuffer(): Buffer {
    const chunks = this.toChunks();
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.flushedLength);
  }
}
