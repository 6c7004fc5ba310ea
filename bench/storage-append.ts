/**
 * Storage micro-benchmark: PartitionLog.append of 16 KiB batches (MB/s, batches/s) and sequential
 * reads of 1 MiB (MB/s), on the real disk (NodeStorageFs in a temp dir: page cache, no fsync on
 * the append path) and in memory (MemoryStorageFs). Also the cost of one flush() at the end.
 *
 *   npm run build && node dist/bench/storage-append.js [totalMiB=256] [rounds=5]
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32c, crc32cImplementation } from '../src/protocol/crc32c.js';
import { MemoryStorageFs } from '../src/storage/fs/memory-fs.js';
import { NodeStorageFs } from '../src/storage/fs/node-fs.js';
import type { StorageFs } from '../src/storage/fs/storage-fs.js';
import { DEFAULT_LOG_CONFIG } from '../src/storage/log-config.js';
import { PartitionLog } from '../src/storage/partition-log.js';

const BATCH_BYTES = 16 * 1024;
const RECORDS_PER_BATCH = 16;

/** An uncompressed v2 batch of RECORDS_PER_BATCH records, BATCH_BYTES in total, valid CRC. */
function makeBatch(): Buffer {
  const recordBytes = Math.floor((BATCH_BYTES - 61) / RECORDS_PER_BATCH);
  const valueLen = recordBytes - 10; // length(2) attrs(1) tsDelta(1) offDelta(1) keyLen(1) valueLen(2) headers(1) + slack
  const parts: Buffer[] = [];
  for (let i = 0; i < RECORDS_PER_BATCH; i++) {
    const body = Buffer.alloc(6 + valueLen);
    let p = 0;
    body[p++] = 0; // attributes
    body[p++] = 0; // timestampDelta 0
    body[p++] = i << 1; // offsetDelta (zig-zag)
    body[p++] = 1; // key length -1 (zig-zag)
    body.writeUInt16BE(0, p); // placeholder, replaced below by a 2-byte varint
    const zz = valueLen << 1;
    body[p++] = (zz & 0x7f) | 0x80;
    body[p++] = zz >> 7;
    body.fill(i, p, p + valueLen);
    p += valueLen;
    body[p++] = 0; // headers
    const len = p;
    const lz = len << 1;
    parts.push(Buffer.from([(lz & 0x7f) | 0x80, lz >> 7]), body.subarray(0, len));
  }
  const records = Buffer.concat(parts);
  const h = Buffer.alloc(61);
  h.writeInt32BE(49 + records.length, 8);
  h.writeInt32BE(-1, 12);
  h.writeInt8(2, 16);
  h.writeInt32BE(RECORDS_PER_BATCH - 1, 23);
  h.writeBigInt64BE(BigInt(Date.now()), 27);
  h.writeBigInt64BE(BigInt(Date.now()), 35);
  h.writeBigInt64BE(-1n, 43);
  h.writeInt16BE(-1, 51);
  h.writeInt32BE(-1, 53);
  h.writeInt32BE(RECORDS_PER_BATCH, 57);
  const batch = Buffer.concat([h, records]);
  batch.writeUInt32BE(crc32c(batch, 21), 17);
  return batch;
}

interface Result {
  appendMBs: number;
  batchesPerSec: number;
  appendTimeMBs: number;
  readMBs: number;
  flushMs: number;
}

function mbs(bytes: number, t0: bigint): number {
  return bytes / (Number(process.hrtime.bigint() - t0) / 1e9) / 1e6;
}

/** The ceiling: the same number of 16 KiB writeSync calls on a plain O_APPEND file. */
function rawWriteSync(dir: string, totalBytes: number): number {
  const buf = makeBatch();
  const n = Math.floor(totalBytes / buf.length);
  const fd = openSync(join(dir, 'raw'), 'a+');
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) writeSync(fd, buf);
  const r = mbs(n * buf.length, t0);
  closeSync(fd);
  return r;
}

function run(fs: StorageFs, dir: string, totalBytes: number): Result {
  const config = { ...DEFAULT_LOG_CONFIG, segmentBytes: 128 * 1024 * 1024 };
  const log = PartitionLog.open({ dir, topicPartition: { topic: 'bench', partition: 0 }, config, fs, clock: Date.now, hadCleanShutdown: true });
  const batch = makeBatch();
  const n = Math.floor(totalBytes / batch.length);

  let t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) log.append(batch, { leaderEpoch: 0 });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const appendMBs = (n * batch.length) / secs / 1e6;
  const batchesPerSec = n / secs;

  // LogAppendTime: the same plus a CRC-32C recomputation per batch.
  const m = Math.floor(n / 4);
  t0 = process.hrtime.bigint();
  for (let i = 0; i < m; i++) log.append(batch, { leaderEpoch: 0, logAppendTimeMs: Date.now() });
  const appendTimeMBs = mbs(m * batch.length, t0);

  // A consumer catching up: 1 MiB fetches from the start to the end.
  let read = 0;
  let offset = log.logStartOffset;
  t0 = process.hrtime.bigint();
  while (offset < log.logEndOffset) {
    const r = log.read(offset, 1024 * 1024, { minOneMessage: true });
    read += r.sizeInBytes;
    const last = r.records[r.records.length - 1]!;
    let p = 0;
    let next = offset;
    while (p < last.length) {
      next = last.readBigInt64BE(p) + BigInt(last.readInt32BE(p + 23)) + 1n;
      p += 12 + last.readInt32BE(p + 8);
    }
    offset = next;
  }
  const readMBs = mbs(read, t0);

  t0 = process.hrtime.bigint();
  log.flush();
  const flushMs = Number(process.hrtime.bigint() - t0) / 1e6;
  log.close();
  return { appendMBs, batchesPerSec, appendTimeMBs, readMBs, flushMs };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function summary(name: string, rs: Result[]): string {
  const f = (k: keyof Result) => median(rs.map((r) => r[k]));
  return (
    `${name.padEnd(7)} append ${f('appendMBs').toFixed(0).padStart(5)} MB/s (${(f('batchesPerSec') / 1000).toFixed(1)}k batches/s)` +
    ` | with LogAppendTime ${f('appendTimeMBs').toFixed(0).padStart(5)} MB/s | read ${f('readMBs').toFixed(0).padStart(5)} MB/s` +
    ` | final flush ${f('flushMs').toFixed(0)} ms`
  );
}

const totalMiB = Number(process.argv[2] ?? 256);
const rounds = Number(process.argv[3] ?? 5);
console.log(
  `crc32c: ${crc32cImplementation()}; ${totalMiB} MiB of ${BATCH_BYTES / 1024} KiB batches (${RECORDS_PER_BATCH} records each) per run; ` +
    `median of ${rounds} runs; node ${process.version}`,
);
const raw: number[] = [];
const disk: Result[] = [];
const memory: Result[] = [];
for (let round = 0; round < rounds; round++) {
  const root = mkdtempSync(join(tmpdir(), 'gregor-bench-'));
  try {
    // Alternate the order so that page-cache writeback throttling hits both equally.
    if (round % 2 === 0) raw.push(rawWriteSync(root, totalMiB * 1024 * 1024));
    disk.push(run(new NodeStorageFs(), join(root, 'bench-0'), totalMiB * 1024 * 1024));
    if (round % 2 === 1) raw.push(rawWriteSync(root, totalMiB * 1024 * 1024));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  memory.push(run(new MemoryStorageFs(), '/bench-0', totalMiB * 1024 * 1024));
}
console.log(`raw     writeSync ${median(raw).toFixed(0).padStart(5)} MB/s (the ceiling on this machine now)`);
console.log(summary('disk', disk));
console.log(summary('memory', memory));
