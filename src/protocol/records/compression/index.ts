/**
 * Compression codecs of record batches, chosen by the low three bits of the batch attributes
 * (CompressionType in ../batch-header.ts). Each codec file documents its wire format.
 *
 * decompress() is always bounded by maxOutputBytes and throws DecompressionLimitError (a bomb or
 * an oversized batch) or DecompressionError (undecodable data), both CorruptRecordError; it never
 * allocates the oversized output. Codecs with a synchronous implementation (snappy, lz4, and gzip
 * for small inputs) run on the calling thread; zstd and large gzip inputs use the thread pool.
 */
import { CompressionType } from '../batch-header.js';
import { DecompressionError, DecompressionLimitError } from '../errors.js';
import { gzipCompress, gzipCompressSync, gzipDecompress, gzipDecompressSync } from './gzip.js';
import { lz4Compress, lz4Decompress } from './lz4.js';
import { snappyCompress, snappyDecompress } from './snappy.js';
import { zstdCompress, zstdDecompress } from './zstd.js';

export function isKnownCompression(type: number): type is CompressionType {
  return type >= CompressionType.None && type <= CompressionType.Zstd;
}

function checkLimit(maxOutputBytes: number): void {
  if (!Number.isSafeInteger(maxOutputBytes) || maxOutputBytes < 0) {
    throw new RangeError(`maxOutputBytes must be a non-negative integer, got ${maxOutputBytes}`);
  }
}

function unknown(type: number): Error {
  return new DecompressionError(`unknown compression type ${type}`);
}

/** Compresses `data` in the format Kafka's Java client writes for `type`. `level` is ignored by lz4, snappy and zstd. */
export async function compress(type: CompressionType, data: Buffer, level?: number): Promise<Buffer> {
  switch (type) {
    case CompressionType.None:
      return data;
    case CompressionType.Gzip:
      return gzipCompress(data, level);
    case CompressionType.Snappy:
      return snappyCompress(data);
    case CompressionType.Lz4:
      return lz4Compress(data);
    case CompressionType.Zstd:
      return zstdCompress(data, level);
    default:
      throw unknown(type);
  }
}

/** compress() on the calling thread; zstd has no synchronous implementation here and throws. */
export function compressSync(type: CompressionType, data: Buffer, level?: number): Buffer {
  switch (type) {
    case CompressionType.None:
      return data;
    case CompressionType.Gzip:
      return gzipCompressSync(data, level);
    case CompressionType.Snappy:
      return snappyCompress(data);
    case CompressionType.Lz4:
      return lz4Compress(data);
    default:
      throw new RangeError(`no synchronous compressor for compression type ${type}`);
  }
}

/** Decompresses `data`, failing with DecompressionLimitError rather than produce more than maxOutputBytes. */
export async function decompress(type: CompressionType, data: Buffer, maxOutputBytes: number): Promise<Buffer> {
  checkLimit(maxOutputBytes);
  let out: Buffer;
  switch (type) {
    case CompressionType.None:
      out = data;
      break;
    case CompressionType.Gzip:
      out = await gzipDecompress(data, Math.max(maxOutputBytes, 1));
      break;
    case CompressionType.Snappy:
      out = snappyDecompress(data, maxOutputBytes);
      break;
    case CompressionType.Lz4:
      out = lz4Decompress(data, maxOutputBytes);
      break;
    case CompressionType.Zstd:
      out = await zstdDecompress(data, maxOutputBytes);
      break;
    default:
      throw unknown(type);
  }
  if (out.length > maxOutputBytes) throw new DecompressionLimitError(maxOutputBytes, `${out.length} bytes`);
  return out;
}

/** decompress() on the calling thread; zstd has no synchronous implementation here and throws. */
export function decompressSync(type: CompressionType, data: Buffer, maxOutputBytes: number): Buffer {
  checkLimit(maxOutputBytes);
  let out: Buffer;
  switch (type) {
    case CompressionType.None:
      out = data;
      break;
    case CompressionType.Gzip:
      out = gzipDecompressSync(data, Math.max(maxOutputBytes, 1));
      break;
    case CompressionType.Snappy:
      out = snappyDecompress(data, maxOutputBytes);
      break;
    case CompressionType.Lz4:
      out = lz4Decompress(data, maxOutputBytes);
      break;
    default:
      throw new RangeError(`no synchronous decompressor for compression type ${type}`);
  }
  if (out.length > maxOutputBytes) throw new DecompressionLimitError(maxOutputBytes, `${out.length} bytes`);
  return out;
}
