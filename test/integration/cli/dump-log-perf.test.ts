import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaClient, Producer } from '../../../src/client/index.js';
import { startBroker, type RunningBroker } from '../../../src/index.js';
import { crc32c } from '../../../src/protocol/crc32c.js';
import { CompressionType } from '../../../src/protocol/records/batch-header.js';
import { buildRecordBatchSync } from '../../../src/protocol/records/build-batch.js';
import { buildEndTxnMarker, ControlRecordType } from '../../../src/protocol/records/control-records.js';
import { closedPort, ensureBuilt, runCli } from './cli-helpers.js';

let dir: string;
let broker: RunningBroker;
let B: string;

beforeAll(async () => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'gregor-cli-dump-'));
  broker = await startBroker({ logDir: join(dir, 'data') });
  B = broker.bootstrap;
}, 120_000);

afterAll(async () => {
  await broker?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('gregor dump-log', () => {
  it('prints batches and records of a segment file like kafka-dump-log', async () => {
    const plain = buildRecordBatchSync({
      baseOffset: 0n,
      partitionLeaderEpoch: 3,
      records: [
        { key: Buffer.from('k1'), value: Buffer.from('hello'), headers: [{ key: 'h1', value: Buffer.from('x') }], timestamp: 1700000000000n },
        { key: null, value: Buffer.from('world'), timestamp: 1700000000005n },
      ],
    });
    const txn = buildRecordBatchSync({
      baseOffset: 2n,
      producerId: 7n,
      producerEpoch: 1,
      baseSequence: 0,
      isTransactional: true,
      compression: CompressionType.Gzip,
      records: [{ value: Buffer.from('in-txn'), timestamp: 1700000000010n }],
    });
    const marker = buildEndTxnMarker({ type: ControlRecordType.Commit, producerId: 7n, producerEpoch: 1, coordinatorEpoch: 4, timestamp: 1700000000020n, baseOffset: 3n });
    const segment = join(dir, '00000000000000000000.log');
    writeFileSync(segment, Buffer.concat([plain, txn, marker]));
    const crc = (b: Buffer) => crc32c(b, 21);

    const shallow = await runCli(['dump-log', '--files', segment]);
    expect(shallow.code).toBe(0);
    expect(shallow.stdout).toBe(
      [
        `Dumping ${segment}`,
        'Log starting offset: 0',
        `baseOffset: 0 lastOffset: 1 count: 2 baseSequence: -1 lastSequence: -1 producerId: -1 producerEpoch: -1 partitionLeaderEpoch: 3 isTransactional: false isControl: false deleteHorizonMs: OptionalLong.empty position: 0 CreateTime: 1700000000005 size: ${plain.length} magic: 2 compresscodec: none crc: ${crc(plain)} isvalid: true`,
        `baseOffset: 2 lastOffset: 2 count: 1 baseSequence: 0 lastSequence: 0 producerId: 7 producerEpoch: 1 partitionLeaderEpoch: -1 isTransactional: true isControl: false deleteHorizonMs: OptionalLong.empty position: ${plain.length} CreateTime: 1700000000010 size: ${txn.length} magic: 2 compresscodec: gzip crc: ${crc(txn)} isvalid: true`,
        `baseOffset: 3 lastOffset: 3 count: 1 baseSequence: -1 lastSequence: -1 producerId: 7 producerEpoch: 1 partitionLeaderEpoch: -1 isTransactional: true isControl: true deleteHorizonMs: OptionalLong.empty position: ${plain.length + txn.length} CreateTime: 1700000000020 size: ${marker.length} magic: 2 compresscodec: none crc: ${crc(marker)} isvalid: true`,
        '',
      ].join('\n'),
    );

    const deep = await runCli(['dump-log', '--files', segment, '--print-data-log']);
    expect(deep.code).toBe(0);
    expect(deep.stdout.split('\n').filter((l) => l.startsWith('|'))).toEqual([
      '| offset: 0 CreateTime: 1700000000000 keySize: 2 valueSize: 5 sequence: -1 headerKeys: [h1] key: k1 payload: hello',
      '| offset: 1 CreateTime: 1700000000005 keySize: -1 valueSize: 5 sequence: -1 headerKeys: [] payload: world',
      '| offset: 2 CreateTime: 1700000000010 keySize: -1 valueSize: 6 sequence: 0 headerKeys: [] payload: in-txn',
      '| offset: 3 CreateTime: 1700000000020 keySize: 4 valueSize: 6 sequence: -1 headerKeys: [] endTxnMarker: COMMIT coordinatorEpoch: 4',
    ]);

    // A corrupted batch shows isvalid: false; a torn tail is reported as invalid bytes.
    const damaged = join(dir, 'damaged');
    rmSync(damaged, { recursive: true, force: true });
    const copy = Buffer.concat([plain, txn]);
    copy[plain.length + 70] ^= 0xff;
    const damagedSegment = join(dir, '00000000000000000002.log');
    writeFileSync(damagedSegment, copy);
    appendFileSync(damagedSegment, marker.subarray(0, 20));
    const bad = await runCli(['dump-log', '--files', damagedSegment, '--json']);
    expect(bad.code).toBe(0);
    const doc = JSON.parse(bad.stdout) as { startOffset: number; batches: { isvalid: boolean }[]; trailingBytes: number };
    expect(doc.startOffset).toBe(2);
    expect(doc.batches.map((b) => b.isvalid)).toEqual([true, false]);
    expect(doc.trailingBytes).toBe(20);
    const text = await runCli(['dump-log', '--files', damagedSegment]);
    expect(text.stdout).toContain('isvalid: false');
    expect(text.stdout.endsWith('Found 20 invalid bytes at the end of 00000000000000000002.log\n')).toBe(true);
  });

  it("dumps a broker's segment and index files", async () => {
    // A broker of its own, closed before the dump so the index files are written out.
    const dataDir = join(dir, 'own-broker');
    const own = await startBroker({ logDir: dataDir });
    try {
      await own.createTopic('dumped', { partitions: 1, configs: { 'index.interval.bytes': '1' } });
      const client = new KafkaClient({ bootstrapServers: own.bootstrap });
      const producer = new Producer(client, { lingerMs: 0 });
      for (let i = 0; i < 3; i++) await producer.send({ topic: 'dumped', key: `key${i}`, value: `value${i}` });
      await client.close();
    } finally {
      await own.close();
    }
    const partitionDir = join(dataDir, 'dumped-0');
    const log = join(partitionDir, '00000000000000000000.log');
    const index = join(partitionDir, '00000000000000000000.index');
    const timeindex = join(partitionDir, '00000000000000000000.timeindex');
    const r = await runCli(['dump-log', '--files', `${log},${index},${timeindex}`, '--print-data-log']);
    expect(r.code).toBe(0);
    const records = r.stdout.split('\n').filter((l) => l.startsWith('| offset: '));
    expect(records.map((l) => / key: (\S+) payload: (\S+)$/.exec(l)!.slice(1).join('='))).toEqual(['key0=value0', 'key1=value1', 'key2=value2']);
    const sections = r.stdout.split(/^Dumping /m);
    expect(sections[2]!.startsWith(`${index}\n`)).toBe(true);
    // index.interval.bytes=1: every batch after the first is indexed (78-byte batches).
    expect(sections[2]!.trimEnd().split('\n').slice(1)).toEqual(['offset: 1 position: 78', 'offset: 2 position: 156']);
    expect(sections[3]!.startsWith(`${timeindex}\n`)).toBe(true);
    const timeEntries = sections[3]!.trimEnd().split('\n').slice(1);
    expect(timeEntries.length).toBeGreaterThan(0);
    for (const line of timeEntries) expect(line).toMatch(/^timestamp: \d+ offset: [0-2]$/);
  });

  it('fails clearly on a missing file and bad arguments', async () => {
    expect(await runCli(['dump-log', '--files', join(dir, 'nope.log')])).toEqual({ code: 1, stdout: '', stderr: `error: Cannot read ${join(dir, 'nope.log')}: ENOENT\n` });
    const missing = await runCli(['dump-log']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/required option '--files <files>' not specified/);
  });
});

describe('gregor perf', () => {
  it('produce reports progress lines and a final summary', async () => {
    const r = await runCli(['perf', 'produce', '--topic', 'perf', '--num-records', '1500', '--record-size', '100', '--throughput', '3000', '--producer-props', `bootstrap.servers=${B}`, 'acks=1', '--reporting-interval', '100']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trimEnd().split('\n');
    const progress = lines.slice(0, -1);
    expect(progress.length).toBeGreaterThanOrEqual(1);
    for (const l of progress) expect(l).toMatch(/^\d+ records sent, [\d.]+ records\/sec \([\d.]+ MB\/sec\), [\d.]+ ms avg latency, [\d.]+ ms max latency\.$/);
    expect(lines.at(-1)).toMatch(
      /^1500 records sent, [\d.]+ records\/sec \([\d.]+ MB\/sec\), [\d.]+ ms avg latency, [\d.]+ ms max latency, [\d.]+ ms 50th, [\d.]+ ms 95th, [\d.]+ ms 99th, [\d.]+ ms 99\.9th\.$/,
    );
    const rate = Number(/records sent, ([\d.]+) records\/sec/.exec(lines.at(-1)!)![1]);
    expect(rate).toBeLessThanOrEqual(3000 * 1.1);
  });

  it('produce --json and consume print machine-readable summaries', async () => {
    const p = await runCli(['perf', 'produce', '--bootstrap-server', B, '--topic', 'perf-json', '--num-records', '2000', '--record-size', '10', '--throughput', '-1', '--json']);
    expect(p.code).toBe(0);
    const produced = JSON.parse(p.stdout) as Record<string, number>;
    expect(produced).toMatchObject({ records: 2000, bytes: 20000, errors: 0 });
    for (const k of ['recordsPerSec', 'mbPerSec', 'avgLatencyMs', 'p50LatencyMs', 'p95LatencyMs', 'p99LatencyMs', 'maxLatencyMs']) expect(typeof produced[k]).toBe('number');

    const c = await runCli(['perf', 'consume', '--bootstrap-server', B, '--topic', 'perf-json', '--messages', '2000', '--json']);
    expect(c.code).toBe(0);
    expect(JSON.parse(c.stdout)).toMatchObject({ records: 2000, bytes: 20000, timedOut: false });

    const text = await runCli(['perf', 'consume', '--bootstrap-server', B, '--topic', 'perf-json', '--messages', '2000']);
    expect(text.stdout.trimEnd().split('\n').at(-1)).toMatch(/^2000 records received, [\d.]+ records\/sec \([\d.]+ MB\/sec\), [\d.]+ ms avg fetch latency, [\d.]+ ms max fetch latency, /);

    const short = await runCli(['perf', 'consume', '--bootstrap-server', B, '--topic', 'perf-json', '--messages', '5000', '--timeout', '300']);
    expect(short.code).toBe(0);
    expect(short.stderr).toContain('WARNING: Exiting before consuming the expected number of messages: timeout (300 ms) exceeded.');
    expect(short.stdout).toMatch(/^2000 records received/m);
  });

  it('fails clearly on bad arguments, an unknown topic and a wrong bootstrap', async () => {
    const port = await closedPort();
    const [noSize, noBootstrap, unknown, down] = await Promise.all([
      runCli(['perf', 'produce', '--bootstrap-server', B, '--topic', 'perf', '--num-records', '10']),
      runCli(['perf', 'produce', '--topic', 'perf', '--num-records', '10', '--record-size', '1']),
      runCli(['perf', 'consume', '--bootstrap-server', B, '--topic', 'perf-ghost', '--messages', '10']),
      runCli(['perf', 'produce', '--topic', 'perf', '--num-records', '10', '--record-size', '1', '--producer-props', `bootstrap.servers=127.0.0.1:${port}`]),
    ]);
    expect(noSize).toEqual({ code: 1, stdout: '', stderr: 'error: Either --record-size or --payload-file must be specified, but not both.\n' });
    expect(noBootstrap).toEqual({ code: 1, stdout: '', stderr: 'error: Missing bootstrap servers: use --bootstrap-server or --producer-props bootstrap.servers=HOST:PORT\n' });
    expect(unknown).toEqual({ code: 1, stdout: '', stderr: "error: Topic 'perf-ghost' does not exist.\n" });
    expect(down).toEqual({ code: 1, stdout: '', stderr: `error: could not connect to 127.0.0.1:${port}: ECONNREFUSED\n` });
  });
});
