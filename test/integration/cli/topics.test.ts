import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../../../src/index.js';
import { closedPort, ensureBuilt, runCli } from './cli-helpers.js';

let broker: RunningBroker;
let B: string;

beforeAll(async () => {
  ensureBuilt();
  broker = await startBroker();
  B = broker.bootstrap;
}, 120_000);

afterAll(async () => {
  await broker?.close();
});

describe('gregor topics', () => {
  it('creates, lists, describes, alters and deletes a topic like kafka-topics', async () => {
    const created = await runCli(['topics', '--bootstrap-server', B, '--create', '--topic', 'orders', '--partitions', '3', '--replication-factor', '1', '--config', 'retention.ms=604800000', '--config', 'cleanup.policy=compact']);
    expect(created).toMatchObject({ code: 0, stdout: 'Created topic orders.\n', stderr: '' });

    const list = await runCli(['topics', '--bootstrap-server', B, '--list']);
    expect(list.code).toBe(0);
    expect(list.stdout.split('\n')).toContain('orders');

    const describe = await runCli(['topics', '--bootstrap-server', B, '--describe', '--topic', 'orders']);
    expect(describe.code).toBe(0);
    const lines = describe.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Topic: orders\tTopicId: \S{22}\tPartitionCount: 3\tReplicationFactor: 1\tConfigs: /);
    expect(lines[0]).toContain('cleanup.policy=compact');
    expect(lines[0]).toContain('retention.ms=604800000');
    expect(lines.slice(1)).toEqual([0, 1, 2].map((p) => `\tTopic: orders\tPartition: ${p}\tLeader: 1\tReplicas: 1\tIsr: 1`));

    const alter = await runCli(['topics', '--bootstrap-server', B, '--alter', '--topic', 'orders', '--partitions', '5']);
    expect(alter).toMatchObject({ code: 0, stderr: '' });

    const json = await runCli(['topics', '--bootstrap-server', B, '--describe', '--topic', 'orders', '--json']);
    expect(json.code).toBe(0);
    const [topic] = JSON.parse(json.stdout) as { topic: string; partitionCount: number; configs: Record<string, string>; partitions: { leader: number; isr: number[] }[] }[];
    expect(topic!.topic).toBe('orders');
    expect(topic!.partitionCount).toBe(5);
    expect(topic!.configs['cleanup.policy']).toBe('compact');
    expect(topic!.partitions.every((p) => p.leader === 1 && p.isr.join() === '1')).toBe(true);

    const del = await runCli(['topics', '--bootstrap-server', B, '--delete', '--topic', 'orders']);
    expect(del).toMatchObject({ code: 0, stderr: '' });
    const after = await runCli(['topics', '--bootstrap-server', B, '--list', '--json']);
    expect(JSON.parse(after.stdout)).not.toContain('orders');
  });

  it('honours --if-not-exists and --if-exists, and reports duplicates and unknown topics', async () => {
    await broker.createTopic('dup', { partitions: 1 });
    const again = await runCli(['topics', '--bootstrap-server', B, '--create', '--topic', 'dup']);
    expect(again).toMatchObject({ code: 1, stdout: '', stderr: "error: Topic 'dup' already exists.\n" });
    expect(await runCli(['topics', '--bootstrap-server', B, '--create', '--topic', 'dup', '--if-not-exists'])).toMatchObject({ code: 0, stdout: '', stderr: '' });

    const unknown = await runCli(['topics', '--bootstrap-server', B, '--describe', '--topic', 'ghost']);
    expect(unknown).toMatchObject({ code: 1, stdout: '', stderr: "error: Topic 'ghost' does not exist as expected\n" });
    expect(await runCli(['topics', '--bootstrap-server', B, '--delete', '--topic', 'ghost', '--if-exists'])).toMatchObject({ code: 0, stderr: '' });
    expect((await runCli(['topics', '--bootstrap-server', B, '--delete', '--topic', 'ghost'])).code).toBe(1);
  });

  it('describes and deletes topics matched by a regular expression', async () => {
    await broker.createTopic('logs.app', { partitions: 1 });
    await broker.createTopic('logs.web', { partitions: 2 });
    const d = await runCli(['topics', '--bootstrap-server', B, '--describe', '--topic', 'logs\\..*']);
    expect(d.code).toBe(0);
    expect(d.stdout.split('\n').filter((l) => l.startsWith('Topic: ')).map((l) => l.split('\t')[0])).toEqual(['Topic: logs.app', 'Topic: logs.web']);
    expect((await runCli(['topics', '--bootstrap-server', B, '--delete', '--topic', 'logs\\..*'])).code).toBe(0);
    const list = await runCli(['topics', '--bootstrap-server', B, '--list']);
    expect(list.stdout).not.toContain('logs.');
  });

  it('fails with one clear line on a wrong bootstrap server', async () => {
    const port = await closedPort();
    const r = await runCli(['topics', '--bootstrap-server', `127.0.0.1:${port}`, '--list']);
    expect(r).toEqual({ code: 1, stdout: '', stderr: `error: could not connect to 127.0.0.1:${port}: ECONNREFUSED\n` });
    const bad = await runCli(['topics', '--bootstrap-server', 'localhost', '--list']);
    expect(bad).toEqual({ code: 1, stdout: '', stderr: "error: invalid bootstrap server 'localhost': expected HOST:PORT\n" });
  });

  const badArguments: [string[], RegExp][] = [
    [['--list', '--create', '--topic', 'x'], /^error: Command must include exactly one action/],
    [['--create'], /^error: Missing required argument "--topic" for --create/],
    [['--create', '--topic', 'x', '--partitions', 'abc'], /--partitions must be an integer/],
    [['--create', '--topic', 'x', '--partitions', '0'], /--partitions must be an integer >= 1/],
    [['--list', '--partitions', '3'], /^error: Option "--partitions" can't be used with option "--list"/],
    [['--alter', '--topic', 'x'], /^error: --alter needs --partitions or --config/],
    [['--list', '--frobnicate'], /unknown option '--frobnicate'/],
    [['--create', '--topic', 'bad name!'], /^error: .*(illegal|invalid|Illegal|Invalid)/],
  ];
  it.each(badArguments)('rejects bad arguments: %j', async (args, message) => {
    const r = await runCli(['topics', '--bootstrap-server', B, ...args]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it('requires --bootstrap-server', async () => {
    const missing = await runCli(['topics', '--list']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/required option '--bootstrap-server <host:port>' not specified/);
  });
});
