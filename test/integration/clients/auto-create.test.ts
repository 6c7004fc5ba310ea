/**
 * Topic auto-creation, as Apache Kafka does it: a Metadata request from a producer creates a
 * missing topic (num.partitions partitions) when auto.create.topics.enable=true (the default);
 * consumers (librdkafka sends allowAutoTopicCreation=false) do not create anything. With
 * auto.create.topics.enable=false, producing to a missing topic fails the way each client
 * reports UNKNOWN_TOPIC_OR_PARTITION.
 */
import { describe, expect, it } from 'vitest';
import { assertDelivered, produceWith, PRODUCERS, type ProducerClient } from '../helpers/any-client.js';
import { useResources } from '../helpers/broker.js';
import { kcatConsume } from '../helpers/kcat.js';
import { keyedMessages, roundTripProblems } from '../helpers/messages.js';
import { kafkajs, platformaticProduce, rdkafkaProduce } from '../helpers/node-clients.js';
import { KCAT, run } from '../helpers/process.js';
import { pythonProduce, runPython, KAFKA_PYTHON_SCRIPT } from '../helpers/python.js';
import { debianClients, itNeeds } from '../helpers/requirements.js';

/**
 * librdkafka waits topic.metadata.propagation.max.ms (30 s by default) before it believes a topic
 * is missing, because new topics take time to propagate in a multi-broker Kafka cluster.
 */
const RDKAFKA_FAST_UNKNOWN = { 'topic.metadata.propagation.max.ms': 300 };

describe('auto-creation of topics', () => {
  const res = useResources();

  describe('auto.create.topics.enable=true (default)', () => {
    for (const producer of PRODUCERS) {
      itNeeds(debianClients(producer, 'kcat'), `${producer} producing to a missing topic creates it with num.partitions partitions`, async () => {
        const broker = await res.broker({ config: { 'num.partitions': 2 } });
        const topic = `auto-${producer}`;
        const sent = keyedMessages(8);
        if (producer === 'platformatic') {
          // @platformatic/kafka asks for auto-creation only when told to (autocreateTopics).
          await platformaticProduce(broker.bootstrap, topic, sent, { autocreateTopics: true });
        } else {
          assertDelivered(producer, await produceWith(producer as ProducerClient, broker.bootstrap, topic, sent));
        }
        const created = broker.broker.image.topicsByName.get(topic);
        expect(created?.partitions.size).toBe(2);
        const { messages } = await kcatConsume(broker.bootstrap, topic);
        expect(roundTripProblems(sent, messages)).toEqual([]);
      });
    }

    itNeeds(['kcat'], 'consumers and admin clients do not create topics', async () => {
      const broker = await res.broker();
      const r = await run(KCAT, ['-C', '-b', broker.bootstrap, '-t', 'not-by-consumer', '-o', 'beginning', '-e']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('Unknown topic or partition');
      const admin = kafkajs(broker.bootstrap).admin();
      await admin.connect();
      res.defer(() => admin.disconnect());
      await expect(admin.fetchTopicMetadata({ topics: ['not-by-admin'] })).rejects.toMatchObject({ type: 'UNKNOWN_TOPIC_OR_PARTITION' });
      expect([...broker.broker.image.topicsByName.keys()]).toEqual([]);
    });

    it('@platformatic/kafka without autocreateTopics does not create the topic', async () => {
      const broker = await res.broker();
      await expect(platformaticProduce(broker.bootstrap, 'not-asked', keyedMessages(1), { autocreateTopics: false })).rejects.toThrow();
      expect(broker.broker.image.topicsByName.has('not-asked')).toBe(false);
    });
  });

  describe('auto.create.topics.enable=false', () => {
    const config = { 'auto.create.topics.enable': false };

    itNeeds(['kcat'], 'kcat -P: "Delivery failed ... Unknown topic or partition" and exit status 1', async () => {
      const broker = await res.broker({ config });
      const r = await run(KCAT, ['-P', '-b', broker.bootstrap, '-t', 'missing', '-K', '\t', '-X', 'topic.metadata.propagation.max.ms=300'], { input: 'k\tv\n' });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('Delivery failed for message: Broker: Unknown topic or partition');
      expect(broker.broker.image.topicsByName.has('missing')).toBe(false);
    });

    itNeeds(['confluent-kafka'], 'confluent-kafka: delivery report error UNKNOWN_TOPIC_OR_PART', async () => {
      const broker = await res.broker({ config });
      const [report] = await pythonProduce('confluent-kafka', broker.bootstrap, 'missing', keyedMessages(1), RDKAFKA_FAST_UNKNOWN);
      expect(report!.error).toMatchObject({ code: 3, name: 'UNKNOWN_TOPIC_OR_PART' });
    });

    it('node-rdkafka: delivery report error "unknown topic or partition"', async () => {
      const broker = await res.broker({ config });
      const [report] = await rdkafkaProduce(broker.bootstrap, 'missing', keyedMessages(1), RDKAFKA_FAST_UNKNOWN);
      // node-rdkafka hands delivery errors over as librdkafka's text, lower-cased (its `code` is then -1).
      expect(report!.error!.message).toBe('unknown topic or partition');
    });

    itNeeds(['kafka-python'], 'kafka-python: KafkaTimeoutError after max_block_ms (it retries metadata until then)', async () => {
      const broker = await res.broker({ config });
      const { result } = await runPython<{ reports: { error: { name: string; str: string } | null }[] }>(KAFKA_PYTHON_SCRIPT, {
        op: 'produce',
        bootstrap: broker.bootstrap,
        topic: 'missing',
        messages: keyedMessages(1),
        config: { max_block_ms: 1000 },
      }).catch((e: Error) => ({ result: { reports: [{ error: { name: 'exception', str: e.message } }] } }));
      // kafka-python raises from send() itself when metadata never shows the topic.
      expect(result.reports[0]?.error?.str ?? '').toMatch(/KafkaTimeoutError|Failed to update metadata/);
      expect(broker.broker.image.topicsByName.has('missing')).toBe(false);
    });

    it('kafkajs: KafkaJSProtocolError UNKNOWN_TOPIC_OR_PARTITION', async () => {
      const broker = await res.broker({ config });
      const producer = kafkajs(broker.bootstrap).producer({ allowAutoTopicCreation: true });
      await producer.connect();
      res.defer(() => producer.disconnect());
      const err = await producer.send({ topic: 'missing', messages: [{ key: 'k', value: 'v' }] }).then(
        () => null,
        (e: any) => e,
      );
      expect(err).not.toBeNull();
      expect(err.type ?? err.originalError?.type ?? err.cause?.type).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    });

    it('@platformatic/kafka: UserError "Unknown topic missing."', async () => {
      const broker = await res.broker({ config });
      const err = await platformaticProduce(broker.bootstrap, 'missing', keyedMessages(1), { autocreateTopics: true }).then(
        () => null,
        (e: any) => e,
      );
      // @platformatic/kafka turns UNKNOWN_TOPIC_OR_PARTITION in the Metadata response into this error.
      expect(err).toMatchObject({ message: 'Unknown topic missing.', code: 'PLT_KFK_USER' });
    });
  });
});
