/**
 * Measurement, not a regular test (runs with GREGOR_BENCH=1): compacts about 100 MB on the real
 * disk and reports throughput and how long the event loop was blocked (the cleaner's longest
 * synchronous slice, and the worst lateness of a 1 ms timer running alongside).
 *
 *   GREGOR_BENCH=1 npx vitest run test/unit/storage/cleaner/cleaner-bench.test.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { CompressionType } from '../../../../src/protocol/records/batch-header.js';
import { buildRecordBatch } from '../../../../src/protocol/records/build-batch.js';
import { LogCleaner } from '../../../../src/storage/cleaner/log-cleaner.js';
import { NodeStorageFs } from '../../../../src/storage/fs/node-fs.js';
import { DEFAULT_LOG_CONFIG } from '../../../../src/storage/log-config.js';
import { PartitionLog } from '../../../../src/storage/partition-log.js';
import { ManualScheduler } from '../../../../src/storage/scheduler.js';
import { COMPACT } from './helpers.js';

const MB = 1024 * 1024;

/**
 * Calibration: the longest wall-clock stretch of a loop that yields every 4 ms, over one second.
 * On a shared, busy machine the OS preempts the process and this is far above 4 ms: compare the
 * cleaner's slices with it.
 */
async function baselineSliceMs(): Promise<number> {
  let max = 0;
  const end = performance.now() + 1000;
  while (performance.now() < end) {
    const s = performance.now();
    while (performance.now() - s < 4);
    max = Math.max(max, performance.now() - s);
    await new Promise((r) => setImmediate(r));
  }
  return max;
}

async function bench(compression: CompressionType, totalBytes: number, valueSize: number, keys: number) {
  const root = mkdtempSync(join(tmpdir(), 'gregor-cleaner-bench-'));
  try {
    const fs = new NodeStorageFs();
    const sched = new ManualScheduler(Date.now());
    const dir = join(root, 'bench-0');
    const log = PartitionLog.open({
      dir,
      topicPartition: { topic: 'bench', partition: 0 },
      config: { ...DEFAULT_LOG_CONFIG, segmentBytes: 64 * MB },
      fs,
      clock: () => sched.now(),
      scheduler: sched,
    });
    const perBatch = 100;
    // Text-like values: lz4 shrinks them about 2x (not 60x, which would make 100 MB stored hold GBs).
    const value = Buffer.alloc(valueSize);
    let x = 12345;
    for (let i = 0; i < valueSize; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      value[i] = 97 + ((x >>> 16) % (i % 4 === 0 ? 26 : 4));
    }
    let n = 0;
    while (log.sizeInBytes() < totalBytes) {
      const records = Array.from({ length: perBatch }, () => {
      const at = (n * 131) % valueSize;
      return { key: Buffer.from(`key-${(n++ * 7919) % keys}`), value: Buffer.concat([value.subarray(at), value.subarray(0, at)]), timestamp: BigInt(sched.now()) };
    });
      log.append(await buildRecordBatch({ records, compression }), { leaderEpoch: 0 });
    }
    log.roll();
    log.highWatermark = log.logEndOffset;
    log.flush();
    const sizeBefore = log.sizeInBytes();
    const cleaner = new LogCleaner({
      fs,
      scheduler: sched,
      clock: () => sched.now(),
      logDirs: [root],
      logs: () => [{ log, logDir: root }],
      config: () => ({ ...COMPACT, minCleanableRatio: 0.01 }),
      settings: () => ({ backoffMs: 15_000, dedupeBufferBytes: 128 * MB, loadFactor: 0.9, ioBufferBytes: 256 * 1024, maxBytesPerSecond: Infinity }),
    });
    const baselineMs = await baselineSliceMs();
    const histogram = monitorEventLoopDelay({ resolution: 1 });
    let last = performance.now();
    let worstLateness = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      worstLateness = Math.max(worstLateness, now - last - 1);
      last = now;
    }, 1);
    histogram.enable();
    const started = performance.now();
    const [result] = await cleaner.cleanNow();
    const elapsed = performance.now() - started;
    histogram.disable();
    clearInterval(timer);
    const out = {
      codec: CompressionType[compression],
      records: n,
      mbBefore: +(sizeBefore / MB).toFixed(1),
      mbAfter: +(log.sizeInBytes() / MB).toFixed(1),
      seconds: +(elapsed / 1000).toFixed(2),
      mbPerSecond: +(sizeBefore / MB / (elapsed / 1000)).toFixed(1),
      longestSliceMs: +result!.longestSliceMs.toFixed(2),
      longestSliceCpuMs: +result!.longestSliceCpuMs.toFixed(2),
      baselineLongest4msSliceMs: +baselineMs.toFixed(2),
      worstTimerLatenessMs: +worstLateness.toFixed(2),
      eventLoopDelayMaxMs: +(histogram.max / 1e6).toFixed(2),
      eventLoopDelayP99Ms: +(histogram.percentile(99) / 1e6).toFixed(2),
    };
    console.log(JSON.stringify(out));
    log.close();
    return out;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

describe.skipIf(!process.env.GREGOR_BENCH)('cleaner benchmark', () => {
  it('compacts ~100 MB (uncompressed, 1 KiB values, 10k keys)', async () => {
    const r = await bench(CompressionType.None, 100 * MB, 1024, 10_000);
    expect(r.mbAfter).toBeLessThan(r.mbBefore);
  }, 300_000);

  it('compacts ~100 MB of lz4 batches (stored size)', async () => {
    const r = await bench(CompressionType.Lz4, 100 * MB, 1024, 10_000);
    expect(r.mbAfter).toBeLessThan(r.mbBefore);
  }, 300_000);

  it('compacts ~100 MB of small records (100-byte values, 100k keys)', async () => {
    const r = await bench(CompressionType.None, 100 * MB, 100, 100_000);
    expect(r.mbAfter).toBeLessThan(r.mbBefore);
  }, 300_000);
});
