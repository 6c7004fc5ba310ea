/**
 * Compression on append (Kafka's LogValidator with a topic/broker compression.type): when the
 * topic's compression.type is a codec (uncompressed, gzip, snappy, lz4, zstd) other than the
 * batch's, the leader rewrites the batch with the topic's codec; 'producer' keeps whatever the
 * producer sent.
 *
 * The records section of a v2 batch does not depend on the codec, so a rewrite is per batch, not
 * per record: decompress the section, compress it with the target codec, then the header gets the
 * new codec bits, length and CRC (offsets, timestamps, producer id/epoch/sequence, transactional
 * flag and partition leader epoch stay; LogAppendTime is applied afterwards by the log as for any
 * batch). Only a batch whose inner offset deltas do not run 0, 1, 2... is re-encoded record by
 * record (Kafka rebuilds those with consecutive offsets too).
 *
 * Levels: compression.gzip.level is honoured (-1: zlib's default, 6, as java.util.zip); lz4-napi
 * has no level and @mongodb-js/zstd 1.2.2 ignores it, so compression.lz4.level and
 * compression.zstd.level are accepted and shown but change nothing here.
 *
 * Everything runs off the event loop where the codec allows: zstd and gzip inputs above 64 KiB go
 * to the thread pool; snappy and lz4 are fast native calls (hundreds of MB/s), a 1 MiB batch
 * costs a few ms.
 */
import {
  ATTRIBUTES,
  BATCH_HEADER_SIZE,
  BATCH_LENGTH,
  BatchHeader,
  COMPRESSION_MASK,
  CompressionType,
  CRC,
  LOG_OVERHEAD,
  RECORDS,
  TimestampType,
} from '../protocol/records/batch-header.js';
import { buildRecordBatch } from '../protocol/records/build-batch.js';
import { compress, decompress } from '../protocol/records/compression/index.js';
import { crc32c } from '../protocol/crc32c.js';
import { iterateRecords } from '../protocol/records/read-records.js';

/** A topic's compression.type ('producer' keeps the batch codec) and its level settings. */
export interface CompressionSettings {
  type: CompressionType | 'producer';
  gzipLevel: number;
  lz4Level: number;
  zstdLevel: number;
}

const BY_NAME: Record<string, CompressionType | 'producer'> = {
  producer: 'producer',
  uncompressed: CompressionType.None,
  gzip: CompressionType.Gzip,
  snappy: CompressionType.Snappy,
  lz4: CompressionType.Lz4,
  zstd: CompressionType.Zstd,
};

export function compressionTypeOf(name: string): CompressionType | 'producer' {
  return BY_NAME[name.toLowerCase()] ?? 'producer';
}

/** The codec to rewrite a batch with, or null when it stays as the producer sent it. */
export function targetCompression(settings: CompressionSettings | undefined, batchCompression: CompressionType): CompressionType | null {
  if (!settings || settings.type === 'producer' || settings.type === batchCompression) return null;
  return settings.type;
}

function levelFor(settings: CompressionSettings, type: CompressionType): number | undefined {
  switch (type) {
    case CompressionType.Gzip:
      return settings.gzipLevel === -1 ? undefined : settings.gzipLevel;
    case CompressionType.Lz4:
      return settings.lz4Level;
    case CompressionType.Zstd:
      return settings.zstdLevel;
    default:
      return undefined;
  }
}

/**
 * The batch rewritten with `target` (the input is not modified). The batch passed validation,
 * records included; maxDecompressedBytes bounds the decompression as there.
 */
export async function recompressBatch(batch: Buffer, target: CompressionType, settings: CompressionSettings, opts: { maxDecompressedBytes: number; offsetsConsecutive: boolean }): Promise<Buffer> {
  const h = new BatchHeader(batch);
  const level = levelFor(settings, target);
  if (!opts.offsetsConsecutive) {
    const records = (await iterateRecords(batch, { maxDecompressedBytes: opts.maxDecompressedBytes })).toArray();
    return buildRecordBatch({
      records: records.map((r) => ({ key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp })),
      compression: target,
      ...(level !== undefined ? { compressionLevel: level } : {}),
      producerId: h.producerId,
      producerEpoch: h.producerEpoch,
      baseSequence: h.baseSequence,
      isTransactional: h.isTransactional,
      partitionLeaderEpoch: h.partitionLeaderEpoch,
      timestampType: h.isLogAppendTime ? TimestampType.LogAppendTime : TimestampType.CreateTime,
      logAppendTime: h.maxTimestamp,
      defaultTimestamp: h.maxTimestamp,
    });
  }
  const size = h.sizeInBytes;
  const tail = batch.subarray(RECORDS, size);
  const section = h.compression === CompressionType.None ? tail : await decompress(h.compression, tail, opts.maxDecompressedBytes);
  const compressed = target === CompressionType.None ? section : await compress(target, section, level);
  const out = Buffer.allocUnsafe(BATCH_HEADER_SIZE + compressed.length);
  batch.copy(out, 0, 0, BATCH_HEADER_SIZE);
  compressed.copy(out, BATCH_HEADER_SIZE);
  out.writeInt32BE(out.length - LOG_OVERHEAD, BATCH_LENGTH);
  out.writeInt16BE((h.attributes & ~COMPRESSION_MASK) | target, ATTRIBUTES);
  out.writeUInt32BE(crc32c(out, ATTRIBUTES), CRC);
  return out;
}
