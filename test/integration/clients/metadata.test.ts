/**
 * Metadata as kcat -L shows it (librdkafka 2.0.2, Metadata v4), plus the all-topics request of
 * librdkafka 2.12 (node-rdkafka), which carries 3 stray bytes that Kafka ignores.
 */
import { describe, expect, it } from 'vitest';
import { useResources } from '../helpers/broker.js';
import { kcatMetadata } from '../helpers/kcat.js';
import { rdkafkaMetadata } from '../helpers/node-clients.js';
import { assertSucceeded, KCAT, run } from '../helpers/process.js';
import { itNeeds } from '../helpers/requirements.js';

describe('metadata via kcat -L', () => {
  const res = useResources();

  itNeeds(['kcat'], 'brokers, controller, topics, partitions, leaders, replicas and ISRs', async () => {
    const broker = await res.broker();
    const empty = await kcatMetadata(broker.bootstrap);
    expect(empty).toEqual({
      originating_broker: { id: 1, name: `${broker.bootstrap}/1` },
      query: { topic: '*' },
      controllerid: 1,
      brokers: [{ id: 1, name: broker.bootstrap }],
      topics: [],
    });

    await broker.createTopic('m-three', { partitions: 3 });
    await broker.createTopic('m-one', { partitions: 1 });
    const all = await kcatMetadata(broker.bootstrap);
    const replica = { leader: 1, replicas: [{ id: 1 }], isrs: [{ id: 1 }] };
    expect(all.topics.sort((a, b) => a.topic.localeCompare(b.topic))).toEqual([
      { topic: 'm-one', partitions: [{ partition: 0, ...replica }] },
      { topic: 'm-three', partitions: [0, 1, 2].map((partition) => ({ partition, ...replica })) },
    ]);

    // The human-readable listing.
    const text = assertSucceeded(await run(KCAT, ['-L', '-b', broker.bootstrap, '-t', 'm-three'])).stdout;
    expect(text).toContain(`broker 1 at ${broker.bootstrap} (controller)`);
    expect(text).toContain('topic "m-three" with 3 partitions:');
    expect(text).toContain('partition 2, leader 1, replicas: 1, isrs: 1');

    // An invalid name is INVALID_TOPIC_EXCEPTION; nothing is created for it.
    const bad = await kcatMetadata(broker.bootstrap, 'bad name');
    expect(bad.topics).toEqual([{ topic: 'bad name', error: 'Broker: Invalid topic', partitions: [] }]);

    // kcat -L asks as a producer (allowAutoTopicCreation=true): with auto-creation on, Kafka creates the topic.
    const created = await kcatMetadata(broker.bootstrap, 'm-auto');
    expect(created.topics).toEqual([{ topic: 'm-auto', partitions: [{ partition: 0, ...replica }] }]);

    // Deleted topics disappear; grown topics show their new partitions.
    broker.broker.controller.deleteTopic(broker.broker.image.topicsByName.get('m-one')!);
    expect(broker.broker.controller.createPartitions('m-three', 5, null, false).errorCode).toBe(0);
    const after = await kcatMetadata(broker.bootstrap);
    expect(after.topics.map((t) => [t.topic, t.partitions.length]).sort()).toEqual([
      ['m-auto', 1],
      ['m-three', 5],
    ]);
  });

  itNeeds(['kcat'], 'auto.create.topics.enable=false: UNKNOWN_TOPIC_OR_PARTITION for a missing topic', async () => {
    const broker = await res.broker({ config: { 'auto.create.topics.enable': false } });
    const md = await kcatMetadata(broker.bootstrap, 'm-missing');
    expect(md.topics).toEqual([{ topic: 'm-missing', error: 'Broker: Unknown topic or partition', partitions: [] }]);
  });

  it('node-rdkafka (librdkafka 2.12) all-topics Metadata v12, sent with 3 trailing bytes, is answered', async () => {
    const broker = await res.broker();
    await broker.createTopic('m-rd', { partitions: 2 });
    const md = await rdkafkaMetadata(broker.bootstrap);
    expect(md.brokers).toEqual([{ id: 1, host: broker.host, port: broker.port }]);
    expect(md.topics.map((t) => [t.name, t.partitions.length])).toEqual([['m-rd', 2]]);
  });
});
