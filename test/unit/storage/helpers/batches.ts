/** Builds uncompressed v2 record batches with a correct CRC-32C for storage tests. */
import { Writer } from '../../../../src/protocol/primitives/writer.js';
import { crc32c } from '../../../../src/protocol/crc32c.js';
import { ATTRIBUTES, CRC } from '../../../../src/protocol/records/batch-header.js';

export interface BatchSpec {
  /** Number of records (default 1). */
  count?: number;
  /** Bytes of each record's value (default 16). */
  valueSize?: number;
  /** Absolute timestamp of each record (default baseTimestamp for all). */
  timestamps?: bigint[];
  baseTimestamp?: bigint;
  /** Extra attribute bits (e.g. a compression codec to fake a compressed batch). */
  attributes?: number;
  partitionLeaderEpoch?: number;
}

export function buildBatch(spec: BatchSpec = {}): Buffer {
  const count = spec.count ?? 1;
  const baseTimestamp = spec.baseTimestamp ?? spec.timestamps?.[0] ?? 1_000n;
  const timestamps = spec.timestamps ?? Array.from({ length: count }, () => baseTimestamp);
  const body = new Writer();
  for (let i = 0; i < count; i++) {
    const value = Buffer.alloc(spec.valueSize ?? 16, i % 251);
    const rec = new Writer();
    rec.writeInt8(0);
    rec.writeVarlong(timestamps[i]! - baseTimestamp);
    rec.writeVarint(i);
    rec.writeVarint(-1); // null key
    rec.writeVarint(value.length);
    rec.writeRaw(value);
    rec.writeVarint(0); // headers
    const r = rec.toBuffer();
    body.writeVarint(r.length);
    body.writeRaw(r);
  }
  const records = body.toBuffer();
  const maxTimestamp = timestamps.reduce((a, b) => (b > a ? b : a), -1n);
  const h = new Writer();
  h.writeInt64(0n);
  h.writeInt32(61 - 12 + records.length);
  h.writeInt32(spec.partitionLeaderEpoch ?? -1);
  h.writeInt8(2);
  h.writeUInt32(0);
  h.writeInt16(spec.attributes ?? 0);
  h.writeInt32(count - 1);
  h.writeInt64(baseTimestamp);
  h.writeInt64(maxTimestamp);
  h.writeInt64(-1n);
  h.writeInt16(-1);
  h.writeInt32(-1);
  h.writeInt32(count);
  const batch = Buffer.concat([h.toBuffer(), records]);
  batch.writeUInt32BE(crc32c(batch, ATTRIBUTES), CRC);
  return batch;
}

/** A batch of roughly `bytes` bytes (one record whose value fills it). */
export function batchOfSize(bytes: number, spec: Omit<BatchSpec, 'count' | 'valueSize'> = {}): Buffer {
  return buildBatch({ ...spec, count: 1, valueSize: Math.max(0, bytes - 61 - 10) });
}

/** Splits a records blob into its batches: [baseOffset, lastOffset, size] each. */
export function batchesOf(buf: Buffer): Array<{ baseOffset: bigint; lastOffset: bigint; size: number; maxTimestamp: bigint; epoch: number }> {
  const out = [];
  for (let p = 0; p + 61 <= buf.length; ) {
    const size = 12 + buf.readInt32BE(p + 8);
    const baseOffset = buf.readBigInt64BE(p);
    out.push({
      baseOffset,
      lastOffset: baseOffset + BigInt(buf.readInt32BE(p + 23)),
      size,
      maxTimestamp: buf.readBigInt64BE(p + 35),
      epoch: buf.readInt32BE(p + 12),
    });
    p += size;
  }
  return out;
}

export function crcValid(batch: Buffer, at = 0): boolean {
  const size = 12 + batch.readInt32BE(at + 8);
  return batch.readUInt32BE(at + CRC) === crc32c(batch, at + ATTRIBUTES, at + size);
}

/** A logger that records warnings (and everything else) for assertions. */
export function recordingLogger(): { logger: import('../../../../src/storage/logger.js').Logger; records: Array<{ level: string; obj: object; msg?: string }> } {
  const records: Array<{ level: string; obj: object; msg?: string }> = [];
  const at = (level: string) => (obj: object, msg?: string) => {
    records.push({ level, obj, ...(msg !== undefined ? { msg } : {}) });
  };
  return { logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, records };
}
