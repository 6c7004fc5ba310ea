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

describe('gregor configs', () => {
  beforeAll(async () => {
    await broker.createTopic('cfg-errors', { partitions: 1 });
  });

  it('alters and describes topic configs like kafka-configs', async () => {
    await broker.createTopic('cfg', { partitions: 1, configs: { 'retention.ms': '1000' } });
    const before = await runCli(['configs', '--bootstrap-server', B, '--describe', '--entity-type', 'topics', '--entity-name', 'cfg']);
    expect(before.code).toBe(0);
    expect(before.stdout).toBe('Dynamic configs for topic cfg are:\n  retention.ms=1000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=1000}\n');

    const alter = await runCli(['configs', '--bootstrap-server', B, '--alter', '--entity-type', 'topics', '--entity-name', 'cfg', '--add-config', 'cleanup.policy=[compact,delete],max.message.bytes=2048']);
    expect(alter).toMatchObject({ code: 0, stdout: 'Completed updating config for topic cfg.\n', stderr: '' });

    const json = await runCli(['configs', '--bootstrap-server', B, '--describe', '--topic', 'cfg', '--json']);
    expect(json.code).toBe(0);
    const described = JSON.parse(json.stdout) as { entityName: string; configs: { name: string; value: string; source: string }[] };
    expect(described.entityName).toBe('cfg');
    expect(Object.fromEntries(described.configs.map((c) => [c.name, c.value]))).toEqual({
      'cleanup.policy': 'compact,delete',
      'max.message.bytes': '2048',
      'retention.ms': '1000',
    });
    expect(described.configs.every((c) => c.source === 'DYNAMIC_TOPIC_CONFIG')).toBe(true);

    const del = await runCli(['configs', '--bootstrap-server', B, '--alter', '--topic', 'cfg', '--delete-config', 'retention.ms,max.message.bytes']);
    expect(del).toMatchObject({ code: 0, stdout: 'Completed updating config for topic cfg.\n' });
    const after = await runCli(['configs', '--bootstrap-server', B, '--describe', '--topic', 'cfg']);
    expect(after.stdout.split('\n').filter((l) => l.startsWith('  ')).map((l) => l.trim().split('=')[0])).toEqual(['cleanup.policy']);

    const all = await runCli(['configs', '--bootstrap-server', B, '--describe', '--topic', 'cfg', '--all']);
    expect(all.stdout.startsWith('All configs for topic cfg are:\n')).toBe(true);
    expect(all.stdout).toMatch(/\n {2}segment\.bytes=\d+ sensitive=false synonyms=\{/);
  });

  it('alters and describes broker configs', async () => {
    const set = await runCli(['configs', '--bootstrap-server', B, '--alter', '--entity-type', 'brokers', '--entity-default', '--add-config', 'log.cleaner.threads=2']);
    expect(set).toMatchObject({ code: 0, stdout: 'Completed updating default config for brokers in the cluster.\n' });
    const dflt = await runCli(['configs', '--bootstrap-server', B, '--describe', '--entity-type', 'brokers', '--entity-default']);
    expect(dflt.stdout).toBe('Default configs for brokers in the cluster are:\n  log.cleaner.threads=2 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:log.cleaner.threads=2}\n');
    const one = await runCli(['configs', '--bootstrap-server', B, '--describe', '--broker', '1', '--all', '--json']);
    expect(one.code).toBe(0);
    const configs = (JSON.parse(one.stdout) as { configs: { name: string; value: string | null }[] }).configs;
    expect(configs.find((c) => c.name === 'log.cleaner.threads')?.value).toBe('2');
  });

  const failures: [string[], string | RegExp][] = [
    [['--alter', '--topic', 'ghost', '--add-config', 'retention.ms=1'], "error: Topic 'ghost' does not exist.\n"],
    [['--describe', '--topic', 'ghost'], "error: Topic 'ghost' does not exist.\n"],
    [['--alter', '--topic', 'cfg-errors', '--delete-config', 'segment.ms'], 'error: Invalid config(s): segment.ms\n'],
    [['--alter', '--topic', 'cfg-errors', '--add-config', 'retention.ms=soon'], /^error: Invalid value soon for configuration retention.ms/],
    [['--alter', '--topic', 'cfg-errors', '--add-config', 'no-equals'], 'error: Invalid entity config: all configs to be added must be in the format "key=val".\n'],
    [['--describe', '--entity-type', 'users'], 'error: Invalid entity type users, the entity type must be one of topics, brokers\n'],
    [['--describe', '--alter', '--topic', 'x'], 'error: Command must include exactly one action: --describe, --alter\n'],
    [['--alter', '--entity-type', 'topics', '--add-config', 'a=b'], 'error: An entity name must be specified with --alter of topics\n'],
    [['--alter', '--topic', 'cfg-errors'], 'error: At least one of --add-config or --delete-config must be specified with --alter\n'],
    [['--describe', '--broker', 'one'], 'error: The entity name for brokers must be a valid integer broker id, but it is: one\n'],
  ];
  it.each(failures)('fails clearly: %j', async (args, expected) => {
    const r = await runCli(['configs', '--bootstrap-server', B, ...args]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    if (typeof expected === 'string') expect(r.stderr).toBe(expected);
    else expect(r.stderr).toMatch(expected);
  });
});

describe('gregor cluster', () => {
  it('shows the cluster id, controller and brokers', async () => {
    const r = await runCli(['cluster', '--bootstrap-server', B]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`Cluster ID: ${broker.clusterId}\nController: 1\nBrokers:\nID  HOST       PORT${' '.repeat(Math.max(0, String(broker.port).length - 4))}  RACK\n1   127.0.0.1  ${broker.port}${' '.repeat(Math.max(0, 4 - String(broker.port).length))}  -\n`);
    const json = await runCli(['cluster', '--bootstrap-server', B, '--json']);
    expect(JSON.parse(json.stdout)).toEqual({ clusterId: broker.clusterId, controllerId: 1, brokers: [{ nodeId: 1, host: '127.0.0.1', port: broker.port, rack: null }] });
  });

  it('fails with one line on a wrong bootstrap server', async () => {
    const port = await closedPort();
    expect(await runCli(['cluster', '--bootstrap-server', `127.0.0.1:${port}`])).toEqual({ code: 1, stdout: '', stderr: `error: could not connect to 127.0.0.1:${port}: ECONNREFUSED\n` });
    expect(await runCli(['configs', '--bootstrap-server', `127.0.0.1:${port}`, '--describe', '--topic', 'x'])).toEqual({ code: 1, stdout: '', stderr: `error: could not connect to 127.0.0.1:${port}: ECONNREFUSED\n` });
  });
});
