/**
 * Topic create / describe / add partitions / delete through each client's admin API, with the
 * error cases Kafka answers: TOPIC_ALREADY_EXISTS (36), INVALID_TOPIC_EXCEPTION (17),
 * INVALID_PARTITIONS (37), INVALID_REPLICATION_FACTOR (38), UNKNOWN_TOPIC_OR_PARTITION (3),
 * plus validateOnly. Clients: kafkajs admin, confluent-kafka AdminClient, kafka-python
 * KafkaAdminClient, @platformatic/kafka Admin, node-rdkafka AdminClient.
 */
import { describe, expect, it } from 'vitest';
import { useResources } from '../helpers/broker.js';
import { kafkajs, Platformatic, platformaticOptions, rdkafkaAdmin, rdkafkaMetadata } from '../helpers/node-clients.js';
import { pythonAdmin } from '../helpers/python.js';
import { itNeeds } from '../helpers/requirements.js';

const E = {
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  INVALID_TOPIC_EXCEPTION: 17,
  TOPIC_ALREADY_EXISTS: 36,
  INVALID_PARTITIONS: 37,
  INVALID_REPLICATION_FACTOR: 38,
  INVALID_REPLICA_ASSIGNMENT: 39,
  INVALID_CONFIG: 40,
} as const;

/** A name with characters outside [a-zA-Z0-9._-]. */
const BAD_NAME = 'bad name!';

describe('topic admin through each client', () => {
  const res = useResources();

  it('kafkajs admin', async () => {
    const broker = await res.broker();
    const admin = kafkajs(broker.bootstrap).admin();
    await admin.connect();
    res.defer(() => admin.disconnect());

    expect(await admin.createTopics({ topics: [{ topic: 'kjs-a', numPartitions: 3 }] })).toBe(true);
    // kafkajs reports TOPIC_ALREADY_EXISTS as `false` rather than an error.
    expect(await admin.createTopics({ topics: [{ topic: 'kjs-a', numPartitions: 3 }] })).toBe(false);
    // kafkajs's admin asks Metadata with allowAutoTopicCreation=false after creating, which can
    // only fail after validateOnly (on Apache Kafka too): skip that wait.
    expect(await admin.createTopics({ topics: [{ topic: 'kjs-v', numPartitions: 2 }], validateOnly: true, waitForLeaders: false })).toBe(true);
    expect(await admin.listTopics()).not.toContain('kjs-v');

    const errorTypeOf = async (p: Promise<unknown>) => {
      try {
        await p;
        return 'no error';
      } catch (e: any) {
        return (e.errors?.[0]?.type ?? e.type ?? e.cause?.type ?? e.message) as string;
      }
    };
    expect(await errorTypeOf(admin.createTopics({ topics: [{ topic: BAD_NAME }] }))).toBe('INVALID_TOPIC_EXCEPTION');
    expect(await errorTypeOf(admin.createTopics({ topics: [{ topic: 'kjs-zero', numPartitions: 0 }] }))).toBe('INVALID_PARTITIONS');
    expect(await errorTypeOf(admin.createTopics({ topics: [{ topic: 'kjs-rf', replicationFactor: 3 }] }))).toBe('INVALID_REPLICATION_FACTOR');
    expect(await errorTypeOf(admin.createTopics({ topics: [{ topic: 'kjs-cfg', configEntries: [{ name: 'cleanup.policy', value: 'sideways' }] }] }))).toBe('INVALID_CONFIG');

    const md = await admin.fetchTopicMetadata({ topics: ['kjs-a'] });
    expect(md.topics[0]!.partitions.map((p) => [p.partitionId, p.leader, p.replicas, p.isr]).sort()).toEqual([
      [0, 1, [1], [1]],
      [1, 1, [1], [1]],
      [2, 1, [1], [1]],
    ]);
    const cluster = await admin.describeCluster();
    expect(cluster).toMatchObject({ clusterId: broker.clusterId, controller: 1, brokers: [{ nodeId: 1, host: broker.host, port: broker.port }] });

    await admin.createPartitions({ topicPartitions: [{ topic: 'kjs-a', count: 5 }] });
    expect((await admin.fetchTopicMetadata({ topics: ['kjs-a'] })).topics[0]!.partitions).toHaveLength(5);
    expect(await errorTypeOf(admin.createPartitions({ topicPartitions: [{ topic: 'kjs-a', count: 2 }] }))).toBe('INVALID_PARTITIONS');

    await admin.deleteTopics({ topics: ['kjs-a'], timeout: 5000 });
    expect(await admin.listTopics()).not.toContain('kjs-a');
    expect(await errorTypeOf(admin.deleteTopics({ topics: ['kjs-a'], timeout: 5000 }))).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    // The name is free again.
    expect(await admin.createTopics({ topics: [{ topic: 'kjs-a', numPartitions: 1 }] })).toBe(true);
  });

  itNeeds(['confluent-kafka'], 'confluent-kafka AdminClient', async () => {
    const broker = await res.broker();
    type Err = { code: number; name: string; str: string } | null;
    type Md = { clusterId: string; controllerId: number; brokers: { id: number; host: string; port: number }[]; topics: Record<string, { error: Err; partitions: { id: number; leader: number; replicas: number[]; isrs: number[] }[] }> };
    const results = await pythonAdmin<(Record<string, Err> | Md)[]>('confluent-kafka', broker.bootstrap, [
      { kind: 'create', topics: [{ name: 'cfk-a', partitions: 3 }, { name: 'cfk-b', partitions: 1, config: { 'cleanup.policy': 'compact' } }] },
      { kind: 'create', topics: [{ name: 'cfk-a', partitions: 3 }, { name: BAD_NAME, partitions: 1 }, { name: 'cfk-zero', partitions: 0 }, { name: 'cfk-rf', partitions: 1, replicationFactor: 3 }] },
      { kind: 'create', validateOnly: true, topics: [{ name: 'cfk-v', partitions: 2 }] },
      { kind: 'metadata', topic: 'cfk-a' },
      { kind: 'createPartitions', topics: [{ name: 'cfk-a', count: 4 }] },
      { kind: 'createPartitions', topics: [{ name: 'cfk-a', count: 2 }, { name: 'cfk-missing', count: 2 }] },
      { kind: 'metadata', topic: 'cfk-a' },
      { kind: 'delete', topics: ['cfk-a', 'cfk-missing'] },
      { kind: 'metadata' },
    ]);
    const [created, failed, validated, md1, grown, badGrow, md2, deleted, md3] = results as [Record<string, Err>, Record<string, Err>, Record<string, Err>, Md, Record<string, Err>, Record<string, Err>, Md, Record<string, Err>, Md];
    expect(created).toEqual({ 'cfk-a': null, 'cfk-b': null });
    expect(Object.fromEntries(Object.entries(failed).map(([k, v]) => [k, v?.code]))).toEqual({
      'cfk-a': E.TOPIC_ALREADY_EXISTS,
      [BAD_NAME]: E.INVALID_TOPIC_EXCEPTION,
      'cfk-zero': E.INVALID_PARTITIONS,
      'cfk-rf': E.INVALID_REPLICATION_FACTOR,
    });
    expect(validated).toEqual({ 'cfk-v': null });
    expect(md1).toMatchObject({ clusterId: broker.clusterId, controllerId: 1, brokers: [{ id: 1, host: broker.host, port: broker.port }] });
    expect(md1.topics['cfk-a']!.partitions.map((p) => [p.id, p.leader, p.replicas, p.isrs])).toEqual([
      [0, 1, [1], [1]],
      [1, 1, [1], [1]],
      [2, 1, [1], [1]],
    ]);
    expect(grown).toEqual({ 'cfk-a': null });
    expect(Object.fromEntries(Object.entries(badGrow).map(([k, v]) => [k, v?.code]))).toEqual({ 'cfk-a': E.INVALID_PARTITIONS, 'cfk-missing': E.UNKNOWN_TOPIC_OR_PARTITION });
    expect(md2.topics['cfk-a']!.partitions).toHaveLength(4);
    expect(Object.fromEntries(Object.entries(deleted).map(([k, v]) => [k, v?.code ?? null]))).toEqual({ 'cfk-a': null, 'cfk-missing': E.UNKNOWN_TOPIC_OR_PARTITION });
    expect(Object.keys(md3.topics).sort()).toEqual(['cfk-b']);
  });

  itNeeds(['kafka-python'], 'kafka-python KafkaAdminClient', async () => {
    const broker = await res.broker();
    type Step = { errors?: { topic: string; errorCode: number }[]; error?: { name: string }; topics?: unknown };
    const r = await pythonAdmin<Step[]>('kafka-python', broker.bootstrap, [
      { kind: 'create', topics: [{ name: 'kp-admin', partitions: 3 }, { name: 'kp', partitions: 3 }] },
      { kind: 'listTopics' },
      { kind: 'create', topics: [{ name: 'kp', partitions: 3 }] },
      { kind: 'create', topics: [{ name: BAD_NAME, partitions: 1 }] },
      { kind: 'create', topics: [{ name: 'kp-zero', partitions: 0 }] },
      { kind: 'create', topics: [{ name: 'kp-rf', partitions: 1, replicationFactor: 3 }] },
      { kind: 'create', validateOnly: true, topics: [{ name: 'kp-v', partitions: 1 }] },
      { kind: 'describeTopics', topics: ['kp'] },
      { kind: 'createPartitions', topics: [{ name: 'kp', count: 6 }] },
      { kind: 'createPartitions', topics: [{ name: 'kp', count: 1 }] },
      { kind: 'delete', topics: ['kp-admin'] },
      { kind: 'delete', topics: ['kp-admin'] },
      { kind: 'listTopics' },
      { kind: 'describeTopics', topics: ['kp'] },
    ]);
    expect(r[0]!.errors).toEqual([{ topic: 'kp-admin', errorCode: 0 }, { topic: 'kp', errorCode: 0 }]);
    expect(r[1]!.topics).toEqual(['kp', 'kp-admin']);
    // kafka-python raises the first topic error as an exception class named after the error.
    expect(r[2]!.error?.name).toBe('TopicAlreadyExistsError');
    expect(r[3]!.error?.name).toBe('InvalidTopicError');
    expect(r[4]!.error?.name).toBe('InvalidPartitionsError');
    expect(r[5]!.error?.name).toBe('InvalidReplicationFactorError');
    expect(r[6]!.errors).toEqual([{ topic: 'kp-v', errorCode: 0 }]);
    const described = r[7]!.topics as { error_code: number; topic: string; partitions: { partition: number; leader: number; replicas: number[]; isr: number[] }[] }[];
    expect(described[0]).toMatchObject({ error_code: 0, topic: 'kp' });
    expect(described[0]!.partitions.map((p) => [p.partition, p.leader, p.replicas, p.isr]).sort()).toEqual([
      [0, 1, [1], [1]],
      [1, 1, [1], [1]],
      [2, 1, [1], [1]],
    ]);
    expect(r[8]!.errors).toEqual([{ topic: 'kp', errorCode: 0 }]);
    expect(r[9]!.error?.name).toBe('InvalidPartitionsError');
    expect(r[10]!.errors).toEqual([{ topic: 'kp-admin', errorCode: 0 }]);
    expect(r[11]!.error?.name).toBe('UnknownTopicOrPartitionError');
    expect(r[12]!.topics).toEqual(['kp']);
    expect((r[13]!.topics as { partitions: unknown[] }[])[0]!.partitions).toHaveLength(6);
  });

  it('@platformatic/kafka Admin', async () => {
    const broker = await res.broker();
    const admin = new Platformatic.Admin(platformaticOptions(broker.bootstrap));
    res.defer(() => admin.close());
    const created = await admin.createTopics({ topics: ['plat-a'], partitions: 3, replicas: 1 });
    expect(created).toMatchObject([{ name: 'plat-a', partitions: 3, replicas: 1 }]);
    expect(await admin.listTopics()).toEqual(['plat-a']);

    const codesOf = async (p: Promise<unknown>): Promise<number[] | string> => {
      try {
        await p;
        return 'no error';
      } catch (e: any) {
        const inner = e.errors ?? [e];
        const codes = inner.flatMap((x: any) => (x.apiCode !== undefined ? [x.apiCode] : Object.values(x.errors ?? {}).map((y: any) => y.apiCode ?? y)));
        // Unique codes: the client retries retriable errors (UNKNOWN_TOPIC_OR_PARTITION) and reports each try.
        return codes.length > 0 ? [...new Set<number>(codes)] : String(e);
      }
    };
    expect(await codesOf(admin.createTopics({ topics: ['plat-a'], partitions: 3, replicas: 1 }))).toEqual([E.TOPIC_ALREADY_EXISTS]);
    expect(await codesOf(admin.createTopics({ topics: [BAD_NAME], partitions: 1, replicas: 1 }))).toEqual([E.INVALID_TOPIC_EXCEPTION]);
    expect(await codesOf(admin.createTopics({ topics: ['plat-zero'], partitions: 0, replicas: 1 }))).toEqual([E.INVALID_PARTITIONS]);
    expect(await codesOf(admin.createTopics({ topics: ['plat-rf'], partitions: 1, replicas: 3 }))).toEqual([E.INVALID_REPLICATION_FACTOR]);

    const md = await admin.metadata({ topics: ['plat-a'] });
    const topic = md.topics.get('plat-a');
    expect(topic.partitionsCount).toBe(3);
    expect(topic.partitions.map((p: any) => [p.leader, p.replicas])).toEqual([
      [1, [1]],
      [1, [1]],
      [1, [1]],
    ]);
    expect(md.id).toBe(broker.clusterId);
    expect(md.controllerId).toBe(1);
    // Metadata v10+ carries the topic id (@platformatic/kafka prints it as a dashed hex UUID).
    const topicId = broker.broker.image.topicsByName.get('plat-a')!.topicId;
    expect(topic.id.replaceAll('-', '')).toBe(Buffer.from(topicId, 'base64url').toString('hex'));
    expect(topic.id).not.toBe('00000000-0000-0000-0000-000000000000');

    // @platformatic/kafka sends its assignments list as is (never null): an empty one for one new
    // partition is INVALID_REPLICA_ASSIGNMENT, as Kafka answers.
    expect(await codesOf(admin.createPartitions({ topics: [{ name: 'plat-a', count: 4, assignments: [] }] }))).toEqual([E.INVALID_REPLICA_ASSIGNMENT]);
    await admin.createPartitions({ topics: [{ name: 'plat-a', count: 4, assignments: [{ brokerIds: [1] }] }] });
    expect((await admin.metadata({ topics: ['plat-a'], forceUpdate: true })).topics.get('plat-a').partitionsCount).toBe(4);
    expect(await codesOf(admin.createPartitions({ topics: [{ name: 'plat-a', count: 1, assignments: [] }] }))).toEqual([E.INVALID_PARTITIONS]);

    await admin.deleteTopics({ topics: ['plat-a'] });
    expect(await admin.listTopics()).toEqual([]);
    expect(await codesOf(admin.deleteTopics({ topics: ['plat-a'] }))).toEqual([E.UNKNOWN_TOPIC_OR_PARTITION]);
  });

  it('node-rdkafka AdminClient', async () => {
    const broker = await res.broker();
    const admin = rdkafkaAdmin(broker.bootstrap);
    res.defer(() => admin.close());
    expect(await admin.createTopic('nrd-a', 3)).toBeNull();
    expect((await admin.createTopic('nrd-a', 3))?.code).toBe(E.TOPIC_ALREADY_EXISTS);
    expect((await admin.createTopic(BAD_NAME, 1))?.code).toBe(E.INVALID_TOPIC_EXCEPTION);
    expect((await admin.createTopic('nrd-zero', 0))?.code).toBe(E.INVALID_PARTITIONS);
    expect((await admin.createTopic('nrd-rf', 1, 3))?.code).toBe(E.INVALID_REPLICATION_FACTOR);
    expect((await admin.createTopic('nrd-cfg', 1, 1, { 'retention.ms': 'soon' }))?.code).toBe(E.INVALID_CONFIG);

    const md = await rdkafkaMetadata(broker.bootstrap, 'nrd-a');
    expect(md.brokers).toEqual([{ id: 1, host: broker.host, port: broker.port }]);
    expect(md.topics.find((t) => t.name === 'nrd-a')!.partitions.map((p) => [p.id, p.leader, p.replicas, p.isrs])).toEqual([
      [0, 1, [1], [1]],
      [1, 1, [1], [1]],
      [2, 1, [1], [1]],
    ]);

    expect(await admin.createPartitions('nrd-a', 6)).toBeNull();
    expect((await admin.createPartitions('nrd-a', 2))?.code).toBe(E.INVALID_PARTITIONS);
    expect((await admin.createPartitions('nrd-missing', 2))?.code).toBe(E.UNKNOWN_TOPIC_OR_PARTITION);
    expect((await rdkafkaMetadata(broker.bootstrap, 'nrd-a')).topics.find((t) => t.name === 'nrd-a')!.partitions).toHaveLength(6);

    expect(await admin.deleteTopic('nrd-a')).toBeNull();
    expect((await admin.deleteTopic('nrd-a'))?.code).toBe(E.UNKNOWN_TOPIC_OR_PARTITION);
    // All-topics metadata (librdkafka 2.12 sends it with 3 stray bytes: see request-dispatcher.ts).
    expect((await rdkafkaMetadata(broker.bootstrap)).topics.map((t) => t.name)).toEqual([]);
  });
});
