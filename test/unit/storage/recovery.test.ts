import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStorageFs } from '../../../src/storage/fs/memory-fs.js';
import { NodeStorageFs } from '../../../src/storage/fs/node-fs.js';
import type { StorageFs } from '../../../src/storage/fs/storage-fs.js';
import { DEFAULT_LOG_CONFIG, type LogConfig } from '../../../src/storage/log-config.js';
import { PartitionLog, type PartitionLogOptions } from '../../../src/storage/partition-log.js';
import {
  hasCleanShutdownMarker,
  readCleanShutdownMarker,
  removeCleanShutdownMarker,
  writeCleanShutdownMarker,
} from '../../../src/storage/recovery.js';
import { batchesOf, buildBatch, crcValid, recordingLogger } from './helpers/batches.js';

const DIR = '/logs/t-0';
const SEG0 = `${DIR}/00000000000000000000`;

function harness(fs: StorageFs = new MemoryStorageFs(), config: Partial<LogConfig> = {}, dir = DIR) {
  const cfg: LogConfig = { ...DEFAULT_LOG_CONFIG, indexIntervalBytes: 200, ...config };
  const rec = recordingLogger();
  const open = (o: Partial<PartitionLogOptions> = {}) =>
    PartitionLog.open({ dir, topicPartition: { topic: 't', partition: 0 }, config: cfg, fs, clock: () => 0, logger: rec.logger, ...o });
  return { fs, open, rec, warnings: () => rec.records.filter((r) => r.level === 'warn') };
}

function fill(log: PartitionLog, n: number, count = 2): void {
  for (let i = 0; i < n; i++) log.append(buildBatch({ count, valueSize: 60, baseTimestamp: BigInt(1000 + i) }), { leaderEpoch: 1 });
}

function readAll(log: PartitionLog): Buffer {
  return Buffer.concat(log.read(log.logStartOffset, 1 << 30, { minOneMessage: true }).records);
}

/** Rewrites a file's bytes in place through the fs (and syncs, so a crash keeps them). */
function patchFile(fs: StorageFs, path: string, f: (b: Buffer) => Buffer): void {
  fs.writeFile(path, f(fs.readFile(path)), { fsync: true });
}

describe('recovery after an unclean shutdown', () => {
  it('truncates a torn tail and logs one warning with offset and position', () => {
    const h = harness();
    const log = h.open();
    fill(log, 10);
    const good = readAll(log);
    log.close();
    const partial = buildBatch({ count: 2, valueSize: 60 }).subarray(0, 50);
    patchFile(h.fs, `${SEG0}.log`, (b) => Buffer.concat([b, partial]));
    const again = h.open({ hadCleanShutdown: false, recoveryPoint: 0n });
    expect(again.logEndOffset).toBe(20n);
    expect(readAll(again).equals(good)).toBe(true);
    expect(h.fs.stat(`${SEG0}.log`)!.size).toBe(good.length);
    const warns = h.warnings();
    expect(warns).toHaveLength(1);
    expect(warns[0]!.obj).toMatchObject({ offset: '20', position: good.length, truncatedBytes: 50 });
  });

  it('a corrupt CRC in the middle truncates from that batch and deletes later segments', () => {
    const h = harness(new MemoryStorageFs(), { segmentBytes: 1200 });
    const log = h.open();
    fill(log, 20);
    const segs = log.segmentsInfo();
    expect(segs.length).toBeGreaterThan(2);
    log.close();
    const first = batchesOf(h.fs.readFile(`${SEG0}.log`));
    const victim = first[3]!;
    const at = first.slice(0, 3).reduce((a, b) => a + b.size, 0);
    patchFile(h.fs, `${SEG0}.log`, (b) => {
      b[at + 70] ^= 0xff; // a record byte, covered by the CRC
      return b;
    });
    const again = h.open({ hadCleanShutdown: false, recoveryPoint: 0n });
    expect(again.logEndOffset).toBe(victim.baseOffset);
    expect(again.numberOfSegments).toBe(1);
    expect(h.fs.readdir(DIR).filter((n) => n.endsWith('.log'))).toEqual(['00000000000000000000.log']);
    expect(h.warnings()[0]!.obj).toMatchObject({ offset: String(victim.baseOffset), position: at });
    expect(String((h.warnings()[0]!.obj as { reason: string }).reason)).toMatch(/CRC/);
    again.append(buildBatch(), { leaderEpoch: 2 });
    expect(again.logEndOffset).toBe(victim.baseOffset + 1n);
  });

  it('only recovers from the segment holding the recovery point', () => {
    const h = harness(new MemoryStorageFs(), { segmentBytes: 1200 });
    const log = h.open();
    fill(log, 20);
    const bases = log.segmentsInfo().map((s) => s.baseOffset);
    log.close();
    // Corrupt the first segment: below the recovery point it is trusted and not scanned.
    patchFile(h.fs, `${SEG0}.log`, (b) => {
      b[100] ^= 0xff;
      return b;
    });
    const again = h.open({ hadCleanShutdown: false, recoveryPoint: bases[1]! + 1n });
    expect(again.logEndOffset).toBe(40n);
    expect(h.warnings()).toHaveLength(0);
  });

  it('survives a crash that drops unsynced bytes (in-memory fs)', () => {
    const fs = new MemoryStorageFs();
    const h = harness(fs, { segmentBytes: 1000 });
    const log = h.open();
    fill(log, 10);
    log.flush();
    const durable = readAll(log);
    fill(log, 7);
    fs.crash();
    const again = h.open({ hadCleanShutdown: false, recoveryPoint: log.recoveryPoint });
    expect(again.logEndOffset).toBe(20n);
    expect(readAll(again).equals(durable)).toBe(true);
    fill(again, 1);
    expect(again.logEndOffset).toBe(22n);
  });

  it('after crashes that keep random prefixes of unsynced data, every surviving batch is whole and valid', () => {
    let seed = 12345;
    const rng = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 20; round++) {
      const fs = new MemoryStorageFs();
      const h = harness(fs, { segmentBytes: 700 });
      const log = h.open();
      fill(log, 5);
      log.flush();
      fill(log, 5 + round);
      fs.crash(rng);
      const again = h.open({ hadCleanShutdown: false, recoveryPoint: log.recoveryPoint });
      expect(again.logEndOffset).toBeGreaterThanOrEqual(10n);
      const data = readAll(again);
      const batches = batchesOf(data);
      let pos = 0;
      batches.forEach((b, i) => {
        // Everything up to the recovery point survives; above it, a lost middle segment can leave
        // a gap (as in Kafka) but offsets only grow and every batch is intact.
        if (i < 5) expect(b.baseOffset).toBe(BigInt(i * 2));
        if (i > 0) expect(b.baseOffset).toBeGreaterThan(batches[i - 1]!.lastOffset);
        expect(crcValid(data, pos)).toBe(true);
        pos += b.size;
      });
      expect(again.logEndOffset).toBe(batches.at(-1)!.lastOffset + 1n);
      again.close();
    }
  });
});

describe('index rebuilding', () => {
  it('rebuilds a missing offset index even after a clean shutdown, identical to the original', () => {
    const h = harness();
    const log = h.open();
    fill(log, 30);
    log.close();
    const original = h.fs.readFile(`${SEG0}.index`);
    expect(original.length).toBeGreaterThan(0);
    h.fs.unlink(`${SEG0}.index`);
    const again = h.open({ hadCleanShutdown: true });
    expect(h.fs.readFile(`${SEG0}.index`).equals(original)).toBe(true);
    expect(batchesOf(Buffer.concat(again.read(33n, 1, { minOneMessage: true }).records))[0]!.baseOffset).toBe(32n);
  });

  it('rebuilds a missing time index', () => {
    const h = harness();
    const log = h.open();
    fill(log, 30);
    log.close();
    const original = h.fs.readFile(`${SEG0}.timeindex`);
    h.fs.unlink(`${SEG0}.timeindex`);
    const again = h.open({ hadCleanShutdown: true });
    expect(h.fs.readFile(`${SEG0}.timeindex`).equals(original)).toBe(true);
    expect(again.offsetForTimestamp(1010n)).toMatchObject({ offset: 20n });
  });

  it('rebuilds an index whose size is not a whole number of entries', () => {
    const h = harness();
    const log = h.open();
    fill(log, 30);
    log.close();
    const original = h.fs.readFile(`${SEG0}.index`);
    patchFile(h.fs, `${SEG0}.index`, (b) => Buffer.concat([b, Buffer.from([1, 2, 3])]));
    h.open({ hadCleanShutdown: true });
    expect(h.fs.readFile(`${SEG0}.index`).equals(original)).toBe(true);
  });

  it('detects out-of-order index entries on first use and rebuilds them', () => {
    const h = harness();
    const log = h.open();
    fill(log, 30);
    log.close();
    const original = h.fs.readFile(`${SEG0}.index`);
    patchFile(h.fs, `${SEG0}.index`, (b) => {
      b.writeInt32BE(0x7fff0000, 0); // first relative offset larger than the next ones
      return b;
    });
    const again = h.open({ hadCleanShutdown: true });
    expect(batchesOf(Buffer.concat(again.read(45n, 1, { minOneMessage: true }).records))[0]!.baseOffset).toBe(44n);
    expect(h.warnings().some((w) => /corrupt index/.test(w.msg ?? ''))).toBe(true);
    again.close();
    expect(h.fs.readFile(`${SEG0}.index`).equals(original)).toBe(true);
  });

  it('deletes orphaned index files and stray .deleted/.cleaned files', () => {
    const h = harness();
    const log = h.open();
    fill(log, 3);
    log.close();
    h.fs.writeFile(`${DIR}/00000000000000000099.index`, Buffer.alloc(8));
    h.fs.writeFile(`${DIR}/00000000000000000050.log.deleted`, Buffer.alloc(8));
    h.fs.writeFile(`${DIR}/00000000000000000060.log.cleaned`, Buffer.alloc(8));
    h.open({ hadCleanShutdown: true });
    expect(h.fs.readdir(DIR).sort()).toEqual([
      '00000000000000000000.index',
      '00000000000000000000.log',
      '00000000000000000000.timeindex',
    ]);
  });

  it('finishes an interrupted swap by replacing the segments it covers', () => {
    const h = harness(new MemoryStorageFs(), { segmentBytes: 700 });
    const log = h.open();
    fill(log, 12);
    const bases = log.segmentsInfo().map((s) => s.baseOffset);
    expect(bases.length).toBeGreaterThan(2);
    log.close();
    // A "cleaned" copy of the first two segments, left as .swap files by a crash.
    const merged = Buffer.concat([h.fs.readFile(`${SEG0}.log`), h.fs.readFile(`${DIR}/${String(bases[1]).padStart(20, '0')}.log`)]);
    h.fs.writeFile(`${SEG0}.log.swap`, merged);
    const again = h.open({ hadCleanShutdown: true });
    expect(again.segmentsInfo()[0]).toEqual({ baseOffset: 0n, sizeInBytes: merged.length });
    expect(again.segmentsInfo().map((s) => s.baseOffset)).toEqual([0n, ...bases.slice(2)]);
    expect(again.logEndOffset).toBe(24n);
    expect(h.fs.readdir(DIR).some((n) => n.endsWith('.swap'))).toBe(false);
  });

  it('starts over at the log start offset when it is beyond the log end', () => {
    const h = harness();
    const log = h.open();
    fill(log, 3);
    log.close();
    const again = h.open({ hadCleanShutdown: true, logStartOffset: 100n });
    expect([again.logStartOffset, again.logEndOffset]).toEqual([100n, 100n]);
    expect(again.segmentsInfo()).toEqual([{ baseOffset: 100n, sizeInBytes: 0 }]);
  });
});

describe('clean shutdown marker', () => {
  it('writes, reads and removes .kafka_cleanshutdown in Kafka format', () => {
    const fs = new MemoryStorageFs();
    fs.mkdir('/logs');
    expect(hasCleanShutdownMarker(fs, '/logs')).toBe(false);
    writeCleanShutdownMarker(fs, '/logs', 42n);
    expect(JSON.parse(fs.readFile('/logs/.kafka_cleanshutdown').toString())).toEqual({ version: '0', broker_epoch: '42' });
    expect(readCleanShutdownMarker(fs, '/logs')).toBe(42n);
    removeCleanShutdownMarker(fs, '/logs');
    expect(hasCleanShutdownMarker(fs, '/logs')).toBe(false);
    expect(readCleanShutdownMarker(fs, '/logs')).toBeNull();
  });

  it('PartitionLog skips recovery when the parent log dir has the marker', () => {
    const h = harness();
    const log = h.open();
    fill(log, 5);
    log.close();
    patchFile(h.fs, `${SEG0}.log`, (b) => Buffer.concat([b, Buffer.alloc(30, 7)]));
    writeCleanShutdownMarker(h.fs, '/logs');
    const trusted = h.open({ recoveryPoint: 0n });
    trusted.close();
    expect(h.fs.stat(`${SEG0}.log`)!.size % 10).not.toBe(0); // garbage still there: not scanned
    removeCleanShutdownMarker(h.fs, '/logs');
    const recovered = h.open({ recoveryPoint: 0n });
    expect(recovered.logEndOffset).toBe(10n);
    expect(h.warnings()).toHaveLength(1);
  });
});

describe('NodeStorageFs end to end', () => {
  it('appends, recovers a torn tail and reads back on a real directory', () => {
    const root = mkdtempSync(join(tmpdir(), 'gregor-storage-'));
    try {
      const fs = new NodeStorageFs();
      const h = harness(fs, { segmentBytes: 2000 }, join(root, 't-0'));
      const log = h.open();
      fill(log, 25);
      const good = readAll(log);
      log.flush();
      log.close();
      const last = log.segmentsInfo().at(-1)!;
      const path = join(root, 't-0', `${String(last.baseOffset).padStart(20, '0')}.log`);
      fs.writeFile(path, Buffer.concat([fs.readFile(path), Buffer.from('torn!')]));
      const again = h.open({ hadCleanShutdown: false, recoveryPoint: 0n });
      expect(again.logEndOffset).toBe(50n);
      expect(readAll(again).equals(good)).toBe(true);
      again.close();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
