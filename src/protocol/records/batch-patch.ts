/**
 * In-place edits of a v2 batch header (layout in batch-header.ts), as the leader makes on append.
 * baseOffset and partitionLeaderEpoch lie outside the CRC (which covers bytes 21..end), so setting
 * them costs nothing; changing attributes or maxTimestamp recomputes the CRC-32C.
 * Every function takes the buffer and the batch's position in it (default 0).
 */
import { crc32c } from '../crc32c.js';
import {
  ATTRIBUTES,
  BASE_OFFSET,
  BATCH_HEADER_SIZE,
  BATCH_LENGTH,
  CRC,
  LAST_OFFSET_DELTA,
  LOG_OVERHEAD,
  MAX_TIMESTAMP,
  PARTITION_LEADER_EPOCH,
  TIMESTAMP_TYPE_MASK,
  TimestampType,
} from './batch-header.js';

function batchEnd(buf: Buffer, pos: number): number {
  return pos + LOG_OVERHEAD + buf.readInt32BE(pos + BATCH_LENGTH);
}

/** CRC-32C of attributes..end, the value the crc field must hold. */
export function computeBatchCrc(buf: Buffer, pos = 0): number {
  return crc32c(buf, pos + ATTRIBUTES, batchEnd(buf, pos));
}

/** Java's DefaultRecordBatch.isValid(): at least a whole header, and the stored CRC matches. */
export function isBatchCrcValid(buf: Buffer, pos = 0): boolean {
  const end = batchEnd(buf, pos);
  if (end - pos < BATCH_HEADER_SIZE || end > buf.length) return false;
  return buf.readUInt32BE(pos + CRC) === crc32c(buf, pos + ATTRIBUTES, end);
}

/** Recomputes and stores the CRC after an edit inside the covered range. */
export function updateBatchCrc(buf: Buffer, pos = 0): void {
  buf.writeUInt32BE(computeBatchCrc(buf, pos), pos + CRC);
}

export function setBaseOffset(buf: Buffer, baseOffset: bigint, pos = 0): void {
  buf.writeBigInt64BE(baseOffset, pos + BASE_OFFSET);
}

/** Java's setLastOffset(): baseOffset = lastOffset - lastOffsetDelta. */
export function setLastOffset(buf: Buffer, lastOffset: bigint, pos = 0): void {
  setBaseOffset(buf, lastOffset - BigInt(buf.readInt32BE(pos + LAST_OFFSET_DELTA)), pos);
}

export function setPartitionLeaderEpoch(buf: Buffer, epoch: number, pos = 0): void {
  buf.writeInt32BE(epoch, pos + PARTITION_LEADER_EPOCH);
}

/**
 * Java's setMaxTimestamp(): sets the timestamp-type bit and maxTimestamp, then the CRC; does
 * nothing (and keeps the CRC) when both are already as asked. Returns whether the batch changed.
 * Other attribute bits are kept.
 */
export function setMaxTimestamp(buf: Buffer, timestampType: TimestampType, maxTimestamp: bigint, pos = 0): boolean {
  const attributes = buf.readInt16BE(pos + ATTRIBUTES);
  const wanted = timestampType === TimestampType.LogAppendTime ? attributes | TIMESTAMP_TYPE_MASK : attributes & ~TIMESTAMP_TYPE_MASK;
  if (attributes === wanted && buf.readBigInt64BE(pos + MAX_TIMESTAMP) === maxTimestamp) return false;
  buf.writeInt16BE(wanted, pos + ATTRIBUTES);
  buf.writeBigInt64BE(maxTimestamp, pos + MAX_TIMESTAMP);
  updateBatchCrc(buf, pos);
  return true;
}

/** Marks the batch LogAppendTime with the broker's append time (every record then reads as that time). */
export function setLogAppendTime(buf: Buffer, appendTimeMs: bigint, pos = 0): boolean {
  return setMaxTimestamp(buf, TimestampType.LogAppendTime, appendTimeMs, pos);
}
