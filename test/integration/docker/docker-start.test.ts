/**
 * The docker entrypoint, `gregor docker-start`, run as a plain child process (no docker engine
 * here) with each seed's docker-compose environment block as its whole environment. Changes to
 * the blocks, so that brokers can start side by side on a test machine, and nothing else:
 * - ports -> free ephemeral ports (compose maps 9092 on the host; here every port is the host's);
 * - the container's own hostname `broker` (seed 002: `hostname: broker`) -> localhost;
 * - KAFKA_LOG_DIRS -> a temp dir (in compose, a volume mounted there).
 * Checked: the effective server.properties it prints, the cluster id in meta.properties, that
 * kafkajs creates/lists topics and produces and kcat consumes, `gregor healthcheck`, SIGTERM.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { KAFKA_IMAGE_DEFAULT_CLUSTER_ID, envToProperties } from '../../../src/config/sources.js';
import { hasKcat, KCAT, MISSING_KCAT, run } from '../helpers/process.js';
import { freePort, killAllGregors, runGregor, startGregor, type CliProcess } from './cli-process.js';
import { SEED_001_ENV, SEED_002_ENV } from './seed-compose.js';

const { Kafka, logLevel } = kafkajs;

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await killAllGregors();
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gregor-docker-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** The seed block with its ports mapped, `broker` -> localhost and the log dir moved; `ports` maps every port the block uses. */
function adapt(seed: Readonly<Record<string, string>>, ports: Record<string, number>, logDir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(seed)) {
    out[k] = v
      .replace(/:(\d+)\b/g, (_, p: string) => {
        if (ports[p] === undefined) throw new Error(`no port mapped for ${p}`);
        return `:${ports[p]}`;
      })
      .replace(/(\/\/|@)broker:/g, '$1localhost:');
  }
  out['KAFKA_LOG_DIRS'] = logDir;
  return out;
}

async function mapPorts(...ports: string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const p of ports) out[p] = await freePort();
  return out;
}

async function dockerStart(env: Record<string, string>, dir: string): Promise<CliProcess> {
  // An empty directory stands for the image's /mnt/shared/config without a mounted file.
  const p = startGregor(['docker-start', '--mounted-config-dir', join(dir, 'mnt-shared-config')], env);
  await p.waitForLine((l) => l.includes('"msg":"Gregor started"'));
  return p;
}

function effectiveProperties(p: CliProcess): Record<string, string> {
  return Object.fromEntries(p.between('===> Effective server.properties', '===> End of server.properties').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

async function clusterIdOnDisk(logDir: string): Promise<string | undefined> {
  const text = await readFile(join(logDir, 'meta.properties'), 'utf8');
  return /^cluster\.id=(.*)$/m.exec(text)?.[1];
}

/** kafkajs: create a topic, list it, produce with acks=all; kcat reads it back from the beginning. */
async function produceAndConsume(bootstrap: string, topic: string): Promise<void> {
  const kafka = new Kafka({ clientId: 'docker-entrypoint-test', brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 3, initialRetryTime: 100 } });
  const admin = kafka.admin();
  await admin.connect();
  cleanups.push(() => admin.disconnect());
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
  expect(await admin.listTopics()).toContain(topic);
  const producer = kafka.producer();
  await producer.connect();
  cleanups.push(() => producer.disconnect());
  const acks = await producer.send({ topic, acks: -1, messages: [{ key: 'k1', value: 'hello', partition: 0 }, { key: 'k2', value: 'world', partition: 0 }] });
  expect(acks[0]).toMatchObject({ topicName: topic, partition: 0, errorCode: 0, baseOffset: '0' });
  if (!hasKcat) {
    console.warn(`kcat consume skipped: ${MISSING_KCAT}`);
    return;
  }
  const r = await run(KCAT, ['-C', '-b', bootstrap, '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-q', '-f', '%k=%s\\n'], { timeoutMs: 20_000 });
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout.trim().split('\n')).toEqual(['k1=hello', 'k2=world']);
}

describe('gregor docker-start with the seeds\' docker-compose environment blocks', () => {
  it('seed 001 (apache/kafka:3.7.0 block): configures, formats with the image default CLUSTER_ID, serves clients, stops on SIGTERM', async () => {
    const dir = await tempDir();
    const logDir = join(dir, 'kraft-logs');
    const ports = await mapPorts('9092', '9093');
    const env = adapt(SEED_001_ENV, ports, logDir);
    const p = await dockerStart(env, dir);

    expect(p.stdout.slice(0, 6)).toEqual([
      '===> User',
      expect.stringMatching(/^uid=\d+/),
      '===> Setting default values of environment variables if not already set.',
      `CLUSTER_ID not set. Setting it to default value: "${KAFKA_IMAGE_DEFAULT_CLUSTER_ID}"`,
      '===> Configuring ...',
      'Running in KRaft mode...',
    ]);
    expect(p.stdout).toContain('User provided kafka configs found via environment variables.');
    // Exactly the block's variables, mapped like the apache/kafka image maps them.
    expect(effectiveProperties(p)).toEqual({
      'advertised.listeners': `PLAINTEXT://localhost:${ports['9092']}`,
      'auto.create.topics.enable': 'false',
      'controller.listener.names': 'CONTROLLER',
      'controller.quorum.voters': `1@localhost:${ports['9093']}`,
      'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      listeners: `PLAINTEXT://0.0.0.0:${ports['9092']},CONTROLLER://0.0.0.0:${ports['9093']}`,
      'log.dirs': logDir,
      'node.id': '1',
      'process.roles': 'broker,controller',
    });
    expect(effectiveProperties(p)).toEqual(Object.fromEntries(envToProperties(env)));
    expect(p.stdout).toContain(`===> Using provided cluster id ${KAFKA_IMAGE_DEFAULT_CLUSTER_ID} ...`);
    expect(p.stdout).toContain(`Formatting ${logDir} with metadata.version 3.9-IV0.`);
    expect(await clusterIdOnDisk(logDir)).toBe(KAFKA_IMAGE_DEFAULT_CLUSTER_ID);
    const started = p.logs().find((l) => l['msg'] === 'Gregor started')!;
    expect(started).toMatchObject({ nodeId: 1, clusterId: KAFKA_IMAGE_DEFAULT_CLUSTER_ID, listeners: [`PLAINTEXT://0.0.0.0:${ports['9092']}`, `CONTROLLER://0.0.0.0:${ports['9093']}`] });

    const bootstrap = `localhost:${ports['9092']}`;
    const health = await runGregor(['healthcheck', '--bootstrap-server', bootstrap]);
    expect(health.code, health.stderr).toBe(0);
    expect(health.stdout).toMatch(/is healthy: ApiVersions answered with \d+ APIs/);
    await produceAndConsume(bootstrap, 'orders');
    // auto.create.topics.enable=false from the block: an unknown topic stays unknown.
    const kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 } });
    const admin = kafka.admin();
    await admin.connect();
    cleanups.push(() => admin.disconnect());
    await expect(admin.fetchTopicMetadata({ topics: ['not-created'] })).rejects.toThrow(/does not host this topic-partition/);

    p.child.kill('SIGTERM');
    expect(await p.exited).toEqual({ code: 0, signal: null });
    expect(p.logs().some((l) => l['msg'] === 'shut down cleanly')).toBe(true);
    const down = await runGregor(['healthcheck', '--bootstrap-server', bootstrap, '--timeout-ms', '2000']);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^Broker is not healthy: localhost:\d+: /);
  });

  it('seed 002 (apache/kafka:3.9.0 block, hostname broker): three listeners, its CLUSTER_ID, clients on PLAINTEXT_HOST; a restart keeps the stored cluster id', async () => {
    const dir = await tempDir();
    const logDir = join(dir, 'kraft-combined-logs');
    const ports = await mapPorts('9092', '29092', '29093');
    const env = adapt(SEED_002_ENV, ports, logDir);
    const p = await dockerStart(env, dir);

    expect(p.stdout.slice(0, 5)).toEqual(['===> User', expect.stringMatching(/^uid=/), '===> Setting default values of environment variables if not already set.', '===> Configuring ...', 'Running in KRaft mode...']);
    expect(effectiveProperties(p)).toEqual({
      'advertised.listeners': `PLAINTEXT://localhost:${ports['29092']},PLAINTEXT_HOST://localhost:${ports['9092']}`,
      'controller.listener.names': 'CONTROLLER',
      'controller.quorum.voters': `1@localhost:${ports['29093']}`,
      'inter.broker.listener.name': 'PLAINTEXT',
      'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,PLAINTEXT_HOST:PLAINTEXT',
      listeners: `PLAINTEXT://localhost:${ports['29092']},CONTROLLER://localhost:${ports['29093']},PLAINTEXT_HOST://0.0.0.0:${ports['9092']}`,
      'log.dirs': logDir,
      'node.id': '1',
      'offsets.topic.replication.factor': '1',
      'process.roles': 'broker,controller',
    });
    expect(p.stdout).toContain('===> Using provided cluster id MkU3OEVBNTcwNTJENDM2Qk ...');
    expect(await clusterIdOnDisk(logDir)).toBe('MkU3OEVBNTcwNTJENDM2Qk');

    // The host listener and the internal listener both answer, each advertising its own address.
    for (const port of [ports['9092'], ports['29092']]) {
      const health = await runGregor(['healthcheck', '--bootstrap-server', `localhost:${port}`]);
      expect(health.code, health.stderr).toBe(0);
    }
    await produceAndConsume(`localhost:${ports['9092']}`, 'hello-world');
    if (hasKcat) {
      const meta = await run(KCAT, ['-L', '-J', '-b', `localhost:${ports['29092']}`], { timeoutMs: 15_000 });
      expect(JSON.parse(meta.stdout).brokers).toEqual([{ id: 1, name: `localhost:${ports['29092']}` }]);
    }
    p.child.kill('SIGTERM');
    expect((await p.exited).code).toBe(0);

    // Like the image (kafka-storage format's "already formatted" is ignored), a restart with
    // another CLUSTER_ID keeps the stored one, and the data.
    const again = await dockerStart({ ...env, CLUSTER_ID: 'AnotherClusterIdAAAAAA' }, dir);
    expect(again.stdout).toContain(`Log directory ${logDir} is already formatted.`);
    expect(again.logs().find((l) => l['msg'] === 'Gregor started')).toMatchObject({ clusterId: 'MkU3OEVBNTcwNTJENDM2Qk' });
    if (hasKcat) {
      const r = await run(KCAT, ['-C', '-b', `localhost:${ports['9092']}`, '-t', 'hello-world', '-p', '0', '-o', 'beginning', '-e', '-q', '-f', '%s\\n'], { timeoutMs: 20_000 });
      expect(r.stdout.trim().split('\n')).toEqual(['hello', 'world']);
    }
    again.child.kill('SIGTERM');
    expect((await again.exited).code).toBe(0);
  });

  it('--dry-run prints the configuration of the unchanged seed 002 block and exits', async () => {
    const r = await runGregor(['docker-start', '--dry-run', '--mounted-config-dir', '/nonexistent-gregor-test'], { ...SEED_002_ENV });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    const props = lines.slice(lines.indexOf('===> Effective server.properties') + 1, lines.indexOf('===> End of server.properties'));
    expect(props).toEqual([...envToProperties(SEED_002_ENV)].map(([k, v]) => `${k}=${v}`));
    expect(props).toContain('listeners=PLAINTEXT://broker:29092,CONTROLLER://broker:29093,PLAINTEXT_HOST://0.0.0.0:9092');
    expect(lines).toContain('Cluster id: MkU3OEVBNTcwNTJENDM2Qk');
  });

  it('the image default configuration (no KAFKA_* variable), with a mounted server.properties as file input', async () => {
    const dir = await tempDir();
    const none = await runGregor(['docker-start', '--dry-run', '--mounted-config-dir', join(dir, 'none')], {});
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout).toContain('User provided kafka configs not found (neither via file input nor via environment variables). Falling back to default configs.');
    expect(none.stdout).toContain('log.dirs=/tmp/kraft-combined-logs');

    const mounted = join(dir, 'mnt');
    const { mkdir, writeFile } = await import('node:fs/promises');
    await mkdir(mounted);
    await writeFile(join(mounted, 'server.properties'), 'process.roles=broker,controller\nnode.id=1\ncontroller.quorum.voters=1@localhost:9093\nlisteners=PLAINTEXT://:9092,CONTROLLER://:9093\ncontroller.listener.names=CONTROLLER\nlog.dirs=/data\n');
    const file = await runGregor(['docker-start', '--dry-run', '--mounted-config-dir', mounted], { KAFKA_NUM_PARTITIONS: '3' });
    expect(file.code, file.stderr).toBe(0);
    expect(file.stdout).toMatch(/User provided kafka configs found via file input/);
    expect(file.stdout).toContain('num.partitions=3');
    expect(file.stdout).toContain('log.dirs=/data');
  });

  it('an invalid variable stops start-up with Kafka\'s message', async () => {
    const r = await runGregor(['docker-start', '--dry-run', '--mounted-config-dir', '/nonexistent-gregor-test'], { ...SEED_001_ENV, KAFKA_NUM_PARTITIONS: 'lots' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Invalid configuration: Invalid value lots for configuration num.partitions: Not a number of type INT');
  });
});
