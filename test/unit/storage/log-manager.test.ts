import { describe, expect, it, vi } from 'vitest';
import { MemoryStorageFs } from '../../../src/storage/fs/memory-fs.js';
import { DEFAULT_LOG_CONFIG, type LogConfig } from '../../../src/storage/log-config.js';
import { LogManager, type LogManagerOptions } from '../../../src/storage/log-manager.js';
import { ManualScheduler } from '../../../src/storage/scheduler.js';
import { readOffsetCheckpoint } from '../../../src/storage/checkpoint.js';
import { hasCleanShutdownMarker, writeCleanShutdownMarker } from '../../../src/storage/recovery.js';
import { InconsistentTopicIdError } from '../../../src/storage/errors.js';
import { batchesOf, buildBatch, recordingLogger } from './helpers/batches.js';

function env(config: Partial<LogConfig> = {}, extra: Partial<LogManagerOptions> = {}) {
  const sched = new ManualScheduler(0);
  const fs = new MemoryStorageFs(() => sched.now());
  const rec = recordingLogger();
  const open = (more: Partial<LogManagerOptions> = {}) =>
    LogManager.open({
      logDirs: ['/d1', '/d2'],
      fs,
      scheduler: sched,
      clock: () => sched.now(),
      logger: rec.logger,
      defaultConfig: { ...DEFAULT_LOG_CONFIG, segmentBytes: 2000, ...config },
      ...extra,
      ...more,
    });
  return { sched, fs, open, rec };
}

const tp = (topic: string, partition = 0) => ({ topic, partition });

function produce(log: { append: (b: Buffer, o: { leaderEpoch: number }) => unknown }, n: number): void {
  for (let i = 0; i < n; i++) log.append(buildBatch({ count: 2, valueSize: 100 }), { leaderEpoch: 0 });
}

describe('LogManager', () => {
  it('places new partitions in the log dir holding the fewest', () => {
    const { open } = env();
    const m = open();
    const dirs = ['a', 'b', 'c', 'd', 'e'].map((t) => m.createLog(tp(t)).dir);
    expect(dirs).toEqual(['/d1/a-0', '/d2/b-0', '/d1/c-0', '/d2/d-0', '/d1/e-0']);
    expect(m.createLog(tp('a'))).toBe(m.getLog(tp('a')));
    expect(m.logDirOf(tp('b'))).toBe('/d2');
    m.close();
  });

  it('reloads every log after close, from the clean shutdown marker and checkpoints', () => {
    const { open, fs, sched } = env();
    const m = open();
    const a = m.createLog(tp('a'), { topicId: 'AAAAAAAAAAAAAAAAAAAAAQ' });
    const b = m.createLog(tp('b', 3));
    produce(a, 30);
    produce(b, 5);
    a.highWatermark = 40n;
    b.highWatermark = 10n;
    a.setLogStartOffset(20n);
    const aData = Buffer.concat(a.read(20n, 1 << 30, { minOneMessage: true }).records);
    m.close();
    expect(fs.openFileCount).toBe(0);
    expect(sched.pendingCount).toBe(0);
    expect(hasCleanShutdownMarker(fs, '/d1')).toBe(true);
    expect(hasCleanShutdownMarker(fs, '/d2')).toBe(true);
    expect(readOffsetCheckpoint(fs, '/d1/recovery-point-offset-checkpoint')).toEqual([{ topic: 'a', partition: 0, offset: 60n }]);
    expect(readOffsetCheckpoint(fs, '/d1/replication-offset-checkpoint')).toEqual([{ topic: 'a', partition: 0, offset: 40n }]);
    expect(readOffsetCheckpoint(fs, '/d1/log-start-offset-checkpoint')).toEqual([{ topic: 'a', partition: 0, offset: 20n }]);
    expect(readOffsetCheckpoint(fs, '/d2/log-start-offset-checkpoint')).toEqual([]);

    const m2 = open();
    expect(m2.hadCleanShutdown.get('/d1')).toBe(true);
    expect(hasCleanShutdownMarker(fs, '/d1')).toBe(false); // removed once read
    const a2 = m2.getLog(tp('a'))!;
    expect([a2.logStartOffset, a2.logEndOffset, a2.highWatermark, a2.recoveryPoint]).toEqual([20n, 60n, 40n, 60n]);
    expect(a2.topicId).toBe('AAAAAAAAAAAAAAAAAAAAAQ');
    expect(Buffer.concat(a2.read(20n, 1 << 30, { minOneMessage: true }).records).equals(aData)).toBe(true);
    expect(m2.getLog(tp('b', 3))!.logEndOffset).toBe(10n);
    expect(() => m2.createLog(tp('a'), { topicId: 'AAAAAAAAAAAAAAAAAAAAAg' })).toThrow(InconsistentTopicIdError);
    m2.close();
  });

  it('recovers from the checkpointed recovery point after a crash', () => {
    const { open, fs, sched } = env({}, { recoveryPointCheckpointIntervalMs: 1000, initialTaskDelayMs: 1000 });
    const m = open();
    const a = m.createLog(tp('a'));
    produce(a, 10);
    a.flush();
    sched.advance(1000); // checkpoint task writes recovery point 20
    expect(readOffsetCheckpoint(fs, '/d1/recovery-point-offset-checkpoint')).toEqual([{ topic: 'a', partition: 0, offset: 20n }]);
    produce(a, 10); // never flushed
    fs.crash();
    const m2 = open();
    expect(m2.hadCleanShutdown.get('/d1')).toBe(false);
    expect(m2.getLog(tp('a'))!.logEndOffset).toBe(20n);
    m2.close();
  });

  it('the flusher fsyncs logs idle longer than flush.ms on the thread pool', async () => {
    const { open, fs, sched } = env({ flushIntervalMs: 5000 }, { flushSchedulerIntervalMs: 1000, initialTaskDelayMs: 0 });
    const m = open();
    const a = m.createLog(tp('a'));
    const fsyncAsync = vi.spyOn(fs, 'fsyncAsync');
    produce(a, 3);
    sched.advance(3000);
    expect(fsyncAsync).not.toHaveBeenCalled();
    sched.advance(3000);
    await vi.waitFor(() => expect(a.recoveryPoint).toBe(6n));
    expect(fsyncAsync).toHaveBeenCalled();
    m.close();
  });

  it('never schedules the flusher with the Long.MAX_VALUE default', () => {
    const { open, sched } = env();
    const m = open();
    expect(sched.pendingCount).toBe(3); // the three checkpoint tasks
    m.close();
    expect(sched.pendingCount).toBe(0);
  });

  it('deleteLog renames to -delete and removes the directory after file.delete.delay.ms', () => {
    const { open, fs, sched } = env({}, { fileDeleteDelayMs: 5000 });
    const m = open();
    produce(m.createLog(tp('gone', 2)), 3);
    m.createLog(tp('kept'));
    expect(m.deleteLog(tp('gone', 2))).toBe(true);
    expect(m.getLog(tp('gone', 2))).toBeUndefined();
    const renamed = fs.readdir('/d1').filter((n) => n.endsWith('-delete'));
    expect(renamed).toHaveLength(1);
    expect(renamed[0]).toMatch(/^gone-2\.[0-9a-f]{32}-delete$/);
    expect(readOffsetCheckpoint(fs, '/d1/recovery-point-offset-checkpoint')).toEqual([]);
    sched.advance(5000);
    expect(fs.readdir('/d1').filter((n) => n.endsWith('-delete'))).toEqual([]);
    expect(m.deleteLog(tp('gone', 2))).toBe(false);
    m.close();
  });

  it('deleteLogs renames many partitions, then fsyncs and checkpoints each log dir once', () => {
    const { open, fs } = env({}, { fileDeleteDelayMs: 5000 });
    const m = open();
    for (let p = 0; p < 20; p++) produce(m.createLog(tp('many', p)), 1);
    m.createLog(tp('kept'));
    const fsyncDir = vi.spyOn(fs, 'fsyncDir');
    const rename = vi.spyOn(fs, 'rename');
    expect(m.deleteLogs([...Array.from({ length: 20 }, (_, p) => tp('many', p)), tp('never-created')])).toBe(20);
    // 20 directory renames, plus the three checkpoint files (tmp -> file) of each of the two dirs
    expect(rename).toHaveBeenCalledTimes(20 + 3 * 2);
    const dirSyncs = fsyncDir.mock.calls.map(([d]) => d);
    expect(dirSyncs.filter((d) => d === '/d1')).toHaveLength(1 + 3);
    expect(dirSyncs.filter((d) => d === '/d2')).toHaveLength(1 + 3);
    expect(m.allLogs().map((l) => l.topicPartition.topic)).toEqual(['kept']);
    m.close();
  });

  it('createLog with deferDirSync leaves the log dir fsync to syncNewLogDirs, once per dir', () => {
    const { open, fs } = env();
    const m = open();
    const fsyncDir = vi.spyOn(fs, 'fsyncDir');
    for (let p = 0; p < 10; p++) m.createLog(tp('t', p), { deferDirSync: true });
    expect(fsyncDir.mock.calls.filter(([d]) => d === '/d1' || d === '/d2')).toEqual([]);
    m.syncNewLogDirs();
    expect(fsyncDir.mock.calls.filter(([d]) => d === '/d1' || d === '/d2').map(([d]) => d).sort()).toEqual(['/d1', '/d2']);
    m.syncNewLogDirs();
    expect(fsyncDir.mock.calls.filter(([d]) => d === '/d1' || d === '/d2')).toHaveLength(2);
    m.close();
  });

  it('removes leftover -delete directories at startup and skips the metadata log', () => {
    const { open, fs, sched } = env();
    fs.mkdir('/d1/old-0.0123456789abcdef0123456789abcdef-delete');
    fs.writeFile('/d1/old-0.0123456789abcdef0123456789abcdef-delete/00000000000000000000.log', 'x');
    fs.mkdir('/d1/__cluster_metadata-0');
    const m = open();
    sched.runDue();
    expect(fs.readdir('/d1').sort()).toEqual(['__cluster_metadata-0']);
    expect(m.allLogs()).toEqual([]);
    m.close();
  });

  it('refuses a partition present in two log dirs', () => {
    const { open, fs } = env();
    fs.mkdir('/d1/t-0');
    fs.mkdir('/d2/t-0');
    expect(() => open()).toThrow(/duplicate/);
  });

  it('describes log dirs for DescribeLogDirs', () => {
    const { open } = env();
    const m = open();
    produce(m.createLog(tp('a')), 2);
    m.createLog(tp('b'));
    const d = m.describeLogDirs();
    expect(d.map((x) => x.logDir)).toEqual(['/d1', '/d2']);
    expect(d[0]!.partitions).toEqual([{ topic: 'a', partition: 0, sizeInBytes: m.getLog(tp('a'))!.sizeInBytes(), offsetLag: 0n, isFuture: false }]);
    expect(d[1]!.partitions.map((p) => p.topic)).toEqual(['b']);
    m.close();
  });

  it('a crash right after a clean close loses nothing, not even the final time index entry', () => {
    const { open, fs } = env();
    const m = open();
    const a = m.createLog(tp('a'));
    for (let i = 0; i < 5; i++) a.append(buildBatch({ count: 2, baseTimestamp: BigInt(100 + i) }), { leaderEpoch: 0 });
    m.close();
    const timeIndex = fs.readFile('/d1/a-0/00000000000000000000.timeindex');
    fs.crash();
    expect(fs.readFile('/d1/a-0/00000000000000000000.timeindex').equals(timeIndex)).toBe(true);
    const m2 = open();
    expect(m2.hadCleanShutdown.get('/d1')).toBe(true);
    expect(m2.getLog(tp('a'))!.latestTimestamp()).toMatchObject({ timestamp: 104n, offset: 8n });
    m2.close();
  });

  it('treats a log dir without the marker as unclean even if logs look fine', () => {
    const { open, fs } = env();
    const m = open();
    produce(m.createLog(tp('a')), 4);
    m.close();
    fs.unlink('/d1/.kafka_cleanshutdown');
    writeCleanShutdownMarker(fs, '/d2');
    const m2 = open();
    expect(m2.hadCleanShutdown.get('/d1')).toBe(false);
    expect(m2.hadCleanShutdown.get('/d2')).toBe(true);
    expect(batchesOf(Buffer.concat(m2.getLog(tp('a'))!.read(0n, 1 << 20, { minOneMessage: true }).records))).toHaveLength(4);
    m2.close();
  });
});
