/**
 * Finding the first record with timestamp >= target inside one batch (ListOffsets by time,
 * and the exact offset of the max timestamp). Injected into PartitionLog so the records module
 * can supply a decoder that understands compressed batches.
 *
 * The default here reads uncompressed batches record by record. LogAppendTime batches need no
 * decoding (every record carries maxTimestamp). For a compressed CreateTime batch it cannot
 * look inside and answers approximately: the batch's first offset (>= startingOffset), with
 * baseTimestamp when that already reaches the target (exact: it is the first record's time),
 * else maxTimestamp. Consumers seeking by time then start a little early, never late.
 */
import { BatchHeader, CompressionType, RECORDS } from '../protocol/records/batch-header.js';
import { Reader } from '../protocol/primitives/reader.js';

export interface RecordTimestampOffset {
  offset: bigint;
  timestamp: bigint;
}

/** First record with timestamp >= targetTimestamp and offset >= startingOffset, or null. */
export type FindOffsetByTimestampInBatch = (
  batch: Buffer,
  targetTimestamp: bigint,
  startingOffset: bigint,
) => RecordTimestampOffset | null;

export const findOffsetByTimestampInBatch: FindOffsetByTimestampInBatch = (batch, targetTimestamp, startingOffset) => {
  const h = new BatchHeader(batch);
  const base = h.baseOffset;
  const last = h.lastOffset;
  if (startingOffset > last) return null;
  const first = startingOffset > base ? startingOffset : base;
  if (h.isLogAppendTime) {
    return h.maxTimestamp >= targetTimestamp ? { offset: first, timestamp: h.maxTimestamp } : null;
  }
  if (h.compression !== CompressionType.None) {
    if (h.maxTimestamp < targetTimestamp) return null;
    const ts = h.baseTimestamp >= targetTimestamp ? h.baseTimestamp : h.maxTimestamp;
    return { offset: first, timestamp: ts };
  }
  const baseTimestamp = h.baseTimestamp;
  const count = h.recordsCount;
  const r = new Reader(batch, RECORDS, batch.length);
  try {
    for (let i = 0; i < count; i++) {
      const length = r.readVarint();
      const next = r.offset + length;
      r.readInt8(); // attributes
      const timestamp = baseTimestamp + r.readVarlong();
      const offset = base + BigInt(r.readVarint());
      if (timestamp >= targetTimestamp && offset >= startingOffset) return { offset, timestamp };
      r.offset = next;
    }
  } catch {
    return null; // malformed records: nothing found in this batch
  }
  return null;
};
