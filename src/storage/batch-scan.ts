/**
 * Walks the record batches of a segment file by their headers, reading the file in chunks (one
 * pread per chunk, not per batch). Used by offset translation, recovery, timestamp search and
 * end-offset computation. Only magic 2 batches are understood; anything else stops the walk.
 */
import {
  BATCH_LENGTH,
  BASE_OFFSET,
  HEADER_SIZE_UP_TO_MAGIC,
  LAST_OFFSET_DELTA,
  LOG_OVERHEAD,
  MAGIC,
  MAX_TIMESTAMP,
  BATCH_HEADER_SIZE,
} from '../protocol/records/batch-header.js';
import type { StorageFs } from './fs/storage-fs.js';

/** The smallest legal batchLength: a v2 header without records (61 - 12). */
export const MIN_BATCH_LENGTH = BATCH_HEADER_SIZE - LOG_OVERHEAD;

/** The batch under the cursor; valid only during the visit call (the object is reused). */
export interface BatchCursor {
  /** Byte position of the batch in the file. */
  position: number;
  /** Whole batch size (12 + batchLength). */
  size: number;
  baseOffset: bigint;
  lastOffset: bigint;
  maxTimestamp: bigint;
  /** Chunk holding the header (and the whole batch when scanning withBody) at `at`. */
  buf: Buffer;
  at: number;
}

/** end: reached `end`; stopped: the visitor returned false at `position`; torn: a batch runs past
 * `end` or fewer than 17 bytes remain; invalid: bad magic or a batch length below the minimum. */
export type ScanEnd = 'end' | 'stopped' | 'torn' | 'invalid';

export interface ScanResult {
  /** Position of the first batch not consumed (the end of the valid data for torn/invalid). */
  position: number;
  end: ScanEnd;
  reason?: string;
}

const DEFAULT_CHUNK = 64 * 1024;

/**
 * The chunk of header-only scans with the default chunk size (offset translation on every fetch):
 * reused, since a scan is synchronous and its cursor is only valid during the visit. A scan
 * started from inside a visitor gets its own.
 */
const sharedChunk = Buffer.allocUnsafeSlow(DEFAULT_CHUNK);
let sharedChunkInUse = false;

export function scanBatches(
  fs: StorageFs,
  fd: number,
  start: number,
  end: number,
  visit: (b: BatchCursor) => boolean | void,
  opts: { withBody?: boolean; chunkSize?: number } = {},
): ScanResult {
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK;
  const useShared = !sharedChunkInUse && chunkSize === DEFAULT_CHUNK && !opts.withBody;
  if (!useShared) return scanWith(Buffer.allocUnsafe(Math.min(chunkSize, Math.max(0, end - start))), chunkSize, fs, fd, start, end, visit, opts.withBody);
  sharedChunkInUse = true;
  try {
    return scanWith(sharedChunk, chunkSize, fs, fd, start, end, visit, opts.withBody);
  } finally {
    sharedChunkInUse = false;
  }
}

function scanWith(
  chunk: Buffer,
  chunkSize: number,
  fs: StorageFs,
  fd: number,
  start: number,
  end: number,
  visit: (b: BatchCursor) => boolean | void,
  withBody = false,
): ScanResult {
  let chunkStart = start;
  let chunkLen = 0;
  let pos = start;
  const cursor: BatchCursor = { position: 0, size: 0, baseOffset: 0n, lastOffset: 0n, maxTimestamp: 0n, buf: chunk, at: 0 };

  /** Makes chunk cover [pos, pos + n); false if the file is shorter. */
  const cover = (n: number): boolean => {
    if (pos >= chunkStart && pos + n <= chunkStart + chunkLen) return true;
    const want = Math.min(Math.max(n, chunkSize), end - pos);
    if (want < n) return false;
    if (chunk.length < want) chunk = Buffer.allocUnsafe(want);
    chunkStart = pos;
    chunkLen = fs.pread(fd, chunk, 0, want, pos);
    return chunkLen >= n;
  };

  while (pos < end) {
    const remaining = end - pos;
    if (remaining < HEADER_SIZE_UP_TO_MAGIC || !cover(HEADER_SIZE_UP_TO_MAGIC)) {
      return { position: pos, end: 'torn', reason: `${remaining} bytes left, less than a batch header` };
    }
    let at = pos - chunkStart;
    const batchLength = chunk.readInt32BE(at + BATCH_LENGTH);
    const magic = chunk.readInt8(at + MAGIC);
    if (magic !== 2) return { position: pos, end: 'invalid', reason: `magic ${magic}` };
    if (batchLength < MIN_BATCH_LENGTH) return { position: pos, end: 'invalid', reason: `batch length ${batchLength}` };
    const size = LOG_OVERHEAD + batchLength;
    if (size > remaining) return { position: pos, end: 'torn', reason: `batch of ${size} bytes but ${remaining} left` };
    if (!cover(withBody ? size : BATCH_HEADER_SIZE)) {
      return { position: pos, end: 'torn', reason: 'short read' };
    }
    at = pos - chunkStart;
    cursor.position = pos;
    cursor.size = size;
    cursor.baseOffset = chunk.readBigInt64BE(at + BASE_OFFSET);
    cursor.lastOffset = cursor.baseOffset + BigInt(chunk.readInt32BE(at + LAST_OFFSET_DELTA));
    cursor.maxTimestamp = chunk.readBigInt64BE(at + MAX_TIMESTAMP);
    cursor.buf = chunk;
    cursor.at = at;
    if (visit(cursor) === false) return { position: pos, end: 'stopped' };
    pos += size;
  }
  return { position: pos, end: 'end' };
}
