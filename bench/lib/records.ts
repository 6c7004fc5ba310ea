/** Record batches for the load generators, built once with Gregor's own batch builder. */
import { CompressionType } from '../../src/protocol/records/batch-header.js';
import { buildRecordBatchSync } from '../../src/protocol/records/build-batch.js';

/** A value of `bytes` bytes, compressible like typical JSON-ish payloads (not all zeros, not random). */
export function sampleValue(bytes: number, seed = 0): Buffer {
  const text = `{"id":${seed},"user":"user-${seed % 997}","event":"view","amount":${(seed * 37) % 10000},"pad":"`;
  const b = Buffer.alloc(bytes, 0x61);
  b.write(text.slice(0, bytes));
  for (let i = text.length; i < bytes; i++) b[i] = 0x61 + ((i * 7 + seed) % 26);
  return b;
}

/** An uncompressed v2 batch (no producer id) of `count` records whose values are `valueBytes` long. */
export function makeBatch(count: number, valueBytes: number, compression: CompressionType = CompressionType.None): Buffer {
  const records = Array.from({ length: count }, (_, i) => ({ key: null, value: sampleValue(valueBytes, i) }));
  return buildRecordBatchSync({ records, compression });
}

/** The largest uncompressed batch of valueBytes records that is at most targetBytes long. */
export function fitBatch(targetBytes: number, valueBytes: number): { batch: Buffer; count: number } {
  let count = Math.max(1, Math.floor((targetBytes - 61) / (valueBytes + 8)));
  for (;;) {
    const batch = makeBatch(count, valueBytes);
    if (batch.length <= targetBytes || count === 1) return { batch, count };
    count -= Math.max(1, Math.ceil((batch.length - targetBytes) / (valueBytes + 8)));
  }
}
