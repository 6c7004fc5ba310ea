/**
 * zstd (compression type 4; Produce v7+): one or more zstd frames (RFC 8878), possibly with
 * skippable frames between them, via @mongodb-js/zstd 1.2.2 (async only; it ignores the level).
 *
 * Bounded before decoding: the library has no output limit, so zstdUpperBound() walks the frame
 * and block headers (3 bytes each, no decoding) and adds up what each block can produce:
 * a raw or RLE block regenerates exactly its Block_Size, a compressed block at most
 * Block_Maximum_Size = min(window size, 128 KiB). A frame whose Frame_Content_Size exceeds the
 * limit is rejected too. (librdkafka and @mongodb-js/zstd write frames without a content size.)
 * The bound is exact for raw and RLE blocks but may overstate a compressed block by up to 128 KiB
 * (a 10-byte input still has a 128 KiB bound), so frames are decoded when the bound is at most
 * maxOutputBytes + 128 KiB and the output is checked afterwards: the decoder can allocate at most
 * 128 KiB past maxOutputBytes, and anything larger throws DecompressionLimitError undecoded.
 */
import { lazyModule } from './lazy-module.js';
import { DecompressionError, DecompressionLimitError } from '../errors.js';

const zstd = lazyModule<typeof import('@mongodb-js/zstd')>('@mongodb-js/zstd');

const FRAME_MAGIC = 0xfd2fb528;
const SKIPPABLE_MAGIC_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
const MAX_BLOCK_SIZE = 128 * 1024;
const BLOCK_RAW = 0;
const BLOCK_RLE = 1;
const BLOCK_COMPRESSED = 2;

export async function zstdCompress(data: Buffer, level?: number): Promise<Buffer> {
  return zstd().compress(data, level);
}

export async function zstdDecompress(data: Buffer, maxOutputBytes: number): Promise<Buffer> {
  const bound = zstdUpperBound(data, maxOutputBytes + MAX_BLOCK_SIZE);
  if (bound > maxOutputBytes + MAX_BLOCK_SIZE) throw new DecompressionLimitError(maxOutputBytes, `zstd frames may expand to ${bound} bytes`);
  let out: Buffer;
  try {
    out = await zstd().decompress(data);
  } catch (err) {
    throw new DecompressionError(`zstd: ${(err as Error).message}`);
  }
  if (out.length > maxOutputBytes) throw new DecompressionLimitError(maxOutputBytes, `zstd output of ${out.length} bytes`);
  return out;
}

/**
 * The most bytes these zstd frames can decompress to, from headers only. Stops adding once the
 * total passes `stopAbove` (the caller's limit), so a stream of millions of blocks costs little.
 */
export function zstdUpperBound(data: Buffer, stopAbove = Number.MAX_SAFE_INTEGER): number {
  let pos = 0;
  let total = 0;
  if (data.length === 0) throw new DecompressionError('zstd: empty input');
  while (pos < data.length) {
    if (data.length - pos < 4) throw new DecompressionError('zstd: truncated frame magic');
    const magic = data.readUInt32LE(pos);
    if ((magic & SKIPPABLE_MAGIC_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      if (data.length - pos < 8) throw new DecompressionError('zstd: truncated skippable frame');
      pos += 8 + data.readUInt32LE(pos + 4);
      continue;
    }
    if (magic !== FRAME_MAGIC) throw new DecompressionError(`zstd: unknown frame magic 0x${magic.toString(16)}`);
    pos += 4;
    const frame = frameBound(data, pos, stopAbove - total);
    total += frame.bound;
    pos = frame.end;
    if (total > stopAbove) return total;
  }
  if (pos > data.length) throw new DecompressionError('zstd: truncated frame');
  return total;
}

function frameBound(data: Buffer, start: number, stopAbove: number): { bound: number; end: number } {
  let pos = start;
  if (pos >= data.length) throw new DecompressionError('zstd: truncated frame header');
  const fhd = data[pos++]!;
  const fcsFlag = fhd >> 6;
  const singleSegment = (fhd & 0x20) !== 0;
  const hasChecksum = (fhd & 0x04) !== 0;
  const dictIdSize = [0, 1, 2, 4][fhd & 3]!;
  if ((fhd & 0x08) !== 0) throw new DecompressionError('zstd: reserved frame header bit is set');
  let windowSize = 0;
  if (!singleSegment) {
    if (pos >= data.length) throw new DecompressionError('zstd: truncated frame header');
    const wd = data[pos++]!;
    const windowBase = 2 ** (10 + (wd >> 3));
    windowSize = windowBase + (windowBase / 8) * (wd & 7);
  }
  pos += dictIdSize;
  const fcsSize = fcsFlag === 0 ? (singleSegment ? 1 : 0) : [0, 2, 4, 8][fcsFlag]!;
  if (data.length < pos + fcsSize) throw new DecompressionError('zstd: truncated frame header');
  let contentSize = -1;
  if (fcsSize === 1) contentSize = data[pos]!;
  else if (fcsSize === 2) contentSize = data.readUInt16LE(pos) + 256;
  else if (fcsSize === 4) contentSize = data.readUInt32LE(pos);
  else if (fcsSize === 8) contentSize = Number(data.readBigUInt64LE(pos));
  pos += fcsSize;
  if (contentSize > stopAbove) return { bound: contentSize, end: pos };
  if (singleSegment) windowSize = contentSize;
  const blockMax = Math.min(windowSize, MAX_BLOCK_SIZE);

  let bound = 0;
  for (;;) {
    if (data.length - pos < 3) throw new DecompressionError('zstd: truncated block header');
    const header = data[pos]! | (data[pos + 1]! << 8) | (data[pos + 2]! << 16);
    pos += 3;
    const last = (header & 1) !== 0;
    const type = (header >> 1) & 3;
    const size = header >>> 3;
    if (type === BLOCK_RAW) {
      bound += size;
      pos += size;
    } else if (type === BLOCK_RLE) {
      bound += size;
      pos += 1;
    } else if (type === BLOCK_COMPRESSED) {
      if (size > blockMax) throw new DecompressionError(`zstd: compressed block of ${size} bytes exceeds ${blockMax}`);
      bound += blockMax;
      pos += size;
    } else {
      throw new DecompressionError('zstd: reserved block type');
    }
    if (pos > data.length) throw new DecompressionError('zstd: truncated block');
    if (bound > stopAbove) return { bound, end: pos };
    if (last) break;
  }
  if (hasChecksum) pos += 4;
  return { bound, end: pos };
}
