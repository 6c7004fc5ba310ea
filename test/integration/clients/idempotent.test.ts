/**
 * The idempotent producer with many requests in flight: librdkafka (node-rdkafka 2.12 and
 * confluent-kafka 2.0.2) with enable.idempotence=true and max.in.flight=5 sends thousands of
 * records in small batches while a proxy cuts the connection instead of delivering some Produce
 * responses. librdkafka retries the unanswered batches (already appended), so Gregor must answer
 * them as duplicates with their original offsets: every record is stored exactly once, in order
 * per key, and the offsets in the delivery reports are the offsets the records are stored at.
 * kafkajs and @platformatic/kafka idempotent producers are checked without faults.
 */
import { describe, expect } from 'vitest';
import { storedBatches, useResources } from '../helpers/broker.js';
import { kcatConsume } from '../helpers/kcat.js';
import type { DeliveryReport, InMessage, OutMessage } from '../helpers/messages.js';
import { kafkajs, platformaticProduce, rdkafkaProduce } from '../helpers/node-clients.js';
import { startFaultProxy } from '../helpers/proxy.js';
import { pythonConsume, pythonProduce } from '../helpers/python.js';
import { itNeeds } from '../helpers/requirements.js';

const PRODUCE = 0;
const PARTITIONS = [0, 1, 2];

/** Records k0..k9 with values "<key>:<n-th record of that key>". */
function sequenced(count: number): OutMessage[] {
  const perKey = new Map<string, number>();
  const out: OutMessage[] = [];
  for (let i = 0; i < count; i++) {
    const key = `k${i % 10}`;
    const n = perKey.get(key) ?? 0;
    perKey.set(key, n + 1);
    out.push({ key, value: `${key}:${n}`, headers: [['n', String(n)]] });
  }
  return out;
}

/** No record lost or duplicated, each key's records in produced order. */
function assertExactlyOnceInOrder(sent: OutMessage[], got: InMessage[]): void {
  expect(got.length).toBe(sent.length);
  const values = new Set(got.map((m) => m.value));
  expect(values.size, 'distinct values consumed').toBe(sent.length);
  const byKey = new Map<string, number[]>();
  for (const m of [...got].sort((a, b) => a.partition - b.partition || a.offset - b.offset)) {
    const [key, n] = m.value!.split(':');
    let list = byKey.get(key!);
    if (!list) byKey.set(key!, (list = []));
    list.push(Number(n));
  }
  for (const [key, ns] of byKey) expect(ns, `order of ${key}`).toEqual(ns.map((_, i) => i));
}

/** Delivery-report offsets are where the records really are (duplicates answered with the original offsets). */
function assertReportsMatchLog(sent: OutMessage[], reports: DeliveryReport[], got: InMessage[]): void {
  const where = new Map(got.map((m) => [m.value, `${m.partition}@${m.offset}`]));
  const mismatches = sent
    .map((m, i) => ({ value: m.value, reported: `${reports[i]!.partition}@${reports[i]!.offset}`, stored: where.get(m.value) }))
    .filter((x) => x.reported !== x.stored);
  expect(mismatches.slice(0, 5), `${mismatches.length} delivery reports disagree with the log`).toEqual([]);
}

/** One producer id and epoch per partition, sequences contiguous from 0 (no gap, no repeat). */
/** More Produce requests than stored batches: some requests were sent again after a cut. */
function assertSomeRetried(broker: Parameters<typeof storedBatches>[0], topic: string, produceRequests: number): void {
  const batches = PARTITIONS.reduce((n, p) => n + storedBatches(broker, topic, p).length, 0);
  expect(produceRequests, `${produceRequests} Produce requests for ${batches} stored batches`).toBeGreaterThan(batches);
}

function assertStoredSequences(broker: Parameters<typeof storedBatches>[0], topic: string): void {
  for (const p of PARTITIONS) {
    const batches = storedBatches(broker, topic, p);
    if (batches.length === 0) continue;
    expect(new Set(batches.map((b) => `${b.producerId}/${b.producerEpoch}`)).size, `one producer in ${topic}-${p}`).toBe(1);
    expect(batches[0]!.producerId).toBeGreaterThanOrEqual(0n);
    let next = 0;
    for (const b of batches) {
      expect(b.baseSequence, `${topic}-${p} batch at offset ${b.baseOffset}`).toBe(next);
      next += b.recordsCount;
    }
  }
}

const LIBRDKAFKA_IDEMPOTENT = {
  'enable.idempotence': true,
  'max.in.flight.requests.per.connection': 5,
  'batch.num.messages': 100,
  'linger.ms': 1,
  // Reconnect at once after the proxy cuts a connection.
  'reconnect.backoff.ms': 10,
  'retry.backoff.ms': 10,
};

describe('idempotent producer with many requests in flight', () => {
  const res = useResources();

  async function faultyBroker(dropOrdinals: number[]) {
    const proxy = await startFaultProxy();
    res.defer(() => proxy.close());
    const broker = await res.broker({ config: { 'advertised.listeners': `PLAINTEXT://127.0.0.1:${proxy.port}` } });
    proxy.setTarget(broker.port);
    proxy.dropResponses(PRODUCE, dropOrdinals);
    return { broker, proxy, bootstrap: `127.0.0.1:${proxy.port}` };
  }

  itNeeds(['kcat'], 'node-rdkafka: 6000 records, 5 in flight, 3 lost Produce responses', async () => {
    const { broker, proxy, bootstrap } = await faultyBroker([4, 9, 17]);
    const topic = 'idempotent-rdkafka';
    await broker.createTopic(topic, { partitions: PARTITIONS.length });
    const sent = sequenced(6000);
    const reports = await rdkafkaProduce(bootstrap, topic, sent, LIBRDKAFKA_IDEMPOTENT);
    expect(reports.filter((r) => r.error).slice(0, 3)).toEqual([]);
    expect(proxy.dropped).toBe(3);
    expect(proxy.requests.get(PRODUCE)!, 'Produce requests').toBeGreaterThan(20);

    const { messages } = await kcatConsume(broker.bootstrap, topic);
    assertExactlyOnceInOrder(sent, messages);
    assertReportsMatchLog(sent, reports, messages);
    assertStoredSequences(broker, topic);
    assertSomeRetried(broker, topic, proxy.requests.get(PRODUCE)!);
  });

  itNeeds(['confluent-kafka'], 'confluent-kafka: 4000 records, 5 in flight, 3 lost Produce responses', async () => {
    const { broker, proxy, bootstrap } = await faultyBroker([3, 7, 12]);
    const topic = 'idempotent-confluent';
    await broker.createTopic(topic, { partitions: PARTITIONS.length });
    const sent = sequenced(4000);
    const reports = await pythonProduce('confluent-kafka', bootstrap, topic, sent, LIBRDKAFKA_IDEMPOTENT);
    expect(reports.filter((r) => r.error).slice(0, 3)).toEqual([]);
    expect(proxy.dropped).toBe(3);

    const { messages } = await pythonConsume('confluent-kafka', broker.bootstrap, topic, PARTITIONS);
    assertExactlyOnceInOrder(sent, messages);
    assertReportsMatchLog(sent, reports, messages);
    assertStoredSequences(broker, topic);
    assertSomeRetried(broker, topic, proxy.requests.get(PRODUCE)!);
  });

  itNeeds(['kcat'], 'kafkajs idempotent producer: ten sends, one producer id, contiguous sequences', async () => {
    const broker = await res.broker();
    const topic = 'idempotent-kafkajs';
    await broker.createTopic(topic, { partitions: PARTITIONS.length });
    const producer = kafkajs(broker.bootstrap).producer({ idempotent: true, maxInFlightRequests: 5 });
    await producer.connect();
    const sent = sequenced(1000);
    try {
      for (let i = 0; i < sent.length; i += 100) {
        await producer.send({ topic, messages: sent.slice(i, i + 100).map((m) => ({ key: m.key, value: m.value, headers: Object.fromEntries(m.headers!) })) });
      }
    } finally {
      await producer.disconnect();
    }
    const { messages } = await kcatConsume(broker.bootstrap, topic);
    assertExactlyOnceInOrder(sent, messages);
    assertStoredSequences(broker, topic);
  });

  itNeeds(['kcat'], '@platformatic/kafka idempotent producer', async () => {
    const broker = await res.broker();
    const topic = 'idempotent-platformatic';
    await broker.createTopic(topic, { partitions: PARTITIONS.length });
    const sent = sequenced(600);
    for (let i = 0; i < sent.length; i += 200) await platformaticProduce(broker.bootstrap, topic, sent.slice(i, i + 200), { idempotent: true });
    const { messages } = await kcatConsume(broker.bootstrap, topic);
    assertExactlyOnceInOrder(sent, messages);
    // Each send above used a new producer (a new producer id), so check per-batch sequencing only.
    for (const p of PARTITIONS) for (const b of storedBatches(broker, topic, p)) expect(b.producerId).toBeGreaterThanOrEqual(0n);
  });
});
