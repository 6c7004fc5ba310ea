/**
 * The client scenarios of test/fixtures/wire/README.md, run with the real clients against Gregor
 * (a broker with num.partitions=3, as kfake ran with -partitions 3). Steps that need consumer
 * groups or transactions are replaced by group-less reads (assign() / kcat -C), which the
 * consumer-group and transaction work will cover with the clients' own consumers.
 */
import { describe, expect, it } from 'vitest';
import { storedBatches, useResources } from '../helpers/broker.js';
import { kcatConsume, kcatMetadata } from '../helpers/kcat.js';
import { roundTripProblems, type OutMessage } from '../helpers/messages.js';
import { kafkajs, Platformatic, platformaticOptions, platformaticProduce, rdkafkaConsume, rdkafkaProduce } from '../helpers/node-clients.js';
import { assertSucceeded, KCAT, run } from '../helpers/process.js';
import { pythonAdmin, pythonConsume, pythonProduce } from '../helpers/python.js';
import { itNeeds } from '../helpers/requirements.js';

const BROKER = { config: { 'num.partitions': 3 } };
const ALL = [0, 1, 2];

describe('fixture scenarios (test/fixtures/wire/README.md) against Gregor', () => {
  const res = useResources();

  itNeeds(['kcat'], '1. kcat: -L, -P lz4 with -H k=v -H trace=abc, -C -e -o beginning', async () => {
    const broker = await res.broker(BROKER);
    expect((await kcatMetadata(broker.bootstrap)).topics).toEqual([]);
    const input = [1, 2, 3, 4, 5].map((i) => `key${i}:value-${i}\n`).join('');
    assertSucceeded(await run(KCAT, ['-P', '-b', broker.bootstrap, '-t', 'kcat-topic', '-K:', '-H', 'k=v', '-H', 'trace=abc', '-X', 'compression.codec=lz4'], { input }));
    const { messages } = await kcatConsume(broker.bootstrap, 'kcat-topic');
    const sent: OutMessage[] = [1, 2, 3, 4, 5].map((i) => ({ key: `key${i}`, value: `value-${i}`, headers: [['k', 'v'], ['trace', 'abc']] }));
    expect(roundTripProblems(sent, messages)).toEqual([]);
    expect(broker.broker.image.topicsByName.get('kcat-topic')!.partitions.size).toBe(3);
  });

  itNeeds(['confluent-kafka'], '2. confluent-kafka: admin create/describe configs/delete; idempotent zstd, snappy, gzip producers to auto-created cfk', async () => {
    const broker = await res.broker(BROKER);
    const [created, described, deleted] = await pythonAdmin<[Record<string, unknown>, { configs?: Record<string, string>; error?: unknown }, Record<string, unknown>]>('confluent-kafka', broker.bootstrap, [
      { kind: 'create', topics: [{ name: 'cfk-admin', partitions: 3, replicationFactor: 1 }] },
      { kind: 'describeConfigs', topic: 'cfk-admin' },
      { kind: 'delete', topics: ['cfk-admin'] },
    ]);
    expect(created).toEqual({ 'cfk-admin': null });
    expect(described.error ?? null).toBeNull();
    expect(described.configs).toMatchObject({ 'cleanup.policy': 'delete', 'compression.type': 'producer' });
    expect(deleted).toEqual({ 'cfk-admin': null });

    const sent: OutMessage[] = [];
    for (const codec of ['zstd', 'snappy', 'gzip']) {
      const messages: OutMessage[] = Array.from({ length: 10 }, (_, i) => ({ key: `key-${i % 4}`, value: `${codec}-message-${i}`, headers: [['codec', codec]] }));
      const reports = await pythonProduce('confluent-kafka', broker.bootstrap, 'cfk', messages, { 'enable.idempotence': true, acks: 'all', 'linger.ms': 50, 'compression.codec': codec });
      expect(reports.filter((r) => r.error)).toEqual([]);
      sent.push(...messages);
    }
    const { messages } = await pythonConsume('confluent-kafka', broker.bootstrap, 'cfk', ALL);
    expect(roundTripProblems(sent, messages)).toEqual([]);
    const producerIds = new Set(ALL.flatMap((p) => storedBatches(broker, 'cfk', p).map((b) => b.producerId)));
    expect(producerIds.size, 'three idempotent producers').toBe(3);
  });

  itNeeds(['kafka-python'], '3. kafka-python: admin create kp-admin and kp, list, delete, list; gzip producer; read back', async () => {
    const broker = await res.broker(BROKER);
    const steps = await pythonAdmin<{ errors?: { errorCode: number }[]; topics?: string[] }[]>('kafka-python', broker.bootstrap, [
      { kind: 'create', topics: [{ name: 'kp-admin', partitions: 3 }, { name: 'kp', partitions: 3 }] },
      { kind: 'listTopics' },
      { kind: 'delete', topics: ['kp-admin'] },
      { kind: 'listTopics' },
    ]);
    expect(steps.map((s) => s.errors?.map((e) => e.errorCode) ?? s.topics)).toEqual([[0, 0], ['kp', 'kp-admin'], [0], ['kp']]);
    // Compressible values: kafka-python sends a batch uncompressed when gzip would not make it smaller.
    const sent: OutMessage[] = Array.from({ length: 6 }, (_, i) => ({ key: `k${i % 3}`, value: `kp-${i}-${'x'.repeat(200)}`, headers: [['h', `v${i}`]] }));
    const reports = await pythonProduce('kafka-python', broker.bootstrap, 'kp', sent, { compression_type: 'gzip', linger_ms: 20 });
    expect(reports.filter((r) => r.error)).toEqual([]);
    const batches = ALL.flatMap((p) => storedBatches(broker, 'kp', p));
    expect(new Set(batches.map((b) => b.compression))).toEqual(new Set([1]));
    const { messages } = await pythonConsume('kafka-python', broker.bootstrap, 'kp', ALL);
    expect(roundTripProblems(sent, messages)).toEqual([]);
  });

  itNeeds(['kcat'], '4. kafkajs: admin createTopics kjs and kjs-txn, fetchTopicMetadata; one send of 3 messages (two with headers)', async () => {
    const broker = await res.broker(BROKER);
    const admin = kafkajs(broker.bootstrap).admin();
    await admin.connect();
    res.defer(() => admin.disconnect());
    expect(await admin.createTopics({ topics: [{ topic: 'kjs', numPartitions: 3 }, { topic: 'kjs-txn', numPartitions: 3 }] })).toBe(true);
    const md = await admin.fetchTopicMetadata({ topics: ['kjs'] });
    expect(md.topics).toHaveLength(1);
    expect(md.topics[0]!.partitions).toHaveLength(3);
    const producer = kafkajs(broker.bootstrap).producer();
    await producer.connect();
    await producer.send({
      topic: 'kjs',
      messages: [
        { key: 'a', value: 'one', headers: { h1: 'x' } },
        { key: 'b', value: 'two', headers: { h2: 'y' } },
        { key: 'c', value: 'three' },
      ],
    });
    await producer.disconnect();
    const { messages } = await kcatConsume(broker.bootstrap, 'kjs');
    expect(
      roundTripProblems(
        [
          { key: 'a', value: 'one', headers: [['h1', 'x']] },
          { key: 'b', value: 'two', headers: [['h2', 'y']] },
          { key: 'c', value: 'three', headers: [] },
        ],
        messages,
      ),
    ).toEqual([]);
  });

  itNeeds(['kcat'], '5. @platformatic/kafka: Admin createTopics plat-classic, listTopics; Producer send of 3 messages', async () => {
    const broker = await res.broker(BROKER);
    const admin = new Platformatic.Admin(platformaticOptions(broker.bootstrap));
    res.defer(() => admin.close());
    await admin.createTopics({ topics: ['plat-classic'], partitions: 3, replicas: 1 });
    expect(await admin.listTopics()).toEqual(['plat-classic']);
    const sent: OutMessage[] = [
      { key: 'k1', value: 'v1', headers: [['a', '1']] },
      { key: 'k2', value: 'v2', headers: [['b', '2']] },
      { key: 'k3', value: 'v3' },
    ];
    const { offsets } = await platformaticProduce(broker.bootstrap, 'plat-classic', sent);
    expect(offsets.length).toBeGreaterThan(0);
    const { messages } = await kcatConsume(broker.bootstrap, 'plat-classic');
    expect(roundTripProblems(sent.map((m) => ({ ...m, headers: m.headers ?? [] })), messages)).toEqual([]);
  });

  it('6. node-rdkafka: idempotent producer with delivery reports, 2 messages to auto-created nrd (one with header h=x)', async () => {
    const broker = await res.broker(BROKER);
    const sent: OutMessage[] = [
      { key: 'n1', value: 'first', headers: [['h', 'x']] },
      { key: 'n2', value: 'second' },
    ];
    const reports = await rdkafkaProduce(broker.bootstrap, 'nrd', sent, { 'enable.idempotence': true });
    expect(reports.map((r) => r.error)).toEqual([null, null]);
    const { messages } = await rdkafkaConsume(broker.bootstrap, 'nrd', ALL);
    expect(roundTripProblems(sent.map((m) => ({ ...m, headers: m.headers ?? [] })), messages)).toEqual([]);
    const where = new Map(messages.map((m) => [m.value, [m.partition, m.offset]]));
    expect(reports.map((r) => [r.partition, r.offset])).toEqual(sent.map((m) => where.get(m.value)));
  });
});
