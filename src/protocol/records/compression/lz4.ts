/**
 * lz4 (compression type 3): the LZ4 frame format (v1.5.1) as Kafka reads and writes it
 * (org.apache.kafka.common.compress.Lz4BlockInputStream / Lz4BlockOutputStream):
 *
 *   magic  uint32 LE 0x184D2204
 *   FLG    bits 7-6 version (must be 01), bit 5 block independence (must be 1: every block is
 *          decoded on its own, no dictionary), bit 4 block checksum, bit 3 content size,
 *          bit 2 content checksum, bits 1-0 reserved (must be 0; Kafka has no dictionary ids)
 *   BD     bits 6-4 block maximum size: 4 = 64 KiB, 5 = 256 KiB, 6 = 1 MiB, 7 = 4 MiB; others 0
 *   [content size uint64 LE]  present when FLG bit 3 is set (Kafka skips it)
 *   HC     (xxh32(FLG .. last descriptor byte) >> 8) & 0xFF
 *   blocks uint32 LE size (high bit set = stored uncompressed), data, [xxh32 of data if bit 4]
 *   end    uint32 0, then [xxh32 of all decompressed bytes if bit 2]
 *
 * Kafka < 0.10 (magic 0) wrote a wrong HC; that is irrelevant for magic 2, so HC is checked.
 * compress() writes what Lz4BlockOutputStream writes by default: FLG 0x60, BD 0x40 (64 KiB
 * blocks), no checksums, incompressible blocks stored raw. lz4-napi has no compression level.
 *
 * Bounded: blocks are decoded one at a time with lz4-napi's block API, each into a buffer no
 * larger than min(block maximum size, bytes left under maxOutputBytes, 255 x input): a block that
 * needs more room than the limit leaves throws DecompressionLimitError. (LZ4 cannot expand a block
 * more than 255x, so that cap never rejects valid data.) The block API is also ~7x faster than
 * lz4-napi's frame API.
 */
import { lazyModule } from './lazy-module.js';

const lz4 = lazyModule<typeof import('lz4-napi')>('lz4-napi');
import { DecompressionError, DecompressionLimitError } from '../errors.js';
import { xxhash32 } from './xxhash32.js';

const MAGIC = 0x184d2204;
const FLG_VERSION_MASK = 0xc0;
const FLG_VERSION_1 = 0x40;
const FLG_BLOCK_INDEPENDENCE = 0x20;
const FLG_BLOCK_CHECKSUM = 0x10;
const FLG_CONTENT_SIZE = 0x08;
const FLG_CONTENT_CHECKSUM = 0x04;
const FLG_RESERVED = 0x03;
const BD_RESERVED = 0x8f;
const INCOMPRESSIBLE_MASK = 0x80000000;
/** Upper bound on LZ4 block expansion (one length byte of 255 adds 255 output bytes). */
const MAX_BLOCK_RATIO = 255;

const WRITE_FLG = FLG_VERSION_1 | FLG_BLOCK_INDEPENDENCE;
const WRITE_BD = 4 << 4;
const WRITE_BLOCK_SIZE = 64 * 1024;

function blockMaximumSize(bd: number): number {
  const code = (bd >> 4) & 7;
  if ((bd & BD_RESERVED) !== 0 || code < 4) throw new DecompressionError(`lz4: invalid block descriptor 0x${bd.toString(16)}`);
  return 1 << (2 * code + 8);
}

export function lz4Compress(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  const header = Buffer.allocUnsafe(7);
  header.writeUInt32LE(MAGIC, 0);
  header[4] = WRITE_FLG;
  header[5] = WRITE_BD;
  header[6] = (xxhash32(header, 4, 6) >>> 8) & 0xff;
  parts.push(header);
  let total = header.length;
  for (let pos = 0; pos < data.length; pos += WRITE_BLOCK_SIZE) {
    const chunk = data.subarray(pos, Math.min(pos + WRITE_BLOCK_SIZE, data.length));
    // compressSync prepends the uncompressed size as uint32 LE; the frame does not want it.
    const compressed = lz4().compressSync(chunk).subarray(4);
    const stored = compressed.length < chunk.length;
    const body = stored ? compressed : chunk;
    const size = Buffer.allocUnsafe(4);
    size.writeUInt32LE(stored ? body.length : (body.length | INCOMPRESSIBLE_MASK) >>> 0, 0);
    parts.push(size, body);
    total += 4 + body.length;
  }
  parts.push(Buffer.alloc(4));
  return Buffer.concat(parts, total + 4);
}

export function lz4Decompress(data: Buffer, maxOutputBytes: number): Buffer {
  if (data.length < 7) throw new DecompressionError('lz4: stream ended prematurely');
  if (data.readUInt32LE(0) !== MAGIC) throw new DecompressionError('lz4: stream unsupported (invalid magic bytes)');
  const flg = data[4]!;
  if ((flg & FLG_VERSION_MASK) !== FLG_VERSION_1) throw new DecompressionError(`lz4: frame version ${flg >> 6} is unsupported`);
  if ((flg & FLG_RESERVED) !== 0) throw new DecompressionError('lz4: reserved bits (or a dictionary id) are set');
  if ((flg & FLG_BLOCK_INDEPENDENCE) === 0) throw new DecompressionError('lz4: dependent block stream is unsupported');
  const blockMax = blockMaximumSize(data[5]!);
  let pos = 6;
  if ((flg & FLG_CONTENT_SIZE) !== 0) {
    if (data.length < pos + 9) throw new DecompressionError('lz4: stream ended prematurely');
    const contentSize = data.readBigUInt64LE(pos);
    if (contentSize > BigInt(maxOutputBytes)) throw new DecompressionLimitError(maxOutputBytes, `lz4 frame content size ${contentSize}`);
    pos += 8;
  }
  if (data.length <= pos) throw new DecompressionError('lz4: stream ended prematurely');
  if (data[pos] !== ((xxhash32(data, 4, pos) >>> 8) & 0xff)) throw new DecompressionError('lz4: stream frame descriptor corrupted');
  pos++;

  const blockChecksum = (flg & FLG_BLOCK_CHECKSUM) !== 0;
  const chunks: Buffer[] = [];
  let produced = 0;
  for (;;) {
    if (data.length - pos < 4) throw new DecompressionError('lz4: stream ended prematurely');
    const word = data.readUInt32LE(pos);
    pos += 4;
    if (word === 0) break;
    const stored = (word & INCOMPRESSIBLE_MASK) !== 0;
    const size = word & ~INCOMPRESSIBLE_MASK;
    if (size > blockMax) throw new DecompressionError(`lz4: block size ${size} exceeded max: ${blockMax}`);
    if (data.length - pos < size + (blockChecksum ? 4 : 0)) throw new DecompressionError('lz4: stream ended prematurely');
    if (blockChecksum && xxhash32(data, pos, pos + size) !== data.readUInt32LE(pos + size)) {
      throw new DecompressionError('lz4: block checksum mismatch');
    }
    let chunk: Buffer;
    if (stored) {
      if (size > maxOutputBytes - produced) throw new DecompressionLimitError(maxOutputBytes, 'lz4 stored block');
      chunk = data.subarray(pos, pos + size);
    } else {
      chunk = decodeBlock(data, pos, size, blockMax, maxOutputBytes - produced, maxOutputBytes);
    }
    chunks.push(chunk);
    produced += chunk.length;
    pos += size + (blockChecksum ? 4 : 0);
  }
  const out = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, produced);
  if ((flg & FLG_CONTENT_CHECKSUM) !== 0) {
    if (data.length - pos < 4) throw new DecompressionError('lz4: stream ended prematurely');
    if (xxhash32(out) !== data.readUInt32LE(pos)) throw new DecompressionError('lz4: content checksum mismatch');
  }
  return out;
}

function decodeBlock(data: Buffer, pos: number, size: number, blockMax: number, left: number, maxOutputBytes: number): Buffer {
  const room = Math.min(blockMax, left, size * MAX_BLOCK_RATIO);
  // lz4-napi's block API reads the output capacity from a uint32 LE prefix.
  const input = Buffer.allocUnsafe(4 + size);
  input.writeUInt32LE(room, 0);
  data.copy(input, 4, pos, pos + size);
  try {
    return lz4().uncompressSync(input) as Buffer;
  } catch (err) {
    if (room === left && left < blockMax) throw new DecompressionLimitError(maxOutputBytes, 'lz4 block');
    throw new DecompressionError(`lz4: ${(err as Error).message}`);
  }
}
