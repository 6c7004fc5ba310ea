/**
 * Splits a `records` blob (batches back to back, as in Produce and Fetch and on disk) into
 * zero-copy slices, one per batch, framed by the fields every message format shares:
 * baseOffset int64 | batchLength int32 | ... magic int8 at offset 16.
 *
 * Follows Java's ByteBufferLogInputStream.nextBatchSize(): fewer than 12 bytes, fewer than 17, or
 * fewer than the batch claims end the iteration (a Fetch response may end with a truncated batch;
 * `trailingBytes` tells how many bytes were left over); a batchLength below 14 or above
 * `maxBatchBytes`, or a magic outside 0..2, is corruption and throws CorruptRecordError.
 * Slices of legacy (magic 0/1) entries are yielded too: check `buf[16]` before interpreting one.
 */
import { BATCH_LENGTH, CURRENT_MAGIC, HEADER_SIZE_UP_TO_MAGIC, LOG_OVERHEAD, MAGIC, MIN_BATCH_LENGTH } from './batch-header.js';
import { CorruptRecordError } from './errors.js';

export class BatchIterator implements IterableIterator<Buffer> {
  private pos: number;
  private done = false;
  /** Set when iteration ends: bytes at the end that do not form a whole batch. */
  trailingBytes = 0;

  constructor(
    private readonly buf: Buffer,
    start = 0,
    private readonly end = buf.length,
    private readonly maxBatchBytes = 0x7fffffff,
  ) {
    this.pos = start;
  }

  [Symbol.iterator](): BatchIterator {
    return this;
  }

  /** True once iteration has ended on a truncated batch. */
  get hasPartialBatch(): boolean {
    return this.trailingBytes > 0;
  }

  /** Offset in the buffer of the next batch (or of the trailing bytes once done). */
  get position(): number {
    return this.pos;
  }

  next(): IteratorResult<Buffer, undefined> {
    if (this.done) return { done: true, value: undefined };
    const size = nextBatchSize(this.buf, this.pos, this.end, this.maxBatchBytes);
    if (size === null) {
      this.done = true;
      this.trailingBytes = this.end - this.pos;
      return { done: true, value: undefined };
    }
    const batch = this.buf.subarray(this.pos, this.pos + size);
    this.pos += size;
    return { done: false, value: batch };
  }
}

/** Batches in buf[start, end). */
export function iterateBatches(buf: Buffer, start = 0, end = buf.length, maxBatchBytes?: number): BatchIterator {
  return new BatchIterator(buf, start, end, maxBatchBytes);
}

/**
 * Size in bytes of the whole batch at `pos`, or null when the bytes up to `end` do not hold all of
 * it. Throws CorruptRecordError for an impossible length or magic (Java's nextBatchSize()).
 */
export function nextBatchSize(buf: Buffer, pos: number, end: number, maxBatchBytes = 0x7fffffff): number | null {
  const remaining = end - pos;
  if (remaining < LOG_OVERHEAD) return null;
  const batchLength = buf.readInt32BE(pos + BATCH_LENGTH);
  if (batchLength < MIN_BATCH_LENGTH) {
    throw new CorruptRecordError(`Record size ${batchLength} is less than the minimum record overhead (${MIN_BATCH_LENGTH})`);
  }
  if (batchLength > maxBatchBytes) {
    throw new CorruptRecordError(`Record size ${batchLength} exceeds the largest allowable message size (${maxBatchBytes}).`);
  }
  if (remaining < HEADER_SIZE_UP_TO_MAGIC) return null;
  const magic = buf.readInt8(pos + MAGIC);
  if (magic < 0 || magic > CURRENT_MAGIC) throw new CorruptRecordError(`Invalid magic found in record: ${magic}`);
  const size = LOG_OVERHEAD + batchLength;
  return size > remaining ? null : size;
}
