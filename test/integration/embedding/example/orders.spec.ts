/** Example test file using the broker of global-setup.ts with kafkajs and @platformatic/kafka. */
import { Kafka, logLevel } from 'kafkajs';
import { expect, inject, test } from 'vitest';

test('kafkajs produces to the shared broker', async () => {
  const kafka = new Kafka({ clientId: 'orders-test', brokers: [inject('kafkaBootstrap')], logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  const [ack] = await producer.send({ topic: 'orders', messages: [{ key: 'order-1', value: JSON.stringify({ total: 42 }) }] });
  expect(ack).toMatchObject({ topicName: 'orders', errorCode: 0 });
  await producer.disconnect();
});

test('the topic created in globalSetup has 3 partitions', async () => {
  const admin = new Kafka({ brokers: [inject('kafkaBootstrap')], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const [topic] = (await admin.fetchTopicMetadata({ topics: ['orders'] })).topics;
  expect(topic!.partitions).toHaveLength(3);
  await admin.disconnect();
});
