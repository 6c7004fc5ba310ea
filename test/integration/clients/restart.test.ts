/**
 * A clean restart keeps everything: topics (ids, partition counts, configs), records written by
 * several clients across many segments, the time index (offsets_for_times after the restart),
 * offsets continuing where they stopped, and the idempotent producer state (a librdkafka producer
 * that keeps running through the restart and retries a batch whose response it never got is
 * answered as a duplicate by the new broker process).
 */
import { describe, expect } from 'vitest';
import { missing } from '../helpers/any-client.js';
import { logEndOffsets, storedBatches, useResources } from '../helpers/broker.js';
import { kcatConsume, kcatMetadata, kcatProduce } from '../helpers/kcat.js';
import { keyedMessages, roundTripProblems, type InMessage, type OutMessage } from '../helpers/messages.js';
import { kafkajs, rdkafkaConsume, rdkafkaProducer } from '../helpers/node-clients.js';
import { startFaultProxy } from '../helpers/proxy.js';
import { pythonConsume, pythonOffsetsForTimes } from '../helpers/python.js';
import { withTimeout } from '../helpers/wait.js';
import { itNeeds } from '../helpers/requirements.js';

const T0 = 1_700_000_000_000;
const PARTITIONS = [0, 1, 2];

function inOrder(messages: InMessage[]): InMessage[] {
  return [...messages].sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}

describe('restart keeps data', () => {
  const res = useResources();

  itNeeds(['kcat'], 'topics, configs and records from kcat, kafkajs and node-rdkafka survive a clean restart', async () => {
    const logDir = await res.tempDir();
    const first = await res.broker({ logDir });
    const admin = kafkajs(first.bootstrap).admin();
    await admin.connect();
    // segment.ms=1 rolls a new segment at nearly every append (segment.bytes cannot go below
    // 1 MiB): the data spans many segment files and index files.
    await admin.createTopics({ topics: [{ topic: 'durable', numPartitions: 3, configEntries: [{ name: 'segment.ms', value: '1' }, { name: 'retention.ms', value: '-1' }] }] });
    await admin.disconnect();
    const topicId = first.broker.image.topicsByName.get('durable')!.topicId;

    // First, with increasing CreateTime timestamps: segment.ms compares a batch's timestamp with
    // the first one of the segment (as Kafka does), so each of these sends starts a segment.
    const fromKafkajs: OutMessage[] = keyedMessages(60, ['d', 'e'], 'kafkajs').map((m, i) => ({ ...m, timestamp: T0 + i * 10 }));
    const producer = kafkajs(first.bootstrap).producer();
    await producer.connect();
    for (let i = 0; i < fromKafkajs.length; i += 10) {
      await producer.send({ topic: 'durable', messages: fromKafkajs.slice(i, i + 10).map((m) => ({ key: m.key, value: m.value, headers: Object.fromEntries(m.headers!), timestamp: String(m.timestamp) })) });
    }
    await producer.disconnect();
    const fromKcat = keyedMessages(60, ['a', 'b', 'c'], 'kcat').map((m) => ({ ...m, headers: [['from', 'kcat']] as [string, string][] }));
    await kcatProduce(first.bootstrap, 'durable', fromKcat, { config: { 'compression.codec': 'gzip' } });
    const rd = await rdkafkaProducer(first.bootstrap, { 'enable.idempotence': true, 'compression.codec': 'gzip' } /* kafka-python reads gzip only */);
    const fromRdkafka = keyedMessages(60, ['f', 'g', 'h'], 'rdkafka');
    expect((await rd.produce('durable', fromRdkafka)).filter((r) => r.error)).toEqual([]);
    await rd.close();

    const before = inOrder((await kcatConsume(first.bootstrap, 'durable')).messages);
    const endsBefore = logEndOffsets(first, 'durable');
    const segmentsBefore = PARTITIONS.map((p) => first.broker.replicas.getPartition('durable', p)!.log.segmentsInfo().length);
    expect(Math.max(...segmentsBefore), 'segments per partition').toBeGreaterThan(3);
    await first.close();

    const second = await res.broker({ logDir });
    expect(second.clusterId).toBe(first.clusterId);
    const topic = second.broker.image.topicsByName.get('durable')!;
    expect(topic.topicId).toBe(topicId);
    expect(logEndOffsets(second, 'durable')).toEqual(endsBefore);
    const md = await kcatMetadata(second.bootstrap, 'durable');
    expect(md.topics[0]!.partitions.map((p) => p.partition).sort()).toEqual(PARTITIONS);
    expect(Object.fromEntries(second.broker.image.topicConfigs('durable'))).toEqual({ 'segment.ms': '1', 'retention.ms': '-1' });

    // Every client reads exactly what was there before.
    const sent = [...fromKcat, ...fromKafkajs, ...fromRdkafka];
    const readers: [string, () => Promise<InMessage[]>][] = [
      ['kcat', async () => (await kcatConsume(second.bootstrap, 'durable')).messages],
      ['node-rdkafka', async () => (await rdkafkaConsume(second.bootstrap, 'durable', PARTITIONS)).messages],
    ];
    if (missing('confluent-kafka') === null) readers.push(['confluent-kafka', async () => (await pythonConsume('confluent-kafka', second.bootstrap, 'durable', PARTITIONS)).messages]);
    if (missing('kafka-python') === null) readers.push(['kafka-python', async () => (await pythonConsume('kafka-python', second.bootstrap, 'durable', PARTITIONS)).messages]);
    for (const [name, read] of readers) {
      const after = inOrder(await read());
      expect(roundTripProblems(sent, after), name).toEqual([]);
      expect(after.map((m) => [m.partition, m.offset, m.value]), name).toEqual(before.map((m) => [m.partition, m.offset, m.value]));
    }

    // The time index came back: kafkajs's records carry T0 + 10 * i.
    if (missing('confluent-kafka') === null) {
      const target = fromKafkajs[37]!;
      const stored = before.find((m) => m.value === target.value)!;
      const r = await pythonOffsetsForTimes('confluent-kafka', second.bootstrap, 'durable', [[{ partition: stored.partition, timestamp: target.timestamp! }]]);
      expect(r.rounds[0]![0]!.offset).toBe(stored.offset);
    }

    // Offsets continue after the restart.
    const more = keyedMessages(9, ['a', 'b', 'c'], 'after');
    await kcatProduce(second.bootstrap, 'durable', more);
    const all = inOrder((await kcatConsume(second.bootstrap, 'durable')).messages);
    expect(all).toHaveLength(sent.length + more.length);
    for (const p of PARTITIONS) {
      const offsets = all.filter((m) => m.partition === p).map((m) => m.offset);
      expect(offsets).toEqual(offsets.map((_, i) => i));
    }
  });

  itNeeds(['kcat'], 'an idempotent node-rdkafka producer keeps producing through a restart; its retried batch is a duplicate for the new process', async () => {
    const logDir = await res.tempDir();
    const proxy = await startFaultProxy();
    res.defer(() => proxy.close());
    const advertised = { 'advertised.listeners': `PLAINTEXT://127.0.0.1:${proxy.port}` };
    const first = await res.broker({ logDir, config: advertised });
    proxy.setTarget(first.port);
    await first.createTopic('through-restart', { partitions: 3 });
    const bootstrap = `127.0.0.1:${proxy.port}`;

    const producer = await rdkafkaProducer(bootstrap, {
      'enable.idempotence': true,
      'max.in.flight.requests.per.connection': 5,
      'batch.num.messages': 50,
      'linger.ms': 1,
      'reconnect.backoff.ms': 10,
      'reconnect.backoff.max.ms': 100,
      'retry.backoff.ms': 10,
    });
    res.defer(() => producer.close());
    // Cut the connection instead of answering the 5th Produce request, and refuse connections
    // until the broker has restarted: the retries can only reach the new process.
    proxy.dropResponses(0, [5], { thenRefuseConnections: true });
    const sent = keyedMessages(1500, ['p', 'q', 'r', 's', 't']);
    const delivered = producer.produce('through-restart', sent);
    await withTimeout(proxy.droppedAtLeast(1), 15_000, 'the 5th Produce response');
    await first.close();
    const second = await res.broker({ logDir, config: advertised });
    const requestsBeforeRestart = proxy.requests.get(0)!;
    proxy.setTarget(second.port);

    const reports = await delivered;
    expect(proxy.requests.get(0)!, 'Produce requests after the restart').toBeGreaterThan(requestsBeforeRestart);
    expect(reports.filter((r) => r.error).slice(0, 3)).toEqual([]);
    const { messages } = await kcatConsume(second.bootstrap, 'through-restart');
    expect(roundTripProblems(sent, messages)).toEqual([]);
    const where = new Map(messages.map((m) => [m.value, `${m.partition}@${m.offset}`]));
    expect(sent.filter((m, i) => where.get(m.value) !== `${reports[i]!.partition}@${reports[i]!.offset}`)).toEqual([]);
    for (const p of PARTITIONS) {
      const batches = storedBatches(second, 'through-restart', p);
      if (batches.length === 0) continue; // no key hashed to this partition
      expect(new Set(batches.map((b) => b.producerId)).size).toBe(1);
      let next = 0;
      for (const b of batches) {
        expect(b.baseSequence).toBe(next);
        next += b.recordsCount;
      }
    }
  });
});
