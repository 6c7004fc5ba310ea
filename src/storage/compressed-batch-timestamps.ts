/**
 * The broker's FindOffsetByTimestampInBatch (the hook of batch-timestamps.ts, injected through
 * LogManager): exact answers for compressed CreateTime batches too, as Kafka's
 * LogSegment.findOffsetByTimestamp gives them, by decompressing the one batch that can hold the
 * answer (segment.ts only calls it for a batch whose maxTimestamp reaches the target).
 *
 * gzip, snappy and lz4 are decompressed synchronously (the search is synchronous: ListOffsets,
 * the time index); a batch is at most max.message.bytes compressed, so this costs a few ms at
 * worst and only for ListOffsets by timestamp. zstd has no synchronous decoder here
 * (@mongodb-js/zstd is async-only): for a zstd batch the answer stays the approximate one of
 * batch-timestamps.ts (the batch's first offset at or after the starting offset, never later
 * than the exact record), so a consumer seeking by time on a zstd topic starts at most one batch
 * early. LogAppendTime batches and uncompressed batches need no decompression.
 */
import { BatchHeader, CompressionType, RECORDS } from '../protocol/records/batch-header.js';
import { decompressSync } from '../protocol/records/compression/index.js';
import { findOffsetByTimestampInBatch, type FindOffsetByTimestampInBatch } from './batch-timestamps.js';
import { newRecordCursor, RecordScanner } from './cleaner/record-scan.js';

/** Decompression bound for one batch (a batch holds at most max.message.bytes compressed). */
const MAX_DECOMPRESSED_BYTES = 256 * 1024 * 1024;

export const decompressingFindOffsetByTimestampInBatch: FindOffsetByTimestampInBatch = (batch, targetTimestamp, startingOffset) => {
  const h = new BatchHeader(batch);
  const compression = h.compression;
  if (h.isLogAppendTime || compression === CompressionType.None || compression === CompressionType.Zstd) {
    return findOffsetByTimestampInBatch(batch, targetTimestamp, startingOffset);
  }
  if (startingOffset > h.lastOffset || h.maxTimestamp < targetTimestamp) return null;
  let records: Buffer;
  try {
    records = decompressSync(compression, batch.subarray(RECORDS, h.sizeInBytes), MAX_DECOMPRESSED_BYTES);
  } catch {
    return findOffsetByTimestampInBatch(batch, targetTimestamp, startingOffset);
  }
  const base = h.baseOffset;
  const baseTimestamp = h.baseTimestamp;
  const target = Number(targetTimestamp - baseTimestamp);
  const start = startingOffset - base;
  const c = newRecordCursor();
  try {
    const scanner = new RecordScanner(records, 0, records.length, h.recordsCount);
    while (scanner.next(c)) {
      if (c.timestampDelta >= target && BigInt(c.offsetDelta) >= start) {
        return { offset: base + BigInt(c.offsetDelta), timestamp: baseTimestamp + BigInt(c.timestampDelta) };
      }
    }
  } catch {
    return null; // malformed records: nothing found in this batch
  }
  return null;
};
