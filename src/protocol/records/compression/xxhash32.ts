/**
 * XXH32 (xxHash, 32-bit), the checksum of the LZ4 frame format: the frame descriptor byte (HC)
 * and the optional block and content checksums. Little-endian input words, as specified in
 * https://github.com/Cyan4973/xxHash/blob/dev/doc/xxhash_spec.md.
 */
const PRIME1 = 0x9e3779b1;
const PRIME2 = 0x85ebca77;
const PRIME3 = 0xc2b2ae3d;
const PRIME4 = 0x27d4eb2f;
const PRIME5 = 0x165667b1;

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

function round(acc: number, input: number): number {
  return Math.imul(rotl((acc + Math.imul(input, PRIME2)) | 0, 13), PRIME1);
}

/** Unsigned XXH32 of buf[start, end). */
export function xxhash32(buf: Buffer, start = 0, end = buf.length, seed = 0): number {
  let pos = start;
  let h: number;
  if (end - start >= 16) {
    let v1 = (seed + PRIME1 + PRIME2) | 0;
    let v2 = (seed + PRIME2) | 0;
    let v3 = seed | 0;
    let v4 = (seed - PRIME1) | 0;
    const limit = end - 16;
    while (pos <= limit) {
      v1 = round(v1, buf.readInt32LE(pos));
      v2 = round(v2, buf.readInt32LE(pos + 4));
      v3 = round(v3, buf.readInt32LE(pos + 8));
      v4 = round(v4, buf.readInt32LE(pos + 12));
      pos += 16;
    }
    h = (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) | 0;
  } else {
    h = (seed + PRIME5) | 0;
  }
  h = (h + (end - start)) | 0;
  while (pos + 4 <= end) {
    h = Math.imul(rotl((h + Math.imul(buf.readInt32LE(pos), PRIME3)) | 0, 17), PRIME4);
    pos += 4;
  }
  while (pos < end) {
    h = Math.imul(rotl((h + Math.imul(buf[pos]!, PRIME5)) | 0, 11), PRIME1);
    pos++;
  }
  h = Math.imul(h ^ (h >>> 15), PRIME2);
  h = Math.imul(h ^ (h >>> 13), PRIME3);
  return (h ^ (h >>> 16)) >>> 0;
}
