/**
 * Reading the records of one v2 batch: check the header can be trusted for framing, decompress
 * the records tail once when the batch is compressed, then iterate lazily (record.ts).
 * The batch CRC is not checked here (validate.ts and batch-patch.ts do that).
 */
import { BATCH_HEADER_SIZE, BatchHeader, CompressionType, CURRENT_MAGIC, RECORDS } from './batch-header.js';
import { decompress, decompressSync } from './compression/index.js';
import { CorruptRecordError } from './errors.js';
import { type KafkaRecord, RecordIterator } from './record.js';

export interface ReadRecordsOptions {
  /** Largest decompressed records section accepted for a compressed batch (DecompressionLimitError above it). */
  maxDecompressedBytes: number;
}

/** Header of the v2 batch at the start of `batch`, after checking magic and length against the buffer. */
export function checkedBatchHeader(batch: Buffer): BatchHeader {
  if (batch.length < BATCH_HEADER_SIZE) {
    throw new CorruptRecordError(`batch of ${batch.length} bytes is shorter than the ${BATCH_HEADER_SIZE}-byte header`);
  }
  const header = new BatchHeader(batch);
  if (header.magic !== CURRENT_MAGIC) throw new CorruptRecordError(`expected a magic 2 batch, found magic ${header.magic}`);
  const size = header.sizeInBytes;
  if (size < BATCH_HEADER_SIZE || size > batch.length) {
    throw new CorruptRecordError(`batch length ${header.batchLength} does not fit the ${batch.length} bytes given`);
  }
  return header;
}

function contextOf(header: BatchHeader) {
  return {
    baseOffset: header.baseOffset,
    baseTimestamp: header.baseTimestamp,
    logAppendTime: header.isLogAppendTime ? header.maxTimestamp : null,
    baseSequence: header.baseSequence,
    recordsCount: header.recordsCount,
  };
}

function iteratorOver(header: BatchHeader, records: Buffer): RecordIterator {
  return new RecordIterator(records, 0, records.length, contextOf(header));
}

function emptyOrUncompressed(batch: Buffer, header: BatchHeader): RecordIterator | null {
  // Java returns an empty iterator for recordsCount 0 without looking at the tail.
  if (header.recordsCount === 0) return iteratorOver(header, batch.subarray(0, 0));
  if (header.compression === CompressionType.None) {
    return new RecordIterator(batch, RECORDS, header.sizeInBytes, contextOf(header));
  }
  return null;
}

/** The records of a batch; a compressed batch is decompressed (once, bounded) before iterating. */
export async function iterateRecords(batch: Buffer, options: ReadRecordsOptions): Promise<RecordIterator> {
  const header = checkedBatchHeader(batch);
  const direct = emptyOrUncompressed(batch, header);
  if (direct) return direct;
  const tail = batch.subarray(RECORDS, header.sizeInBytes);
  return iteratorOver(header, await decompress(header.compression, tail, options.maxDecompressedBytes));
}

/** iterateRecords() on the calling thread; throws RangeError for zstd batches. */
export function iterateRecordsSync(batch: Buffer, options: ReadRecordsOptions): RecordIterator {
  const header = checkedBatchHeader(batch);
  const direct = emptyOrUncompressed(batch, header);
  if (direct) return direct;
  const tail = batch.subarray(RECORDS, header.sizeInBytes);
  return iteratorOver(header, decompressSync(header.compression, tail, options.maxDecompressedBytes));
}

/** All records of a batch as an array. */
export async function readRecords(batch: Buffer, options: ReadRecordsOptions): Promise<KafkaRecord[]> {
  return (await iterateRecords(batch, options)).toArray();
}
