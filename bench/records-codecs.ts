/**
 * Micro-benchmark of the record-batch codecs and checksums: MB/s of uncompressed bytes for
 * compress and decompress per codec, CRC-32C throughput, and record decoding rate.
 * Run after `npm run build`: node dist/bench/records-codecs.js
 */
import { compressFrameSync, decompressFrameSync } from 'lz4-napi';
import { crc32c, crc32cImplementation } from '../src/protocol/crc32c.js';
import { CompressionType } from '../src/protocol/records/batch-header.js';
import { buildRecordBatchSync } from '../src/protocol/records/build-batch.js';
import { compress, decompress } from '../src/protocol/records/compression/index.js';
import { iterateRecordsSync } from '../src/protocol/records/read-records.js';

const MIN_TIME_MS = 700;

/** Deterministic pseudo-random generator (mulberry32) so runs compare. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** JSON-ish event records, typical of what producers send (compresses ~3-5x). */
function sampleRecords(count: number) {
  const random = rng(42);
  const events = ['click', 'view', 'purchase', 'login', 'logout'];
  const records = [];
  for (let i = 0; i < count; i++) {
    const token = Buffer.from(Array.from({ length: 18 }, () => Math.floor(random() * 256))).toString('base64');
    const value = JSON.stringify({
      id: i,
      user: `user-${Math.floor(random() * 5000)}`,
      event: events[Math.floor(random() * events.length)],
      amount: Math.round(random() * 100000) / 100,
      session: token,
      ts: 1700000000000 + i * 13,
    });
    records.push({ key: Buffer.from(`user-${i % 997}`), value: Buffer.from(value), timestamp: 1700000000000n + BigInt(i) });
  }
  return records;
}

/** Runs `op` for at least MIN_TIME_MS, prints MB/s of bytesPerOp, returns operations per second. */
async function measure(label: string, bytesPerOp: number, op: () => unknown): Promise<number> {
  for (let i = 0; i < 3; i++) await op(); // warm up
  let ops = 0;
  const start = process.hrtime.bigint();
  let elapsedMs = 0;
  while (elapsedMs < MIN_TIME_MS) {
    await op();
    ops++;
    elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
  }
  const opsPerSec = ops / (elapsedMs / 1000);
  const mbPerSec = (bytesPerOp * opsPerSec) / 1e6;
  console.log(`  ${label.padEnd(44)} ${mbPerSec.toFixed(0).padStart(7)} MB/s  ${((elapsedMs * 1000) / ops).toFixed(1).padStart(9)} us/op`);
  return opsPerSec;
}

async function main(): Promise<void> {
  console.log(`node ${process.version}, CRC-32C implementation: ${crc32cImplementation()}`);
  for (const recordCount of [16, 1000, 10000]) {
    const batch = buildRecordBatchSync({ records: sampleRecords(recordCount) });
    const section = batch.subarray(61);
    console.log(`\nrecords section of ${recordCount} records: ${section.length} bytes`);
    for (const type of [CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd]) {
      const packed = await compress(type, section);
      const name = CompressionType[type].padEnd(6);
      const ratio = (section.length / packed.length).toFixed(2);
      await measure(`${name} compress   (ratio ${ratio})`, section.length, () => compress(type, section));
      await measure(`${name} decompress`, section.length, () => decompress(type, packed, section.length));
    }
    const frame = compressFrameSync(section);
    await measure('lz4-napi frame API decompress (reference)', section.length, () => decompressFrameSync(frame));
    const decodeOps = await measure('decode records (uncompressed batch)', batch.length, () =>
      iterateRecordsSync(batch, { maxDecompressedBytes: 0 }).toArray(),
    );
    console.log(`  ${''.padEnd(44)} = ${((decodeOps * recordCount) / 1e6).toFixed(2)} M records/s`);
    const records = sampleRecords(recordCount);
    const buildOps = await measure('build batch (uncompressed)', batch.length, () => buildRecordBatchSync({ records }));
    console.log(`  ${''.padEnd(44)} = ${((buildOps * recordCount) / 1e6).toFixed(2)} M records/s`);
  }
  console.log('\nCRC-32C');
  for (const size of [1024, 16 * 1024, 1024 * 1024, 16 * 1024 * 1024]) {
    const buf = Buffer.alloc(size, 0xab);
    await measure(`crc32c ${size >= 1 << 20 ? `${size >> 20} MiB` : `${size >> 10} KiB`}`, size, () => crc32c(buf));
  }
}

await main();
