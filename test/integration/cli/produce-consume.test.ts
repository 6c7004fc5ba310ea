import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Consumer, KafkaClient, type ConsumerRecord } from '../../../src/client/index.js';
import { startBroker, type RunningBroker } from '../../../src/index.js';
import { closedPort, ensureBuilt, runCli } from './cli-helpers.js';

let broker: RunningBroker;
let B: string;
let client: KafkaClient;

beforeAll(async () => {
  ensureBuilt();
  broker = await startBroker({ config: { 'auto.create.topics.enable': false } });
  B = broker.bootstrap;
  client = new KafkaClient({ bootstrapServers: B });
}, 120_000);

afterAll(async () => {
  await client?.close();
  await broker?.close();
});

/** Every record of a topic, read with Gregor's client (not the CLI under test). */
async function readTopic(topic: string, partitions: number, expected: number): Promise<ConsumerRecord[]> {
  const consumer = new Consumer(client, { maxWaitMs: 100 });
  consumer.assign(Array.from({ length: partitions }, (_, partition) => ({ topic, partition, offset: 'earliest' as const })));
  const out: ConsumerRecord[] = [];
  for (let i = 0; out.length < expected && i < 50; i++) out.push(...(await consumer.poll()));
  return out;
}

describe('gregor produce', () => {
  it('sends stdin lines with keys and headers like kafka-console-producer', async () => {
    await broker.createTopic('p-keys', { partitions: 3 });
    const input = 'user1:hello\nuser2:world\nuser1:again:with:colons\n:empty-key\n';
    const r = await runCli(['produce', '--bootstrap-server', B, '--topic', 'p-keys', '--property', 'parse.key=true', '--property', 'key.separator=:'], { input });
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const records = await readTopic('p-keys', 3, 4);
    const byValue = new Map(records.map((x) => [x.value!.toString(), x]));
    expect([...byValue.keys()].sort()).toEqual(['again:with:colons', 'empty-key', 'hello', 'world']);
    expect(byValue.get('hello')!.key!.toString()).toBe('user1');
    expect(byValue.get('again:with:colons')!.partition).toBe(byValue.get('hello')!.partition);
    expect(byValue.get('empty-key')!.key!.toString()).toBe('');

    const headers = await runCli(
      ['produce', '--bootstrap-server', B, '--topic', 'p-keys', '--property', 'parse.headers=true', '--property', 'parse.key=true', '--property', 'headers.delimiter=|', '--property', 'headers.separator=;', '--property', 'headers.key.separator==', '--property', 'null.marker=NULL'],
      { input: 'trace=abc;tenant=NULL|k9\tv9\nNULL|NULL\tv10\n' },
    );
    expect(headers).toMatchObject({ code: 0, stderr: '' });
    const all = await readTopic('p-keys', 3, 6);
    const v9 = all.find((x) => x.value?.toString() === 'v9')!;
    expect(v9.key!.toString()).toBe('k9');
    expect(v9.headers).toEqual([
      { key: 'trace', value: Buffer.from('abc') },
      { key: 'tenant', value: null },
    ]);
    const v10 = all.find((x) => x.value?.toString() === 'v10')!;
    expect(v10.key).toBeNull();
    expect(v10.headers).toEqual([]);
  });

  it('applies acks and compression options', async () => {
    await broker.createTopic('p-opts', { partitions: 1 });
    for (const args of [['--compression-codec'], ['--compression-codec', 'lz4'], ['--producer-property', 'acks=0', '--producer-property', 'compression.type=snappy'], ['--request-required-acks', '1', '--sync']]) {
      const r = await runCli(['produce', '--bootstrap-server', B, '--topic', 'p-opts', ...args], { input: 'a\nb\n' });
      expect(r, args.join(' ')).toMatchObject({ code: 0, stderr: '' });
    }
    expect((await readTopic('p-opts', 1, 8)).map((x) => x.value!.toString())).toEqual(['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b']);
  });

  it('fails clearly on a line without key separator, an unknown topic, bad options and a wrong bootstrap', async () => {
    await broker.createTopic('p-errors', { partitions: 1 });
    const noSep = await runCli(['produce', '--bootstrap-server', B, '--topic', 'p-errors', '--property', 'parse.key=true'], { input: 'k\tv\nnokey\n' });
    expect(noSep.code).toBe(1);
    expect(noSep.stderr).toBe("error: No key separator found on line number 2: 'nokey'\n");
    // The line before the bad one was sent.
    expect((await readTopic('p-errors', 1, 1)).map((x) => x.value!.toString())).toEqual(['v']);

    const unknown = await runCli(['produce', '--bootstrap-server', B, '--topic', 'p-missing'], { input: 'x\n' });
    expect(unknown).toMatchObject({ code: 1, stdout: '', stderr: "error: Topic 'p-missing' does not exist.\n" });

    const badAcks = await runCli(['produce', '--bootstrap-server', B, '--topic', 'p-errors', '--producer-property', 'acks=2'], { input: 'x\n' });
    expect(badAcks).toMatchObject({ code: 1, stderr: 'error: Invalid value 2 for configuration acks: String must be one of: all, -1, 0, 1\n' });
    const badCodec = await runCli(['produce', '--bootstrap-server', B, '--topic', 'p-errors', '--compression-codec', 'brotli'], { input: 'x\n' });
    expect(badCodec.code).toBe(1);
    expect(badCodec.stderr).toMatch(/^error: Invalid compression codec 'brotli'/);

    const port = await closedPort();
    const down = await runCli(['produce', '--bootstrap-server', `127.0.0.1:${port}`, '--topic', 'p-errors'], { input: 'x\n' });
    expect(down).toEqual({ code: 1, stdout: '', stderr: `error: could not connect to 127.0.0.1:${port}: ECONNREFUSED\n` });
  });
});

describe('gregor consume', () => {
  beforeAll(async () => {
    await broker.createTopic('c-topic', { partitions: 2 });
    const r = await runCli(['produce', '--bootstrap-server', B, '--topic', 'c-topic', '--property', 'parse.key=true', '--property', 'parse.headers=true'], {
      input: 'h1:v1,h2:v2\tk1\tfirst\nh1:x\tk1\tsecond\nh3:y\tk2\tthird\n',
    });
    expect(r.code).toBe(0);
  });

  it('prints --from-beginning records with the formatter properties', async () => {
    const r = await runCli([
      'consume',
      '--bootstrap-server',
      B,
      '--topic',
      'c-topic',
      '--from-beginning',
      '--max-messages',
      '3',
      '--property',
      'print.key=true',
      '--property',
      'print.headers=true',
      '--property',
      'print.partition=true',
      '--property',
      'print.offset=true',
      '--property',
      'print.timestamp=true',
      '--property',
      'key.separator= | ',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('Processed a total of 3 messages\n');
    const lines = r.stdout.trimEnd().split('\n').sort((a, b) => a.split(' | ')[3]!.localeCompare(b.split(' | ')[3]!));
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).toMatch(/^CreateTime:\d+ \| Partition:[01] \| Offset:\d \| /);
    const rest = lines.map((l) => l.split(' | ').slice(3).join(' | ')).sort();
    expect(rest).toEqual(['h1:v1,h2:v2 | k1 | first', 'h1:x | k1 | second', 'h3:y | k2 | third']);
  });

  it('reads one partition from an offset, stops on --timeout-ms, and prints JSON', async () => {
    const all = await runCli(['consume', '--bootstrap-server', B, '--topic', 'c-topic', '--from-beginning', '--timeout-ms', '300', '--json']);
    expect(all.code).toBe(0);
    const records = all.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { partition: number; offset: number; key: string; value: string; headers: { key: string; value: string }[] });
    expect(records.map((x) => x.value).sort()).toEqual(['first', 'second', 'third']);
    expect(all.stderr).toMatch(/Processed a total of 3 messages\n$/);
    const second = records.find((x) => x.value === 'second')!;
    expect(second.headers).toEqual([{ key: 'h1', value: 'x' }]);

    const fromOffset = await runCli(['consume', '--bootstrap-server', B, '--topic', 'c-topic', '--partition', String(second.partition), '--offset', String(second.offset), '--max-messages', '1']);
    expect(fromOffset).toMatchObject({ code: 0, stdout: 'second\n' });

    const latest = await runCli(['consume', '--bootstrap-server', B, '--topic', 'c-topic', '--timeout-ms', '200']);
    expect(latest).toMatchObject({ code: 0, stdout: '' });
    expect(latest.stderr).toMatch(/Processed a total of 0 messages\n$/);
  });

  it('reads read_committed and empty topics', async () => {
    const r = await runCli(['consume', '--bootstrap-server', B, '--topic', 'c-topic', '--from-beginning', '--isolation-level', 'read_committed', '--max-messages', '3']);
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n').sort()).toEqual(['first', 'second', 'third']);
  });

  it('consumes as a group member and resumes from what the group committed', async () => {
    const first = await runCli(['consume', '--bootstrap-server', B, '--topic', 'c-topic', '--group', 'console-group', '--from-beginning', '--max-messages', '2']);
    expect(first.code).toBe(0);
    expect(first.stderr).toBe('Processed a total of 2 messages\n');
    const rest = await runCli(['consume', '--bootstrap-server', B, '--topic', 'c-topic', '--group', 'console-group', '--from-beginning', '--timeout-ms', '1000']);
    expect(rest.code).toBe(0);
    expect([...first.stdout.trimEnd().split('\n'), ...rest.stdout.trimEnd().split('\n')].sort()).toEqual(['first', 'second', 'third']);
    const none = await runCli(['consume', '--bootstrap-server', B, '--topic', 'c-topic', '--group', 'console-group', '--timeout-ms', '500']);
    expect(none).toMatchObject({ code: 0, stdout: '' });
    const bad = await runCli(['consume', '--bootstrap-server', B, '--topic', 'c-topic', '--group', 'console-group', '--partition', '0']);
    expect(bad).toMatchObject({ code: 1, stdout: '', stderr: 'error: Options --group and --partition/--offset cannot be specified together.\n' });
  });

  const failures: [string[], string | RegExp][] = [
    [['--topic', 'c-missing', '--from-beginning'], "error: Topic 'c-missing' does not exist.\n"],
    [['--topic', 'c-topic', '--partition', '7'], "error: Partition 7 of topic 'c-topic' does not exist (the topic has 2 partitions).\n"],
    [['--topic', 'c-topic', '--offset', '3'], 'error: The partition is required when offset is specified.\n'],
    [['--topic', 'c-topic', '--partition', '0', '--offset', 'soon'], /^error: The provided offset value 'soon' is incorrect/],
    [['--topic', 'c-topic', '--isolation-level', 'sometimes'], /^error: Invalid --isolation-level 'sometimes'/],
    [['--topic', 'c-topic', '--property', 'print.colour=true'], /^error: Unknown --property 'print.colour'/],
    [['--topic', 'c-topic', '--max-messages', '0'], /--max-messages must be an integer >= 1/],
  ];
  it.each(failures)('fails clearly: %j', async (args, expected) => {
    const r = await runCli(['consume', '--bootstrap-server', B, ...args]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    if (typeof expected === 'string') expect(r.stderr).toBe(expected);
    else expect(r.stderr).toMatch(expected);
  });

  it('fails with one line on a wrong bootstrap server', async () => {
    const port = await closedPort();
    const down = await runCli(['consume', '--bootstrap-server', `127.0.0.1:${port}`, '--topic', 'c-topic']);
    expect(down).toEqual({ code: 1, stdout: '', stderr: `error: could not connect to 127.0.0.1:${port}: ECONNREFUSED\n` });
  });
});
