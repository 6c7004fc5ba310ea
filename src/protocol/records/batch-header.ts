/**
 * RecordBatch v2 header layout (61 bytes, big-endian), read and patched in place.
 *
 *   0 baseOffset int64 | 8 batchLength int32 | 12 partitionLeaderEpoch int32 | 16 magic int8
 *  17 crc uint32 (CRC-32C of bytes 21..end) | 21 attributes int16 | 23 lastOffsetDelta int32
 *  27 baseTimestamp int64 | 35 maxTimestamp int64 | 43 producerId int64 | 51 producerEpoch int16
 *  53 baseSequence int32 | 57 recordsCount int32 | 61 records...
 *
 * Whole batch size = 12 + batchLength. The magic byte sits at offset 16 in every message format,
 * so it tells a v2 batch from a legacy (magic 0/1) message set.
 */
export const BASE_OFFSET = 0;
export const BATCH_LENGTH = 8;
export const PARTITION_LEADER_EPOCH = 12;
export const MAGIC = 16;
export const CRC = 17;
export const ATTRIBUTES = 21;
export const LAST_OFFSET_DELTA = 23;
export const BASE_TIMESTAMP = 27;
export const MAX_TIMESTAMP = 35;
export const PRODUCER_ID = 43;
export const PRODUCER_EPOCH = 51;
export const BASE_SEQUENCE = 53;
export const RECORDS_COUNT = 57;
export const RECORDS = 61;

export const BATCH_HEADER_SIZE = 61;
/** Bytes needed to read baseOffset, batchLength and magic (the log overhead plus epoch and magic). */
export const LOG_OVERHEAD = 12;
export const HEADER_SIZE_UP_TO_MAGIC = 17;

export const COMPRESSION_MASK = 0x07;
export const TIMESTAMP_TYPE_MASK = 0x08;
export const TRANSACTIONAL_MASK = 0x10;
export const CONTROL_MASK = 0x20;
export const DELETE_HORIZON_MASK = 0x40;

export const NO_PRODUCER_ID = -1n;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
export const NO_PARTITION_LEADER_EPOCH = -1;
export const NO_TIMESTAMP = -1n;

export enum CompressionType {
  None = 0,
  Gzip = 1,
  Snappy = 2,
  Lz4 = 3,
  Zstd = 4,
}

/** Attribute bit 3. Under LogAppendTime every record's timestamp reads as the batch maxTimestamp. */
export enum TimestampType {
  CreateTime = 0,
  LogAppendTime = 1,
}

/** The only magic value this broker writes; 0 and 1 are the legacy message formats. */
export const CURRENT_MAGIC = 2;
/**
 * Smallest batchLength a log reader accepts before looking at the magic byte (Java's
 * LegacyRecord.RECORD_OVERHEAD_V0, the smallest entry of any format); smaller is corruption.
 */
export const MIN_BATCH_LENGTH = 14;

/** A zero-copy view of one batch's header fields. */
export class BatchHeader {
  constructor(readonly buf: Buffer, readonly pos = 0) {}

  get baseOffset(): bigint { return this.buf.readBigInt64BE(this.pos + BASE_OFFSET); }
  get batchLength(): number { return this.buf.readInt32BE(this.pos + BATCH_LENGTH); }
  /** Whole batch size in bytes, including baseOffset and batchLength. */
  get sizeInBytes(): number { return LOG_OVERHEAD + this.batchLength; }
  get partitionLeaderEpoch(): number { return this.buf.readInt32BE(this.pos + PARTITION_LEADER_EPOCH); }
  get magic(): number { return this.buf.readInt8(this.pos + MAGIC); }
  get crc(): number { return this.buf.readUInt32BE(this.pos + CRC); }
  get attributes(): number { return this.buf.readInt16BE(this.pos + ATTRIBUTES); }
  get compression(): CompressionType { return this.attributes & COMPRESSION_MASK; }
  get isLogAppendTime(): boolean { return (this.attributes & TIMESTAMP_TYPE_MASK) !== 0; }
  get isTransactional(): boolean { return (this.attributes & TRANSACTIONAL_MASK) !== 0; }
  get isControl(): boolean { return (this.attributes & CONTROL_MASK) !== 0; }
  get hasDeleteHorizon(): boolean { return (this.attributes & DELETE_HORIZON_MASK) !== 0; }
  get lastOffsetDelta(): number { return this.buf.readInt32BE(this.pos + LAST_OFFSET_DELTA); }
  get lastOffset(): bigint { return this.baseOffset + BigInt(this.lastOffsetDelta); }
  get baseTimestamp(): bigint { return this.buf.readBigInt64BE(this.pos + BASE_TIMESTAMP); }
  get maxTimestamp(): bigint { return this.buf.readBigInt64BE(this.pos + MAX_TIMESTAMP); }
  get producerId(): bigint { return this.buf.readBigInt64BE(this.pos + PRODUCER_ID); }
  get producerEpoch(): number { return this.buf.readInt16BE(this.pos + PRODUCER_EPOCH); }
  get baseSequence(): number { return this.buf.readInt32BE(this.pos + BASE_SEQUENCE); }
  /** baseSequence + lastOffsetDelta, wrapping at Int32.MAX_VALUE as Kafka does. */
  get lastSequence(): number {
    const base = this.baseSequence;
    if (base === NO_SEQUENCE) return NO_SEQUENCE;
    const last = base + this.lastOffsetDelta;
    return last > 0x7fffffff ? last - 0x80000000 : last;
  }
  get recordsCount(): number { return this.buf.readInt32BE(this.pos + RECORDS_COUNT); }
}
