/**
 * Zig-zag varints of the record format (Java's ByteUtils.writeVarint / writeVarlong), written
 * straight into a preallocated Buffer. Encoding as in ../primitives/writer.ts; these variants
 * return the new position and have exact size functions so a batch is sized before it is written.
 * varlongs take the number path when the value fits in 52 bits (every realistic timestamp delta).
 */
const NUMBER_PATH_LIMIT = 2n ** 52n;

function zigZag32(value: number): number {
  return ((value << 1) ^ (value >> 31)) >>> 0;
}

export function sizeOfUnsignedVarint(value: number): number {
  let v = value >>> 0;
  let size = 1;
  while (v >= 0x80) {
    v >>>= 7;
    size++;
  }
  return size;
}

/** Size of a zig-zag int32 varint. */
export function sizeOfVarint(value: number): number {
  return sizeOfUnsignedVarint(zigZag32(value));
}

export function writeVarint(buf: Buffer, pos: number, value: number): number {
  let v = zigZag32(value);
  while (v >= 0x80) {
    buf[pos++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[pos++] = v;
  return pos;
}

/** Zig-zag of a varlong as a non-negative number when it fits in 53 bits, else -1. */
function zigZagNumber(value: bigint): number {
  if (value >= NUMBER_PATH_LIMIT || value <= -NUMBER_PATH_LIMIT) return -1;
  const n = Number(value);
  return n >= 0 ? n * 2 : -n * 2 - 1;
}

function zigZagBig(value: bigint): bigint {
  return BigInt.asUintN(64, (value << 1n) ^ (value >> 63n));
}

/** Size of a zig-zag int64 varlong. */
export function sizeOfVarlong(value: bigint): number {
  let n = zigZagNumber(value);
  if (n >= 0) {
    let size = 1;
    while (n >= 0x80) {
      n = Math.floor(n / 0x80);
      size++;
    }
    return size;
  }
  let v = zigZagBig(value);
  let size = 1;
  while (v >= 0x80n) {
    v >>= 7n;
    size++;
  }
  return size;
}

export function writeVarlong(buf: Buffer, pos: number, value: bigint): number {
  let n = zigZagNumber(value);
  if (n >= 0) {
    while (n >= 0x80) {
      buf[pos++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    buf[pos++] = n;
    return pos;
  }
  let v = zigZagBig(value);
  while (v >= 0x80n) {
    buf[pos++] = Number(v & 0x7fn) | 0x80;
    v >>= 7n;
  }
  buf[pos++] = Number(v);
  return pos;
}
