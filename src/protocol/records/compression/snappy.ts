/**
 * snappy (compression type 2), in the two layouts Kafka clients write:
 *
 * - xerial framing (snappy-java's SnappyOutputStream, used by the Java client and by Kafka itself
 *   when it recompresses):
 *     magic   0x82 'S' 'N' 'A' 'P' 'P' 'Y' 0x00   (8 bytes)
 *     version int32 BE (1), compatibleVersion int32 BE (1)
 *     blocks  int32 BE compressedLength, then one raw snappy block (default 32 KiB of input each)
 *   A reader that meets the 8-byte magic again where a block length is expected skips that header
 *   and continues (concatenated streams), as snappy-java does.
 * - raw snappy: one snappy block, starting with the uncompressed length as an unsigned varint.
 *   librdkafka (kcat, confluent-kafka-*, node-rdkafka) and sarama write this (see the captured
 *   batches in test/unit/records/client-batches.ts).
 *
 * What Kafka accepts: the broker decompresses with snappy-java's SnappyInputStream, whose
 * readHeader() falls back to raw snappy ("(probably) compressed by Snappy.compress(byte[])")
 * when the stream does not start with the xerial magic, so both layouts are valid on the wire.
 * Sources read: xerial snappy-java SnappyInputStream.readHeader/readFully; librdkafka
 * rdkafka_msgset_writer.c (rd_kafka_snappy_compress_iov, no framing). decompress() detects the
 * layout by the 8-byte magic, exactly like snappy-java; compress() writes xerial framing like
 * the Java client and Kafka itself (librdkafka reads it with rd_kafka_snappy_java_uncompress,
 * kafka-python with snappy_decode's xerial detection).
 *
 * Bounded: every raw block starts with its uncompressed length, so the total is known before
 * any block is decoded and a bomb throws DecompressionLimitError without allocating.
 * All calls are synchronous; `copyOutputData: true` avoids napi external buffers (5x faster).
 */
import { lazyModule } from './lazy-module.js';
import { DecompressionError, DecompressionLimitError } from '../errors.js';

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_SIZE = 16;
const XERIAL_VERSION = 1;
const XERIAL_MIN_COMPATIBLE_VERSION = 1;
/** snappy-java SnappyOutputStream.DEFAULT_BLOCK_SIZE. */
export const XERIAL_BLOCK_SIZE = 32 * 1024;

const snappy = lazyModule<typeof import('snappy')>('snappy');

const ENC = { copyOutputData: true } as const;
const DEC = { asBuffer: true, copyOutputData: true } as const;

export function isXerialFramed(data: Buffer): boolean {
  return data.length >= XERIAL_MAGIC.length && data.compare(XERIAL_MAGIC, 0, 8, 0, 8) === 0;
}

/** Raw snappy block (what librdkafka writes). */
export function snappyCompressRaw(data: Buffer): Buffer {
  return snappy().compressSync(data, ENC);
}

/** xerial-framed snappy (what the Java client writes). */
export function snappyCompress(data: Buffer): Buffer {
  const blocks: Buffer[] = [];
  let total = XERIAL_HEADER_SIZE;
  for (let pos = 0; pos < data.length; pos += XERIAL_BLOCK_SIZE) {
    const block = snappy().compressSync(data.subarray(pos, Math.min(pos + XERIAL_BLOCK_SIZE, data.length)), ENC);
    blocks.push(block);
    total += 4 + block.length;
  }
  const out = Buffer.allocUnsafe(total);
  XERIAL_MAGIC.copy(out, 0);
  out.writeInt32BE(XERIAL_VERSION, 8);
  out.writeInt32BE(XERIAL_MIN_COMPATIBLE_VERSION, 12);
  let pos = XERIAL_HEADER_SIZE;
  for (const block of blocks) {
    out.writeInt32BE(block.length, pos);
    block.copy(out, pos + 4);
    pos += 4 + block.length;
  }
  return out;
}

export function snappyDecompress(data: Buffer, maxOutputBytes: number): Buffer {
  if (!isXerialFramed(data)) {
    const length = rawUncompressedLength(data, 0, data.length);
    if (length > maxOutputBytes) throw new DecompressionLimitError(maxOutputBytes, `snappy block of ${length} bytes`);
    return uncompressBlock(data);
  }
  return xerialDecompress(data, maxOutputBytes);
}

function xerialDecompress(data: Buffer, maxOutputBytes: number): Buffer {
  if (data.length < XERIAL_HEADER_SIZE) throw new DecompressionError('snappy: truncated xerial header');
  checkCompatibleVersion(data, 0);
  // First pass: find the blocks and add up their uncompressed lengths before decoding anything.
  const starts: number[] = [];
  const ends: number[] = [];
  let total = 0;
  let pos = XERIAL_HEADER_SIZE;
  while (pos < data.length) {
    if (data.length - pos >= XERIAL_MAGIC.length && data.compare(XERIAL_MAGIC, 0, 8, pos, pos + 8) === 0) {
      if (data.length - pos < XERIAL_HEADER_SIZE) throw new DecompressionError('snappy: truncated xerial header');
      checkCompatibleVersion(data, pos);
      pos += XERIAL_HEADER_SIZE;
      continue;
    }
    if (data.length - pos < 4) throw new DecompressionError('snappy: truncated xerial block length');
    const blockLength = data.readInt32BE(pos);
    pos += 4;
    if (blockLength < 0 || blockLength > data.length - pos) {
      throw new DecompressionError(`snappy: xerial block length ${blockLength} exceeds the ${data.length - pos} bytes left`);
    }
    total += rawUncompressedLength(data, pos, pos + blockLength);
    if (total > maxOutputBytes) throw new DecompressionLimitError(maxOutputBytes, `xerial snappy stream of at least ${total} bytes`);
    starts.push(pos);
    ends.push(pos + blockLength);
    pos += blockLength;
  }
  if (starts.length === 1) return uncompressBlock(data.subarray(starts[0], ends[0]));
  const out = Buffer.allocUnsafe(total);
  let outPos = 0;
  for (let i = 0; i < starts.length; i++) {
    const block = uncompressBlock(data.subarray(starts[i], ends[i]));
    block.copy(out, outPos);
    outPos += block.length;
  }
  return out;
}

function checkCompatibleVersion(data: Buffer, headerPos: number): void {
  const compatible = data.readInt32BE(headerPos + 12);
  if (compatible < XERIAL_MIN_COMPATIBLE_VERSION) {
    throw new DecompressionError(`snappy: xerial compatible version ${compatible} is not supported`);
  }
}

/** The unsigned varint (at most 32 bits) that starts every raw snappy block. */
function rawUncompressedLength(data: Buffer, start: number, end: number): number {
  let value = 0;
  for (let i = 0; i < 5; i++) {
    if (start + i >= end) throw new DecompressionError('snappy: truncated block length');
    const b = data[start + i]!;
    value += (b & 0x7f) * 2 ** (7 * i);
    if ((b & 0x80) === 0) {
      if (value > 0xffffffff) break;
      return value;
    }
  }
  throw new DecompressionError('snappy: invalid block length');
}

function uncompressBlock(block: Buffer): Buffer {
  try {
    return snappy().uncompressSync(block, DEC) as Buffer;
  } catch (err) {
    throw new DecompressionError(`snappy: ${(err as Error).message}`);
  }
}
