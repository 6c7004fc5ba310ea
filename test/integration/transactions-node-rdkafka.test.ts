/**
 * node-rdkafka (librdkafka) transactional producer against Gregor: initTransactions, a committed
 * and an aborted transaction; a read_committed kafkajs consumer sees only the committed records.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Consumer } from 'kafkajs';
import type { RunningBroker } from '../../src/embedded.js';
import { kafkajsClient, loadNodeRdkafka, startGroupBroker, waitFor } from './groups-helpers.js';

const Kafka = loadNodeRdkafka();

let broker: RunningBroker | null = null;
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c().catch(() => {});
  await broker?.close();
  broker = null;
});

function call(fn: (cb: (err: unknown) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => fn((err) => (err ? reject(err) : resolve())));
}

describe.skipIf(!Kafka)('node-rdkafka transactions', () => {
  it('commits and aborts; read_committed sees only the committed records', async () => {
    broker = await startGroupBroker({ config: { 'transaction.state.log.num.partitions': 3 } });
    const b = broker;
    await b.createTopic('rdk-txn', { partitions: 1 });
    const producer = new Kafka.Producer({ 'metadata.broker.list': b.bootstrap, 'transactional.id': 'rdk-txn-1', 'dr_cb': false });
    await call((cb) => producer.connect({}, cb));
    closers.push(() => call((cb) => producer.disconnect(cb)));
    await call((cb) => producer.initTransactions(15_000, cb));

    await call((cb) => producer.beginTransaction(cb));
    producer.produce('rdk-txn', 0, Buffer.from('c1'));
    producer.produce('rdk-txn', 0, Buffer.from('c2'));
    await call((cb) => producer.commitTransaction(15_000, cb));

    await call((cb) => producer.beginTransaction(cb));
    producer.produce('rdk-txn', 0, Buffer.from('a1'));
    await call((cb) => producer.flush(10_000, cb));
    await call((cb) => producer.abortTransaction(15_000, cb));

    const seen: string[] = [];
    const consumer: Consumer = kafkajsClient(b, 'rdk-reader').consumer({ groupId: 'rdk-reader', readUncommitted: false, maxWaitTimeInMs: 100 });
    closers.push(() => consumer.disconnect());
    await consumer.connect();
    await consumer.subscribe({ topic: 'rdk-txn', fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
    await waitFor(() => seen.length >= 2, 'the committed records');
    await new Promise((r) => setTimeout(r, 300));
    expect(seen).toEqual(['c1', 'c2']);
    expect(b.broker.transactionCoordinator.describe('rdk-txn-1').transactionState).toBe('CompleteAbort');
  }, 30_000);
});
