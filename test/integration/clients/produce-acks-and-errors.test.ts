/**
 * Produce acks (0, 1, all) and the produce errors Kafka gives, as the clients report them:
 * MESSAGE_TOO_LARGE (max.message.bytes), NOT_ENOUGH_REPLICAS (acks=all below
 * min.insync.replicas), INVALID_TIMESTAMP (message.timestamp.after.max.ms).
 */
import { describe, expect, it } from 'vitest';
import { useResources } from '../helpers/broker.js';
import { kcatConsume, kcatProduce } from '../helpers/kcat.js';
import { keyedMessages, roundTripProblems } from '../helpers/messages.js';
import { kafkajs, rdkafkaProduce } from '../helpers/node-clients.js';
import { pythonProduce } from '../helpers/python.js';
import { itNeeds } from '../helpers/requirements.js';

describe('produce acks and errors', () => {
  const res = useResources();

  itNeeds(['kcat'], 'acks=0, 1 and all all store the records (kcat, kafkajs)', async () => {
    const broker = await res.broker();
    await broker.createTopic('acks', { partitions: 1 });
    const sent = keyedMessages(30, ['x']);
    for (const [i, acks] of ([0, 1, -1] as const).entries()) {
      await kcatProduce(broker.bootstrap, 'acks', sent.slice(i * 5, i * 5 + 5), { config: { acks } });
    }
    const producer = kafkajs(broker.bootstrap).producer();
    await producer.connect();
    res.defer(() => producer.disconnect());
    for (const [i, acks] of ([0, 1, -1] as const).entries()) {
      const slice = sent.slice(15 + i * 5, 20 + i * 5);
      await producer.send({ topic: 'acks', acks, messages: slice.map((m) => ({ key: m.key, value: m.value, headers: Object.fromEntries(m.headers!) })) });
    }
    // acks=0 has no response to wait for: the records are visible once the log has them all.
    const { messages } = await kcatConsume(broker.bootstrap, 'acks');
    expect(roundTripProblems(sent.slice(0, 30), messages)).toEqual([]);
  });

  it('MESSAGE_TOO_LARGE: kafkajs and node-rdkafka', async () => {
    const broker = await res.broker();
    await broker.createTopic('small-records', { partitions: 1, configs: { 'max.message.bytes': '2000' } });
    const producer = kafkajs(broker.bootstrap).producer();
    await producer.connect();
    res.defer(() => producer.disconnect());
    await expect(producer.send({ topic: 'small-records', messages: [{ key: 'k', value: 'x'.repeat(5000) }] })).rejects.toMatchObject({ type: 'MESSAGE_TOO_LARGE' });
    const [report] = await rdkafkaProduce(broker.bootstrap, 'small-records', [{ key: 'k', value: 'y'.repeat(5000) }]);
    expect(report!.error!.message).toMatch(/message size too large/i);
    // A record that fits still goes in.
    await producer.send({ topic: 'small-records', messages: [{ key: 'k', value: 'fits' }] });
    expect(broker.broker.replicas.getPartition('small-records', 0)!.log.logEndOffset).toBe(1n);
  });

  it('NOT_ENOUGH_REPLICAS for acks=all when min.insync.replicas=2 (acks=1 still works)', async () => {
    const broker = await res.broker();
    await broker.createTopic('min-isr', { partitions: 1, configs: { 'min.insync.replicas': '2' } });
    const producer = kafkajs(broker.bootstrap).producer({ retry: { retries: 0 } });
    await producer.connect();
    res.defer(() => producer.disconnect());
    await expect(producer.send({ topic: 'min-isr', acks: -1, messages: [{ key: 'k', value: 'v' }] })).rejects.toThrow(/fewer in-sync replicas than required/);
    await producer.send({ topic: 'min-isr', acks: 1, messages: [{ key: 'k', value: 'v' }] });
    // NOT_ENOUGH_REPLICAS is retriable: librdkafka reports it once its retries are used up.
    const [report] = await rdkafkaProduce(broker.bootstrap, 'min-isr', [{ key: 'k', value: 'v' }], { acks: 'all', retries: 2, 'retry.backoff.ms': 10 });
    expect(report!.error!.message).toMatch(/not enough in-sync replicas/i);
  });

  itNeeds(['confluent-kafka'], 'INVALID_TIMESTAMP outside message.timestamp.after.max.ms (kafkajs, confluent-kafka)', async () => {
    const broker = await res.broker();
    await broker.createTopic('timely', { partitions: 1, configs: { 'message.timestamp.after.max.ms': '60000' } });
    const future = Date.now() + 3_600_000;
    const producer = kafkajs(broker.bootstrap).producer();
    await producer.connect();
    res.defer(() => producer.disconnect());
    await expect(producer.send({ topic: 'timely', messages: [{ key: 'k', value: 'v', timestamp: String(future) }] })).rejects.toMatchObject({ type: 'INVALID_TIMESTAMP' });
    const [report] = await pythonProduce('confluent-kafka', broker.bootstrap, 'timely', [{ key: 'k', value: 'v', timestamp: future }]);
    expect(report!.error).toMatchObject({ code: 32, name: 'INVALID_TIMESTAMP' });
    const [ok] = await pythonProduce('confluent-kafka', broker.bootstrap, 'timely', [{ key: 'k', value: 'now' }]);
    expect(ok!.error).toBeNull();
  });
});
