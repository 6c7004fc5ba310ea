/**
 * Durability of the CLI broker (`gregor start` as a child process on a temp log dir).
 *
 * Flush policy under test: Kafka's defaults, which config/server.properties keeps
 * (log.flush.interval.messages and log.flush.interval.ms unset = Long.MAX_VALUE). An append is a
 * synchronous write into the OS page cache before the Produce response is sent; nothing is fsynced
 * per message; fsync happens on segment roll, on clean shutdown and when the flush settings say.
 * The page cache survives the death of the process (SIGKILL, a crash), so every acknowledged record
 * must survive a SIGKILL; it does not survive a power loss or kernel crash, which a single node
 * without replication does not promise to survive (as with Kafka: replication is the answer).
 *
 * After an unclean stop the broker recovers each partition from its recovery point: batches are
 * validated (length, magic, CRC-32C, offsets), a torn or corrupt tail is truncated and logged,
 * missing or corrupt indexes are rebuilt.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CliBroker,
  REPO_ROOT,
  SHIPPED_CONFIG,
  ensureBuilt,
  ephemeralOverrides,
  kcatConsume,
  kcatProduce,
  killAllCliBrokers,
  makeTempDir,
  runGregor,
  waitUntil,
  type LogLine,
} from '../helpers-robustness.js';

const cleanups: (() => void | Promise<void>)[] = [];

beforeAll(async () => {
  await ensureBuilt();
}, 120_000);

afterEach(async () => {
  await killAllCliBrokers();
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDataDir(): string {
  const dir = makeTempDir();
  cleanups.push(() => dir.remove());
  return join(dir.path, 'data');
}

const SEGMENT = '00000000000000000000';

/** Byte ranges of the record batches in a segment file (RecordBatch v2: baseOffset int64, batchLength int32, ... lastOffsetDelta int32 at 23). */
function batchesOf(file: string): { position: number; size: number; baseOffset: number; lastOffset: number }[] {
  const buf = readFileSync(file);
  const out: { position: number; size: number; baseOffset: number; lastOffset: number }[] = [];
  let at = 0;
  while (at + 12 <= buf.length) {
    const size = 12 + buf.readInt32BE(at + 8);
    if (size < 61 || at + size > buf.length) break;
    const baseOffset = Number(buf.readBigInt64BE(at));
    out.push({ position: at, size, baseOffset, lastOffset: baseOffset + buf.readInt32BE(at + 23) });
    at += size;
  }
  return out;
}

const isTruncationWarning = (l: LogLine) => l.msg === 'found a torn or corrupt batch during recovery, truncating the segment';

describe('SIGKILL during a produce load', () => {
  it('every acknowledged record is there exactly once and in order after a restart', async () => {
    const dataDir = tempDataDir();
    const topic = 'load';
    const partitions = 3;
    const broker = await CliBroker.start({ dataDir, overrides: [`num.partitions=${partitions}`] });

    // librdkafka (node-rdkafka) in a child process: acks=all, idempotent, up to 5 requests in flight.
    const producer: ChildProcess = spawn(process.execPath, [join(REPO_ROOT, 'test/integration/robustness/rdkafka-producer.cjs'), broker.bootstrap, topic, String(partitions), '100000000', '300'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const producerExited = new Promise((r) => producer.on('exit', r));
    cleanups.push(async () => {
      producer.kill('SIGKILL');
      await producerExited;
    });
    /** value -> where the broker acknowledged it */
    const acked = new Map<number, { partition: number; offset: number }>();
    let partial = '';
    let producerErr = '';
    producer.stderr!.setEncoding('utf8').on('data', (s: string) => (producerErr += s));
    producer.stdout!.setEncoding('utf8').on('data', (s: string) => {
      partial += s;
      let nl: number;
      while ((nl = partial.indexOf('\n')) >= 0) {
        const [kind, value, partition, offset] = partial.slice(0, nl).split(' ');
        partial = partial.slice(nl + 1);
        if (kind === 'ack') acked.set(Number(value), { partition: Number(partition), offset: Number(offset) });
      }
    });

    // Kill the broker in the middle of the load, with produce requests in flight.
    await waitUntil(() => acked.size >= 3000, `3000 acknowledged records (have ${acked.size}; producer stderr: ${producerErr})`, 20_000);
    const killedAfter = acked.size;
    await broker.stop('SIGKILL');
    producer.kill('SIGKILL');
    await producerExited;
    expect(existsSync(join(dataDir, '.kafka_cleanshutdown'))).toBe(false);

    const restarted = await CliBroker.start({ dataDir, overrides: [`num.partitions=${partitions}`] });
    expect(restarted.logs((l) => l.msg === 'recovering unflushed segment').length).toBeGreaterThan(0);
    expect(restarted.logs(isTruncationWarning)).toEqual([]);

    const logs = await Promise.all(Array.from({ length: partitions }, (_, p) => kcatConsume(restarted.bootstrap, topic, p)));
    const seen = new Map<number, { partition: number; offset: number }>();
    for (let p = 0; p < partitions; p++) {
      const records = logs[p]!;
      // Offsets are dense from 0, and values on a partition increase with offsets (order kept).
      records.forEach((r, i) => expect(r.offset).toBe(i));
      for (let i = 1; i < records.length; i++) expect(Number(records[i]!.value)).toBeGreaterThan(Number(records[i - 1]!.value));
      for (const r of records) {
        const v = Number(r.value);
        expect(v % partitions).toBe(p);
        expect(seen.has(v), `value ${v} stored twice`).toBe(false);
        seen.set(v, { partition: p, offset: r.offset });
      }
    }
    // Every acknowledged record is where the broker said it put it.
    const missing = [...acked].filter(([v, at]) => seen.get(v)?.partition !== at.partition || seen.get(v)?.offset !== at.offset);
    expect(missing.slice(0, 10)).toEqual([]);
    expect(acked.size).toBeGreaterThanOrEqual(killedAfter);
    // Unacknowledged records may or may not have been written, but nothing was invented.
    expect(seen.size).toBeGreaterThanOrEqual(acked.size);
  });
});

describe('clean shutdown', () => {
  it('SIGTERM exits 0, writes .kafka_cleanshutdown, and a restart keeps the data without recovery', async () => {
    const dataDir = tempDataDir();
    const broker = await CliBroker.start({ dataDir });
    const values = Array.from({ length: 100 }, (_, i) => `clean-${i}`);
    await kcatProduce(broker.bootstrap, 'clean', 0, values);
    const exit = await broker.stop('SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
    expect(broker.logs((l) => l.msg === 'shut down cleanly')).toHaveLength(1);
    const marker = JSON.parse(readFileSync(join(dataDir, '.kafka_cleanshutdown'), 'utf8')) as Record<string, string>;
    expect(marker['version']).toBe('0');
    expect(marker['broker_epoch']).toMatch(/^-?\d+$/);

    const restarted = await CliBroker.start({ dataDir });
    // (The metadata log is fsynced on every write and replayed in full at every start.)
    expect(restarted.logs((l) => l.msg === 'recovering unflushed segment' && !String(l['segment']).includes('__cluster_metadata'))).toEqual([]);
    // The marker is removed while the broker runs: a crash from now on must count as unclean.
    expect(existsSync(join(dataDir, '.kafka_cleanshutdown'))).toBe(false);
    expect((await kcatConsume(restarted.bootstrap, 'clean', 0)).map((r) => r.value)).toEqual(values);
    // The log continues after the records it kept.
    await kcatProduce(restarted.bootstrap, 'clean', 0, ['after-restart']);
    const all = await kcatConsume(restarted.bootstrap, 'clean', 0);
    expect(all.at(-1)).toEqual({ offset: 100, value: 'after-restart' });
  });
});

describe('corrupted tail', () => {
  it('garbage appended to the last segment is truncated at the last valid batch and logged', async () => {
    const dataDir = tempDataDir();
    const broker = await CliBroker.start({ dataDir });
    const values = Array.from({ length: 50 }, (_, i) => `v${i}`);
    await kcatProduce(broker.bootstrap, 'tail', 0, values);
    await broker.stop('SIGKILL');

    const segment = join(dataDir, 'tail-0', `${SEGMENT}.log`);
    const validSize = statSync(segment).size;
    // A torn write: the start of a batch header claiming more bytes than follow, then junk.
    const torn = Buffer.alloc(100, 0xab);
    torn.writeBigInt64BE(50n, 0);
    torn.writeInt32BE(5000, 8);
    appendFileSync(segment, torn);

    const restarted = await CliBroker.start({ dataDir });
    const warning = await restarted.waitForLog(isTruncationWarning);
    expect(warning).toMatchObject({ level: 40, segment, position: validSize, truncatedBytes: 100, offset: '50' });
    expect(restarted.logs(isTruncationWarning)).toHaveLength(1);
    expect(statSync(segment).size).toBe(validSize);
    expect((await kcatConsume(restarted.bootstrap, 'tail', 0)).map((r) => r.value)).toEqual(values);
    await kcatProduce(restarted.bootstrap, 'tail', 0, ['next']);
    expect((await kcatConsume(restarted.bootstrap, 'tail', 0, 50)).map((r) => [r.offset, r.value])).toEqual([[50, 'next']]);
  });

  it('a flipped byte in the last batch fails its CRC: that batch is dropped, the earlier ones are served', async () => {
    const dataDir = tempDataDir();
    const broker = await CliBroker.start({ dataDir });
    // Three produce requests, at least three batches (kcat may split a request's records into more).
    const produced: string[] = [];
    for (let b = 0; b < 3; b++) {
      const values = Array.from({ length: 10 }, (_, i) => `b${b}-${i}`);
      await kcatProduce(broker.bootstrap, 'flip', 0, values);
      produced.push(...values);
    }
    await broker.stop('SIGKILL');

    const segment = join(dataDir, 'flip-0', `${SEGMENT}.log`);
    const batches = batchesOf(segment);
    expect(batches.length).toBeGreaterThanOrEqual(3);
    const last = batches.at(-1)!;
    const bytes = readFileSync(segment);
    // Flip a byte inside the records (after the 61-byte header): only the CRC can tell.
    bytes[last.position + 61 + 5] ^= 0xff;
    writeFileSync(segment, bytes);

    const restarted = await CliBroker.start({ dataDir });
    const warning = await restarted.waitForLog(isTruncationWarning);
    expect(warning).toMatchObject({ segment, position: last.position, truncatedBytes: last.size, offset: String(last.baseOffset) });
    expect(String(warning['reason'])).toMatch(/CRC/);
    const kept = await kcatConsume(restarted.bootstrap, 'flip', 0);
    expect(kept.map((r) => r.offset)).toEqual(Array.from({ length: last.baseOffset }, (_, i) => i));
    expect(kept.map((r) => r.value)).toEqual(produced.slice(0, last.baseOffset));
    // New records take the offsets of the dropped batch: no gap, no duplicate offsets.
    await kcatProduce(restarted.bootstrap, 'flip', 0, ['new']);
    expect((await kcatConsume(restarted.bootstrap, 'flip', 0, last.baseOffset)).map((r) => [r.offset, r.value])).toEqual([[last.baseOffset, 'new']]);
  });
});

describe('missing index', () => {
  it('a deleted .index is rebuilt with the same entries and lookups work', async () => {
    const dataDir = tempDataDir();
    // An index entry for every batch, so the index has something to lose.
    const overrides = ['log.index.interval.bytes=1'];
    const broker = await CliBroker.start({ dataDir, overrides });
    for (let b = 0; b < 5; b++) await kcatProduce(broker.bootstrap, 'idx', 0, Array.from({ length: 10 }, (_, i) => `r${b * 10 + i}`));
    expect(await broker.stop('SIGTERM')).toEqual({ code: 0, signal: null });

    const index = join(dataDir, 'idx-0', `${SEGMENT}.index`);
    const original = readFileSync(index);
    expect(original.length).toBeGreaterThanOrEqual(4 * 8);
    rmSync(index);

    const restarted = await CliBroker.start({ dataDir, overrides });
    await restarted.waitForLog((l) => l.msg === 'missing or corrupt index files, recovering the segment and rebuilding its indexes' && l['segment'] === join(dataDir, 'idx-0', `${SEGMENT}.log`));
    expect(existsSync(index)).toBe(true);
    // Fetches from the middle of the log go through the rebuilt index.
    expect((await kcatConsume(restarted.bootstrap, 'idx', 0, 25)).map((r) => r.value)).toEqual(Array.from({ length: 25 }, (_, i) => `r${25 + i}`));
    expect(await restarted.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(readFileSync(index).equals(original)).toBe(true);
    expect(readdirSync(join(dataDir, 'idx-0')).filter((n) => n.endsWith('.log'))).toEqual([`${SEGMENT}.log`]);
  });
});

describe('a second broker on the same log.dirs', () => {
  it('stops before touching the directory, so the running broker still recovers after its own crash', async () => {
    const dataDir = tempDataDir();
    const broker = await CliBroker.start({ dataDir });
    const values = Array.from({ length: 20 }, (_, i) => `s${i}`);
    await kcatProduce(broker.bootstrap, 'shared', 0, values);

    const second = await runGregor(['start', '--config', SHIPPED_CONFIG, ...ephemeralOverrides(dataDir)]);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`Failed to acquire lock on file .lock in ${dataDir}`);
    expect(second.stdout).not.toMatch(/recovering|loaded log/);
    // Without the lock the second process recovered the live logs and, on its way out, wrote a
    // clean-shutdown marker under the running broker.
    expect(existsSync(join(dataDir, '.kafka_cleanshutdown'))).toBe(false);
    expect((await kcatConsume(broker.bootstrap, 'shared', 0)).map((r) => r.value)).toEqual(values);

    await broker.stop('SIGKILL');
    const segment = join(dataDir, 'shared-0', `${SEGMENT}.log`);
    appendFileSync(segment, Buffer.alloc(30, 0xff));
    // The lock left by the killed process is stale: the restart takes it over and recovers.
    const restarted = await CliBroker.start({ dataDir });
    await restarted.waitForLog(isTruncationWarning);
    expect((await kcatConsume(restarted.bootstrap, 'shared', 0)).map((r) => r.value)).toEqual(values);
  });
});
