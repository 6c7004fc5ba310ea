/**
 * Validation of a Produce request's records for one partition, with Kafka's error codes and
 * messages. Bad client input never throws: every outcome is a result value.
 *
 * validateBatchForAppend() does the checks that need only the header and the CRC, in Kafka 4.0's
 * order (sources read: clients/.../requests/ProduceRequest.validateRecords, called by
 * KafkaApis.handleProduceRequest; storage/.../log/UnifiedLog.analyzeAndValidateRecords;
 * storage/.../log/LogValidator.validateBatch for AppendOrigin.CLIENT;
 * clients/.../record/ByteBufferLogInputStream.nextBatchSize; DefaultRecordBatch.isValid):
 *   1. framing of the first batch: batchLength < 14 or magic outside 0..2 -> CORRUPT_MESSAGE;
 *      no complete batch -> INVALID_RECORD "must have at least one record batch per partition"
 *   2. magic != 2 -> INVALID_RECORD "only allowed to contain record batches with magic version 2".
 *      Kafka 4.0 removed Produce v0-v2, so for every version it still parses a v0/v1 message set
 *      gets INVALID_RECORD (InvalidRecordException), never UNSUPPORTED_FOR_MESSAGE_FORMAT, which
 *      LogValidator only raises when converting down to an old topic message format.
 *   3. zstd in a Produce request below v7 -> UNSUPPORTED_COMPRESSION_TYPE
 *   4. a second complete batch -> INVALID_RECORD "exactly one record batch per partition";
 *      trailing bytes that are not a whole batch are ignored (Kafka trims them: trailingBytes)
 *   5. baseOffset != 0 -> INVALID_RECORD
 *   6. batch size > max.message.bytes -> MESSAGE_TOO_LARGE
 *   7. shorter than the 61-byte header or CRC-32C mismatch -> CORRUPT_MESSAGE
 *   8. compression type 5-7 -> UNKNOWN_SERVER_ERROR (Java's CompressionType.forId throws an
 *      IllegalArgumentException, which the broker answers as an unknown server error)
 *   9. lastOffsetDelta + 1 <= 0, recordsCount <= 0, or the two disagreeing -> INVALID_RECORD;
 *      a control batch from a client -> INVALID_RECORD; a producer id with baseSequence < 0 ->
 *      INVALID_RECORD
 *
 * validateRecordsForAppend() does LogValidator's per-record work, which needs the records
 * (decompressed once if compressed); call it only where the topic needs it (compacted topics,
 * timestamp bounds, compressed batches, LogAppendTime topics):
 *   - the declared recordsCount matches the records present, each record's length is right
 *     (CorruptRecordError from record.ts) -> INVALID_RECORD
 *   - compacted topic and a null key -> INVALID_RECORD with a per-record error
 *   - CreateTime topic and a timestamp outside [now - before.max.ms, now + after.max.ms], or a
 *     LogAppendTime batch from a producer to a LogAppendTime topic -> INVALID_TIMESTAMP
 *   - it also reports the max timestamp and whether offset deltas run 0,1,2,...: Kafka does not
 *     reject non-consecutive inner offsets but rebuilds (recompresses) such a compressed batch.
 *   Kafka answers a stream its codec cannot decode with UNKNOWN_SERVER_ERROR (a KafkaException
 *   "Failed to decompress record stream" reaches ReplicaManager's catch-all); so does this.
 *   Kafka has no decompression limit; a stream over maxDecompressedBytes is answered
 *   INVALID_RECORD, like Kafka's "Incorrect declared batch size" for surplus data.
 */
import {
  BATCH_HEADER_SIZE,
  BatchHeader,
  CompressionType,
  CURRENT_MAGIC,
  NO_TIMESTAMP,
  TimestampType,
} from './batch-header.js';
import { nextBatchSize } from './batch-iterator.js';
import { isBatchCrcValid } from './batch-patch.js';
import { isKnownCompression } from './compression/index.js';
import { CorruptRecordError, DecompressionError, DecompressionLimitError } from './errors.js';
import { iterateRecords } from './read-records.js';

/** The Kafka error codes these validations return. */
export const RecordErrorCode = {
  NONE: 0,
  UNKNOWN_SERVER_ERROR: -1,
  CORRUPT_MESSAGE: 2,
  MESSAGE_TOO_LARGE: 10,
  INVALID_TIMESTAMP: 32,
  UNSUPPORTED_FOR_MESSAGE_FORMAT: 43,
  UNSUPPORTED_COMPRESSION_TYPE: 76,
  INVALID_RECORD: 87,
} as const;

export type BatchRejectionReason =
  | 'corrupt-framing'
  | 'no-batch'
  | 'legacy-magic'
  | 'zstd-before-produce-v7'
  | 'multiple-batches'
  | 'non-zero-base-offset'
  | 'too-large'
  | 'corrupt-crc'
  | 'unknown-compression'
  | 'invalid-offset-range'
  | 'invalid-count'
  | 'inconsistent-count'
  | 'control-batch'
  | 'invalid-sequence';

export type BatchValidation =
  | {
      ok: true;
      /** The single batch, a slice of the input. Append this, not the input. */
      batch: Buffer;
      header: BatchHeader;
      /** Bytes after the batch that do not form another whole batch (dropped, as Kafka does). */
      trailingBytes: number;
    }
  | { ok: false; errorCode: number; errorMessage: string; reason: BatchRejectionReason };

export interface BatchValidationOptions {
  /** Produce request version: zstd is refused below 7. Omit to skip that check. */
  produceVersion?: number;
  /** The topic's max.message.bytes. */
  maxMessageBytes?: number;
  /** "topic-partition", used in messages as Kafka does. */
  topicPartition?: string;
}

function reject(errorCode: number, reason: BatchRejectionReason, errorMessage: string): BatchValidation {
  return { ok: false, errorCode, errorMessage, reason };
}

/** Header-level validation of the records a client sent for one partition. Never throws. */
export function validateBatchForAppend(records: Buffer, options: BatchValidationOptions = {}): BatchValidation {
  const tp = options.topicPartition ?? 'unknown';
  const version = options.produceVersion ?? 'unknown';
  const C = RecordErrorCode;

  let size: number | null;
  try {
    size = nextBatchSize(records, 0, records.length);
  } catch (err) {
    return reject(C.CORRUPT_MESSAGE, 'corrupt-framing', (err as Error).message);
  }
  if (size === null) {
    return reject(C.INVALID_RECORD, 'no-batch', `Produce requests with version ${version} must have at least one record batch per partition`);
  }
  const header = new BatchHeader(records);
  if (header.magic !== CURRENT_MAGIC) {
    return reject(
      C.INVALID_RECORD,
      'legacy-magic',
      `Produce requests with version ${version} are only allowed to contain record batches with magic version 2`,
    );
  }
  const compression = header.compression;
  if (options.produceVersion !== undefined && options.produceVersion < 7 && compression === CompressionType.Zstd) {
    return reject(
      C.UNSUPPORTED_COMPRESSION_TYPE,
      'zstd-before-produce-v7',
      `Produce requests with version ${version} are not allowed to use ZStandard compression`,
    );
  }
  try {
    if (nextBatchSize(records, size, records.length) !== null) {
      return reject(
        C.INVALID_RECORD,
        'multiple-batches',
        `Produce requests with version ${version} are only allowed to contain exactly one record batch per partition`,
      );
    }
  } catch (err) {
    return reject(C.CORRUPT_MESSAGE, 'corrupt-framing', (err as Error).message);
  }
  const baseOffset = header.baseOffset;
  if (baseOffset !== 0n) {
    return reject(
      C.INVALID_RECORD,
      'non-zero-base-offset',
      `The baseOffset of the record batch in the append to ${tp} should be 0, but it is ${baseOffset}`,
    );
  }
  if (options.maxMessageBytes !== undefined && size > options.maxMessageBytes) {
    return reject(
      C.MESSAGE_TOO_LARGE,
      'too-large',
      `The record batch size in the append to ${tp} is ${size} bytes which exceeds the maximum configured value of ${options.maxMessageBytes}.`,
    );
  }
  if (size < BATCH_HEADER_SIZE || !isBatchCrcValid(records, 0)) {
    return reject(C.CORRUPT_MESSAGE, 'corrupt-crc', `Record is corrupt (stored crc = ${header.crc}) in topic partition ${tp}.`);
  }
  if (!isKnownCompression(compression)) {
    return reject(C.UNKNOWN_SERVER_ERROR, 'unknown-compression', `Unknown compression type id: ${compression}`);
  }
  const lastOffsetDelta = header.lastOffsetDelta;
  const countFromOffsets = lastOffsetDelta + 1;
  if (countFromOffsets <= 0) {
    return reject(
      C.INVALID_RECORD,
      'invalid-offset-range',
      `Batch has an invalid offset range: [${baseOffset}, ${header.lastOffset}] in topic partition ${tp}`,
    );
  }
  const count = header.recordsCount;
  if (count <= 0) {
    return reject(C.INVALID_RECORD, 'invalid-count', `Invalid reported count for record batch: ${count} in topic partition ${tp}`);
  }
  if (countFromOffsets !== count) {
    return reject(
      C.INVALID_RECORD,
      'inconsistent-count',
      `Inconsistent batch offset range [${baseOffset}, ${header.lastOffset}] and count of records ${count} in topic partition ${tp}`,
    );
  }
  if (header.isControl) {
    return reject(C.INVALID_RECORD, 'control-batch', `Clients are not allowed to write control records in topic partition ${tp}`);
  }
  if (header.producerId > -1n && header.baseSequence < 0) {
    return reject(
      C.INVALID_RECORD,
      'invalid-sequence',
      `Invalid sequence number ${header.baseSequence} in record batch with producerId ${header.producerId} in topic partition ${tp}`,
    );
  }
  return { ok: true, batch: records.subarray(0, size), header: new BatchHeader(records.subarray(0, size)), trailingBytes: records.length - size };
}

export interface RecordsValidationOptions {
  /** Largest decompressed records section accepted (INVALID_RECORD above it). */
  maxDecompressedBytes: number;
  /** cleanup.policy includes compact: every record needs a key. */
  compacted?: boolean;
  /** The topic's message.timestamp.type (default CreateTime). */
  timestampType?: TimestampType;
  /** Broker time for the timestamp bounds (default now). */
  nowMs?: bigint;
  /** message.timestamp.before.max.ms (default Long.MAX_VALUE: no bound). */
  timestampBeforeMaxMs?: bigint;
  /** message.timestamp.after.max.ms (default Long.MAX_VALUE: no bound). */
  timestampAfterMaxMs?: bigint;
  topicPartition?: string;
}

export interface RecordError {
  /** Index of the record in the batch. */
  batchIndex: number;
  message: string;
}

export interface RecordsValidation {
  /** 0 when every record is acceptable. */
  errorCode: number;
  errorMessage: string | null;
  /** Per-record errors (Produce v8+ record_errors). */
  recordErrors: RecordError[];
  recordCount: number;
  /** Largest record timestamp (what Kafka stores as the batch maxTimestamp under CreateTime), or -1. */
  maxTimestamp: bigint;
  /** offsetDelta of the first record holding maxTimestamp, or -1. */
  offsetDeltaOfMaxTimestamp: number;
  /** Whether offsetDeltas run 0, 1, 2, ...; Kafka rebuilds a compressed batch whose inner offsets do not. */
  offsetsConsecutive: boolean;
}

const LONG_MAX = 0x7fffffffffffffffn;

function failure(errorCode: number, errorMessage: string): RecordsValidation {
  return {
    errorCode,
    errorMessage,
    recordErrors: [],
    recordCount: 0,
    maxTimestamp: NO_TIMESTAMP,
    offsetDeltaOfMaxTimestamp: -1,
    offsetsConsecutive: false,
  };
}

function formatRecordErrors(errors: RecordError[]): string {
  return `[${errors
    .slice(0, 3)
    .map((e) => `RecordError(batchIndex=${e.batchIndex}, message='${e.message}')`)
    .join(', ')}]`;
}

/**
 * Per-record validation of a batch that passed validateBatchForAppend(). Never throws for bad
 * input; only programming errors (such as a bad maxDecompressedBytes) escape.
 */
export async function validateRecordsForAppend(batch: Buffer, options: RecordsValidationOptions): Promise<RecordsValidation> {
  const C = RecordErrorCode;
  const tp = options.topicPartition ?? 'unknown';
  const header = new BatchHeader(batch);
  const createTimeTopic = (options.timestampType ?? TimestampType.CreateTime) === TimestampType.CreateTime;
  const now = options.nowMs ?? BigInt(Date.now());
  const beforeMax = options.timestampBeforeMaxMs ?? LONG_MAX;
  const afterMax = options.timestampAfterMaxMs ?? LONG_MAX;
  const recordErrors: RecordError[] = [];
  let timestampError = false;
  let maxTimestamp = NO_TIMESTAMP;
  let offsetDeltaOfMaxTimestamp = -1;
  let offsetsConsecutive = true;
  let index = 0;
  try {
    const records = await iterateRecords(batch, { maxDecompressedBytes: options.maxDecompressedBytes });
    for (const record of records) {
      if (record.offsetDelta !== index) offsetsConsecutive = false;
      if (record.timestamp > maxTimestamp) {
        maxTimestamp = record.timestamp;
        offsetDeltaOfMaxTimestamp = record.offsetDelta;
      }
      if (options.compacted && record.key === null) {
        recordErrors.push({ batchIndex: index, message: `Compacted topic cannot accept message without key in topic partition ${tp}.` });
      } else if (createTimeTopic && record.timestamp !== NO_TIMESTAMP) {
        const diff = now - record.timestamp;
        if (diff > beforeMax || -diff > afterMax) {
          timestampError = true;
          recordErrors.push({
            batchIndex: index,
            message:
              `Timestamp ${record.timestamp} of message with offset ${record.offset} is out of range. ` +
              `The timestamp should be within [${now - beforeMax}, ${now + afterMax}]`,
          });
        }
      } else if (header.isLogAppendTime) {
        timestampError = true;
        recordErrors.push({
          batchIndex: index,
          message: `Invalid timestamp type in message with offset ${record.offset}. Producer should not set timestamp type to LogAppendTime.`,
        });
      }
      index++;
    }
  } catch (err) {
    if (err instanceof DecompressionLimitError) return failure(C.INVALID_RECORD, err.message);
    if (err instanceof DecompressionError) return failure(C.UNKNOWN_SERVER_ERROR, `Failed to decompress record stream: ${err.message}`);
    if (err instanceof CorruptRecordError) return failure(C.INVALID_RECORD, err.message);
    throw err;
  }
  let errorCode: number = C.NONE;
  let errorMessage: string | null = null;
  if (timestampError) {
    errorCode = C.INVALID_TIMESTAMP;
    errorMessage = 'One or more records have been rejected due to invalid timestamp';
  } else if (recordErrors.length > 0) {
    errorCode = C.INVALID_RECORD;
    errorMessage =
      `One or more records have been rejected due to ${recordErrors.length} record errors in total, ` +
      `and only showing the first three errors at most: ${formatRecordErrors(recordErrors)}`;
  }
  return { errorCode, errorMessage, recordErrors, recordCount: index, maxTimestamp, offsetDeltaOfMaxTimestamp, offsetsConsecutive };
}
