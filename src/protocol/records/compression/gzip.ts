/**
 * gzip (compression type 1): RFC 1952 members, as java.util.zip.GZIPOutputStream writes them.
 * Concatenated members decode as one stream (GZIPInputStream does the same).
 *
 * Decompression is bounded with zlib's maxOutputLength: output past the limit aborts the inflate
 * and throws DecompressionLimitError, so a gzip bomb never allocates past maxOutputBytes.
 * Small inputs run synchronously (a thread-pool round trip costs more than inflating them).
 */
import { promisify } from 'node:util';
import { gunzip, gunzipSync, gzip, gzipSync, type ZlibOptions } from 'node:zlib';
import { DecompressionError, DecompressionLimitError } from '../errors.js';

const gzipAsync = promisify(gzip) as (data: Buffer, options: ZlibOptions) => Promise<Buffer>;
const gunzipAsync = promisify(gunzip) as (data: Buffer, options: ZlibOptions) => Promise<Buffer>;

/** Inputs up to this many bytes are (de)compressed on the calling thread. */
export const GZIP_SYNC_THRESHOLD_BYTES = 64 * 1024;
/** java.util.zip.Deflater.DEFAULT_COMPRESSION, which zlib resolves to 6 (Kafka's default gzip level). */
export const GZIP_DEFAULT_LEVEL = 6;

function options(level: number | undefined): ZlibOptions {
  return { level: level ?? GZIP_DEFAULT_LEVEL };
}

export function gzipCompressSync(data: Buffer, level?: number): Buffer {
  return gzipSync(data, options(level));
}

export async function gzipCompress(data: Buffer, level?: number): Promise<Buffer> {
  if (data.length <= GZIP_SYNC_THRESHOLD_BYTES) return gzipSync(data, options(level));
  return gzipAsync(data, options(level));
}

export function gzipDecompressSync(data: Buffer, maxOutputBytes: number): Buffer {
  try {
    return gunzipSync(data, { maxOutputLength: maxOutputBytes });
  } catch (err) {
    throw translate(err, maxOutputBytes);
  }
}

export async function gzipDecompress(data: Buffer, maxOutputBytes: number): Promise<Buffer> {
  if (data.length <= GZIP_SYNC_THRESHOLD_BYTES) return gzipDecompressSync(data, maxOutputBytes);
  try {
    return await gunzipAsync(data, { maxOutputLength: maxOutputBytes });
  } catch (err) {
    throw translate(err, maxOutputBytes);
  }
}

function translate(err: unknown, maxOutputBytes: number): Error {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ERR_BUFFER_TOO_LARGE') return new DecompressionLimitError(maxOutputBytes, 'gzip');
  return new DecompressionError(`gzip: ${e.message}`);
}
