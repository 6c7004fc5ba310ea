import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Admin,
  ConfigResourceType,
  AlterConfigOp,
  Consumer,
  ClientError,
  ConnectionError,
  KafkaClient,
  KafkaError,
  listOffsets,
  OffsetSpec,
  parseBootstrapServers,
  partitionForKey,
  Producer,
  type ConsumerRecord,
} from '../../../src/client/index.js';
import { ErrorCode } from '../../../src/protocol/error-codes.js';
import { ApiKey } from '../../../src/protocol/generated/api-messages.js';
import { CompressionType } from '../../../src/protocol/records/batch-header.js';
import { startBroker, type RunningBroker } from '../../../src/index.js';
import { closedPort } from './helpers.js';

let broker: RunningBroker;
let client: KafkaClient;

beforeAll(async () => {
  broker = await startBroker({ config: { 'auto.create.topics.enable': false } });
  client = new KafkaClient({ bootstrapServers: broker.bootstrap, retries: 3 });
});

afterAll(async () => {
  await client?.close();
  await broker?.close();
});

async function readAll(topic: string, partitions: number, expected: number, options: ConstructorParameters<typeof Consumer>[1] = {}): Promise<ConsumerRecord[]> {
  const consumer = new Consumer(client, { maxWaitMs: 100, ...options });
  consumer.assign(Array.from({ length: partitions }, (_, partition) => ({ topic, partition, offset: 'earliest' as const })));
  const out: ConsumerRecord[] = [];
  for (let round = 0; out.length < expected && round < 100; round++) out.push(...(await consumer.poll()));
  return out;
}

describe('parseBootstrapServers', () => {
  it('parses host:port lists and rejects bad entries', () => {
    expect(parseBootstrapServers('localhost:9092, 10.0.0.1:9093,[::1]:9094')).toEqual([
      { host: 'localhost', port: 9092 },
      { host: '10.0.0.1', port: 9093 },
      { host: '::1', port: 9094 },
    ]);
    expect(() => parseBootstrapServers('localhost')).toThrow("invalid bootstrap server 'localhost': expected HOST:PORT");
    expect(() => parseBootstrapServers('host:99999')).toThrow(ClientError);
    expect(() => parseBootstrapServers('')).toThrow('no bootstrap servers given');
  });
});

describe('KafkaClient', () => {
  it('bootstraps, learns brokers, controller and cluster id', async () => {
    const md = await client.refreshMetadata([]);
    expect(md.clusterId).toBe(broker.clusterId);
    expect(md.controllerId).toBeGreaterThanOrEqual(0);
    expect([...md.brokers.values()].map((b) => `${b.host}:${b.port}`)).toEqual([broker.bootstrap]);
  });

  it('fails with the connection error of an unreachable bootstrap server', async () => {
    const port = await closedPort();
    const bad = new KafkaClient({ bootstrapServers: `127.0.0.1:${port}`, retries: 1, retryBackoffMs: 1 });
    const err = await bad.refreshMetadata([]).catch((e: unknown) => e);
    await bad.close();
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as Error).message).toBe(`could not connect to 127.0.0.1:${port}: ECONNREFUSED`);
  });

  it('uses the next bootstrap server when the first is down', async () => {
    const port = await closedPort();
    const c = new KafkaClient({ bootstrapServers: [`127.0.0.1:${port}`, broker.bootstrap] });
    try {
      expect((await c.refreshMetadata([])).clusterId).toBe(broker.clusterId);
    } finally {
      await c.close();
    }
  });

  it('reports an unknown topic without retrying forever', async () => {
    const err = await client.topicMetadata('no-such-topic').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KafkaError);
    expect((err as KafkaError).code).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });
});

describe('Admin', () => {
  const admin = () => new Admin(client);

  it('creates, lists, describes, grows and deletes topics', async () => {
    const [created] = await admin().createTopics([{ name: 'admin-t1', numPartitions: 2, configs: { 'cleanup.policy': 'compact' } }]);
    expect(created!.error).toBeNull();
    expect(created!.numPartitions).toBe(2);
    expect(await admin().listTopics()).toContain('admin-t1');

    const [dup] = await admin().createTopics([{ name: 'admin-t1', numPartitions: 1 }]);
    expect(dup!.error?.code).toBe(ErrorCode.TOPIC_ALREADY_EXISTS);

    const [grown] = await admin().createPartitions([{ name: 'admin-t1', count: 4 }]);
    expect(grown!.error).toBeNull();
    const [described] = await admin().describeTopics(['admin-t1']);
    expect(described!.partitions.map((p) => p.partition)).toEqual([0, 1, 2, 3]);
    for (const p of described!.partitions) {
      expect(p.leader).toBeGreaterThanOrEqual(0);
      expect(p.isr).toEqual(p.replicas);
    }

    const [deleted, missing] = await admin().deleteTopics(['admin-t1', 'admin-missing']);
    expect(deleted!.error).toBeNull();
    expect(missing!.error?.code).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(await admin().listTopics()).not.toContain('admin-t1');
  });

  it('describes the cluster', async () => {
    const cluster = await admin().describeCluster();
    expect(cluster.clusterId).toBe(broker.clusterId);
    expect(cluster.brokers).toHaveLength(1);
    expect(cluster.brokers[0]!.port).toBe(broker.port);
  });

  it('describes and alters topic configs when the broker offers the APIs', async () => {
    if (!(await client.supports(ApiKey.DescribeConfigs)) || !(await client.supports(ApiKey.IncrementalAlterConfigs))) return;
    await admin().createTopics([{ name: 'admin-configs', numPartitions: 1 }]);
    const [altered] = await admin().incrementalAlterConfigs([{ type: ConfigResourceType.Topic, name: 'admin-configs', ops: [{ name: 'retention.ms', op: AlterConfigOp.Set, value: '1234' }] }]);
    expect(altered!.error).toBeNull();
    const [res] = await admin().describeConfigs([{ type: ConfigResourceType.Topic, name: 'admin-configs' }], { includeSynonyms: true });
    expect(res!.error).toBeNull();
    const retention = res!.configs.find((c) => c.name === 'retention.ms')!;
    expect(retention.value).toBe('1234');
    expect(retention.isDefault).toBe(false);
  });
});

describe('Producer and Consumer', () => {
  it('partitions keyed records with murmur2 and reads them all back in order per partition', async () => {
    await broker.createTopic('keyed', { partitions: 3 });
    const producer = new Producer(client, { lingerMs: 1 });
    const sent = await Promise.all(
      Array.from({ length: 60 }, (_, i) => producer.send({ topic: 'keyed', key: `k${i % 10}`, value: `v${i}`, headers: [{ key: 'n', value: String(i) }] })),
    );
    await producer.close();
    for (let i = 0; i < 60; i++) expect(sent[i]!.partition).toBe(partitionForKey(Buffer.from(`k${i % 10}`), 3));

    const records = await readAll('keyed', 3, 60);
    expect(records).toHaveLength(60);
    for (const r of records) {
      const i = Number(r.value!.toString().slice(1));
      expect(r.key!.toString()).toBe(`k${i % 10}`);
      expect(r.partition).toBe(sent[i]!.partition);
      expect(r.offset).toBe(sent[i]!.offset);
      expect(r.headers).toEqual([{ key: 'n', value: Buffer.from(String(i)) }]);
    }
  });

  it('sends batches with every compression codec', async () => {
    for (const compression of [CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd]) {
      const topic = `compressed-${compression}`;
      await broker.createTopic(topic, { partitions: 1 });
      const producer = new Producer(client, { compression, lingerMs: 5 });
      await Promise.all(Array.from({ length: 50 }, (_, i) => producer.send({ topic, value: `value-${i}-${'x'.repeat(100)}` })));
      await producer.close();
      const records = await readAll(topic, 1, 50);
      expect(records.map((r) => r.value!.toString())).toEqual(Array.from({ length: 50 }, (_, i) => `value-${i}-${'x'.repeat(100)}`));
    }
  });

  it('sticks null-key records to one partition per batch', async () => {
    await broker.createTopic('sticky', { partitions: 4 });
    const producer = new Producer(client, { lingerMs: 1000, batchSize: 1 << 20 });
    const sent = Array.from({ length: 20 }, () => producer.send({ topic: 'sticky', value: 'x' }));
    await producer.flush();
    const partitions = new Set((await Promise.all(sent)).map((m) => m.partition));
    expect(partitions.size).toBe(1);
    await producer.close();
  });

  it('fetches by topic name from brokers or versions without topic ids (Fetch <= 12)', async () => {
    await broker.createTopic('old-fetch', { partitions: 2 });
    const producer = new Producer(client, { lingerMs: 0 });
    await Promise.all(['a', 'b', 'c', 'd'].map((value, i) => producer.send({ topic: 'old-fetch', partition: i % 2, value })));
    const old = new KafkaClient({ bootstrapServers: broker.bootstrap, versionCaps: { [ApiKey.Fetch]: 11, [ApiKey.Metadata]: 7, [ApiKey.ListOffsets]: 3 } });
    try {
      const consumer = new Consumer(old, { maxWaitMs: 50 });
      consumer.assign([0, 1].map((partition) => ({ topic: 'old-fetch', partition, offset: 'earliest' as const })));
      const got: ConsumerRecord[] = [];
      for (let i = 0; got.length < 4 && i < 20; i++) got.push(...(await consumer.poll()));
      expect(got.map((r) => `${r.partition}:${r.value}`).sort()).toEqual(['0:a', '0:c', '1:b', '1:d']);
    } finally {
      await old.close();
    }
  });

  it('lists earliest and latest offsets', async () => {
    await broker.createTopic('offsets', { partitions: 1 });
    const producer = new Producer(client, { lingerMs: 0 });
    for (let i = 0; i < 5; i++) await producer.send({ topic: 'offsets', value: `m${i}` });
    const [earliest, latest] = await listOffsets(client, [
      { topic: 'offsets', partition: 0, timestamp: OffsetSpec.Earliest },
      { topic: 'offsets', partition: 0, timestamp: OffsetSpec.Latest },
    ]);
    expect(earliest!.offset).toBe(0n);
    expect(latest!.offset).toBe(5n);
  });

  it('acks=0 sends without waiting for an answer', async () => {
    await broker.createTopic('acks0', { partitions: 1 });
    const producer = new Producer(client, { acks: 0, lingerMs: 0 });
    const md = await Promise.all(Array.from({ length: 10 }, (_, i) => producer.send({ topic: 'acks0', value: `m${i}` })));
    expect(md.every((m) => m.offset === -1n)).toBe(true);
    expect(await readAll('acks0', 1, 10)).toHaveLength(10);
  });

  it('fails records for a topic that does not exist', async () => {
    const producer = new Producer(client, { lingerMs: 0 });
    const err = await producer.send({ topic: 'missing-topic', value: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KafkaError);
    expect((err as KafkaError).code).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('rejects records larger than max.request.size', async () => {
    await broker.createTopic('large', { partitions: 1 });
    const producer = new Producer(client, { maxRequestSize: 1000 });
    const err = await producer.send({ topic: 'large', value: Buffer.alloc(2000) }).catch((e: unknown) => e);
    expect((err as KafkaError).code).toBe(ErrorCode.MESSAGE_TOO_LARGE);
  });

  it('starts at the latest offset by default and resets an out-of-range position', async () => {
    await broker.createTopic('positions', { partitions: 1 });
    const producer = new Producer(client, { lingerMs: 0 });
    await producer.send({ topic: 'positions', value: 'old' });
    const consumer = new Consumer(client, { maxWaitMs: 50, autoOffsetReset: 'earliest' });
    consumer.assign([{ topic: 'positions', partition: 0, offset: 'latest' }]);
    await consumer.resolvePositions();
    expect(consumer.positions()[0]!.position).toBe(1n);
    await producer.send({ topic: 'positions', value: 'new' });
    const got = await consumer.poll();
    expect(got.map((r) => r.value!.toString())).toEqual(['new']);

    consumer.seek({ topic: 'positions', partition: 0 }, 99n);
    expect(await consumer.poll()).toEqual([]);
    const again = await consumer.poll();
    expect(again.map((r) => r.value!.toString())).toEqual(['old', 'new']);
  });
});
