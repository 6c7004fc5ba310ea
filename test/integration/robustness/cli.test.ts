/**
 * `gregor start` / `gregor storage format` as child processes: the shipped config/server.properties
 * with --override for ports and log.dirs, config validation, KAFKA_* environment variables,
 * signals. Also bad input against the CLI broker, with the "logged once" check on its stdout.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/protocol/error-codes.js';
import { ApiKey } from '../../../src/protocol/generated/api-messages.js';
import { defaultApiVersionsRequest, type ApiVersionsResponse } from '../../../src/protocol/generated/api/18-api-versions.js';
import { defaultFetchRequest, defaultFetchRequestFetchPartition, defaultFetchRequestFetchTopic } from '../../../src/protocol/generated/api/01-fetch.js';
import {
  CliBroker,
  REPO_ROOT,
  RawKafkaClient,
  SHIPPED_CONFIG,
  ensureBuilt,
  ephemeralOverrides,
  killAllCliBrokers,
  makeTempDir,
  runGregor,
  waitUntil,
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

async function rawClient(port: number): Promise<RawKafkaClient> {
  const c = await RawKafkaClient.connect(port);
  cleanups.push(() => c.destroy());
  return c;
}

async function apiVersions(port: number): Promise<ApiVersionsResponse> {
  const c = await rawClient(port);
  const res = await c.request<ApiVersionsResponse>(ApiKey.ApiVersions, 3, { ...defaultApiVersionsRequest(), clientSoftwareName: 'cli-test', clientSoftwareVersion: '1' });
  c.destroy();
  return res.body;
}

function kafka(broker: CliBroker): Kafka {
  return new Kafka({ clientId: 'cli-test', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 2, initialRetryTime: 50 } });
}

describe('gregor start', () => {
  it('runs with the shipped server.properties and --override for listeners and log.dirs; formats empty storage', async () => {
    const dataDir = tempDataDir();
    const broker = await CliBroker.start({ dataDir });
    const started = broker.logs((l) => l.msg === 'Gregor started')[0]!;
    expect(started['nodeId']).toBe(1);
    expect(broker.logs((l) => l.msg === 'formatted storage')).toHaveLength(1);
    const meta = readFileSync(join(dataDir, 'meta.properties'), 'utf8');
    expect(meta).toMatch(/node\.id=1/);
    expect(meta).toContain(`cluster.id=${String(started['clusterId'])}`);
    const res = await apiVersions(broker.port);
    expect(res.errorCode).toBe(ErrorCode.NONE);
    // The controller listener of the shipped layout is bound too, and serves the controller's APIs.
    const controller = (started['listeners'] as string[]).find((l) => l.startsWith('CONTROLLER://'))!;
    const controllerApis = await apiVersions(Number(controller.slice(controller.lastIndexOf(':') + 1)));
    expect(controllerApis.apiKeys.some((k) => k.apiKey === ApiKey.Produce)).toBe(false);
    expect(await broker.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });

  it('an invalid value stops startup with a message naming the key and a non-zero exit', async () => {
    const dataDir = tempDataDir();
    const r = await runGregor(['start', '--config', SHIPPED_CONFIG, ...ephemeralOverrides(dataDir), '--override', 'num.partitions=many']);
    expect(r.code).not.toBe(0);
    expect(r.code).not.toBeNull();
    expect(r.stderr).toMatch(/num\.partitions/);
    expect(r.stderr).toMatch(/many/);
    // A clear message, not a stack trace.
    expect(r.stderr).not.toMatch(/\n\s+at /);
    // Nothing was formatted: startup stopped before touching storage.
    expect(existsSync(join(dataDir, 'meta.properties'))).toBe(false);
    // The same for a value from a KAFKA_* variable.
    const fromEnv = await runGregor(['start', '--config', SHIPPED_CONFIG, ...ephemeralOverrides(dataDir)], { env: { KAFKA_MESSAGE_MAX_BYTES: '-5' } });
    expect(fromEnv.code).not.toBe(0);
    expect(fromEnv.stderr).toMatch(/message\.max\.bytes/);
    expect(fromEnv.stderr).not.toMatch(/\n\s+at /);
  });

  it('an unknown key is a warning and the broker starts', async () => {
    const broker = await CliBroker.start({ dataDir: tempDataDir(), overrides: ['no.such.setting=1'] });
    const warnings = broker.logs((l) => l.level === 40 && l.msg.includes('no.such.setting'));
    expect(warnings).toHaveLength(1);
    expect((await apiVersions(broker.port)).errorCode).toBe(ErrorCode.NONE);
  });

  it('honours KAFKA_* environment variables (KAFKA_NUM_PARTITIONS=3: an auto-created topic has 3 partitions)', async () => {
    const broker = await CliBroker.start({ dataDir: tempDataDir(), env: { KAFKA_NUM_PARTITIONS: '3' } });
    const client = kafka(broker);
    const producer = client.producer({ allowAutoTopicCreation: true });
    const admin = client.admin();
    cleanups.push(async () => {
      await producer.disconnect();
      await admin.disconnect();
    });
    await producer.connect();
    await producer.send({ topic: 'auto-created', acks: -1, messages: [{ value: 'x' }] });
    await admin.connect();
    const meta = await admin.fetchTopicMetadata({ topics: ['auto-created'] });
    expect(meta.topics[0]!.partitions).toHaveLength(3);
  });

  it('--override wins over KAFKA_* which wins over the file', async () => {
    const broker = await CliBroker.start({ dataDir: tempDataDir(), env: { KAFKA_NUM_PARTITIONS: '3' }, overrides: ['num.partitions=2'] });
    const client = kafka(broker);
    const admin = client.admin();
    const producer = client.producer();
    cleanups.push(async () => {
      await producer.disconnect();
      await admin.disconnect();
    });
    await producer.connect();
    await producer.send({ topic: 'auto-2', acks: -1, messages: [{ value: 'x' }] });
    await admin.connect();
    expect((await admin.fetchTopicMetadata({ topics: ['auto-2'] })).topics[0]!.partitions).toHaveLength(2);
  });

  it('the signal handlers are installed before "Gregor started" is printed', async () => {
    const broker = await CliBroker.start({ dataDir: tempDataDir(), nodeArgs: ['--require', join(REPO_ROOT, 'test/integration/robustness/ready-probe.cjs')] });
    await waitUntil(() => broker.stderr.includes('ready-probe'), 'the probe report');
    expect(broker.stderr).toContain('ready-probe SIGTERM=1 SIGINT=1');
  });

  it('SIGINT exits 0 after a clean shutdown', async () => {
    const dataDir = tempDataDir();
    const broker = await CliBroker.start({ dataDir });
    expect(await broker.stop('SIGINT')).toEqual({ code: 0, signal: null });
    expect(broker.logs((l) => l.msg === 'shutting down')[0]!['signal']).toBe('SIGINT');
    expect(existsSync(join(dataDir, '.kafka_cleanshutdown'))).toBe(true);
  });

  it('SIGTERM exits 0 even when nobody reads its stdout any more (closed pipe)', async () => {
    const dataDir = tempDataDir();
    const broker = await CliBroker.start({ dataDir });
    // The log reader goes away (a dead log collector or parent, `gregor start | head`).
    broker.child.stdout!.destroy();
    expect(await broker.stop('SIGTERM', 5000)).toEqual({ code: 0, signal: null });
    expect(existsSync(join(dataDir, '.kafka_cleanshutdown'))).toBe(true);
  });

  it('SIGTERM with connected clients (one waiting on a long poll) exits 0 promptly', async () => {
    const dataDir = tempDataDir();
    const broker = await CliBroker.start({ dataDir });
    const idle = await rawClient(broker.port);
    const admin = kafka(broker).admin();
    cleanups.push(() => admin.disconnect());
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'sigterm' }] });
    // A Fetch that would wait 30 s for data.
    const poller = await rawClient(broker.port);
    // ApiVersions and the Fetch in one write: once ApiVersions is answered, the Fetch was read too.
    const first = poller.frame(ApiKey.ApiVersions, 0, defaultApiVersionsRequest());
    poller.write(Buffer.concat([first,
      poller.frame(ApiKey.Fetch, 4, {
        ...defaultFetchRequest(),
        replicaId: -1,
        maxWaitMs: 30_000,
        minBytes: 1,
        maxBytes: 1 << 20,
        topics: [{ ...defaultFetchRequestFetchTopic(), topic: 'sigterm', partitions: [{ ...defaultFetchRequestFetchPartition(), partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] }],
      })]),
    );
    await poller.waitFrames(1);
    const started = Date.now();
    expect(await broker.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(3000);
    // The long poll was answered (empty) before the connection closed.
    expect(poller.frames).toHaveLength(2);
    await idle.waitClosed();
    await poller.waitClosed();
  });
});

describe('gregor storage format', () => {
  it('formats with the given cluster id, refuses to format twice, and start uses that id', async () => {
    const dataDir = tempDataDir();
    const clusterId = 'MkU3OEVBNTcwNTJENDM2Qk';
    const args = ['storage', 'format', '--config', SHIPPED_CONFIG, '--override', `log.dirs=${dataDir}`];
    const r = await runGregor([...args, '--cluster-id', clusterId]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Cluster id: ${clusterId}`);
    expect(readFileSync(join(dataDir, 'meta.properties'), 'utf8')).toContain(`cluster.id=${clusterId}`);

    const again = await runGregor([...args, '--cluster-id', 'AAAAAAAAAAAAAAAAAAAAAA']);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/already formatted/);

    const broker = await CliBroker.start({ dataDir });
    expect(broker.logs((l) => l.msg === 'Gregor started')[0]!['clusterId']).toBe(clusterId);
    expect(broker.logs((l) => l.msg === 'formatted storage')).toEqual([]);
    const admin = kafka(broker).admin();
    cleanups.push(() => admin.disconnect());
    await admin.connect();
    expect((await admin.describeCluster()).clusterId).toBe(clusterId);
  });

  it('CLUSTER_ID formats empty storage on first start, as the apache/kafka image does', async () => {
    const clusterId = 'q1Sh-9_ISia_zwGINzRvyQ';
    const broker = await CliBroker.start({ dataDir: tempDataDir(), env: { CLUSTER_ID: clusterId } });
    expect(broker.logs((l) => l.msg === 'Gregor started')[0]!['clusterId']).toBe(clusterId);
  });
});

describe('bad input against the CLI broker', () => {
  it('each bad connection is closed and logged once; another client keeps being served', async () => {
    const broker = await CliBroker.start({ dataDir: tempDataDir(), overrides: ['socket.request.max.bytes=1024'] });
    const garbage = await rawClient(broker.port);
    garbage.write(Buffer.from('\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 TLS client hello to a PLAINTEXT port'));
    const oversized = await rawClient(broker.port);
    const header = Buffer.alloc(4);
    header.writeInt32BE(1025, 0);
    oversized.write(header);
    const malformed = await rawClient(broker.port);
    malformed.write(Buffer.from([0, 0, 0, 8, 0, 3, 0, 9, 0, 0, 0, 1]));
    await Promise.all([garbage.waitClosed(), oversized.waitClosed(), malformed.waitClosed()]);
    expect((await apiVersions(broker.port)).errorCode).toBe(ErrorCode.NONE);

    await waitUntil(() => broker.logs((l) => l.level === 40 && l.msg.startsWith('closing connection')).length >= 3, 'the three warnings');
    const warnings = broker.logs((l) => l.level === 40 && l.msg.startsWith('closing connection'));
    expect(warnings).toHaveLength(3);
    expect(new Set(warnings.map((w) => w['connection'])).size).toBe(3);
    expect(warnings.every((w) => w['client'] === '127.0.0.1' || w['client'] === '::ffff:127.0.0.1')).toBe(true);
    // Still alive and no error-level lines.
    expect(broker.exit).toBeNull();
    expect(broker.logs((l) => l.level >= 50)).toEqual([]);
  });
});
