/**
 * kafkajs transactional producers against Gregor: commit and abort, a read_committed consumer in
 * a group sees only committed records, and consume-transform-produce with sendOffsets (the
 * group's offsets appear only when the transaction commits).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Consumer, Producer } from 'kafkajs';
import type { RunningBroker } from '../../src/embedded.js';
import { kafkajsClient, startGroupBroker, waitFor } from './groups-helpers.js';

let broker: RunningBroker | null = null;
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c().catch(() => {});
  await broker?.close();
  broker = null;
});

async function start(): Promise<RunningBroker> {
  broker = await startGroupBroker({ config: { 'transaction.state.log.num.partitions': 3 } });
  return broker;
}

async function txnProducer(b: RunningBroker, transactionalId: string): Promise<Producer> {
  const producer = kafkajsClient(b, `txn-${transactionalId}`).producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  closers.push(() => producer.disconnect());
  return producer;
}

async function readCommittedConsumer(b: RunningBroker, groupId: string, topic: string, seen: string[]): Promise<Consumer> {
  const consumer = kafkajsClient(b, `rc-${groupId}`).consumer({ groupId, readUncommitted: false, sessionTimeout: 6000, heartbeatInterval: 200, maxWaitTimeInMs: 100 });
  closers.push(() => consumer.disconnect());
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
  return consumer;
}

describe('kafkajs transactions', () => {
  it('commits and aborts; a read_committed group consumer sees only committed records', async () => {
    const b = await start();
    await b.createTopic('txn-topic', { partitions: 2 });
    const producer = await txnProducer(b, 'kjs-txn-1');

    const t1 = await producer.transaction();
    await t1.send({ topic: 'txn-topic', messages: [{ value: 'c1', partition: 0 }, { value: 'c2', partition: 1 }] });
    await t1.commit();

    const t2 = await producer.transaction();
    await t2.send({ topic: 'txn-topic', messages: [{ value: 'a1', partition: 0 }, { value: 'a2', partition: 1 }] });
    await t2.abort();

    const t3 = await producer.transaction();
    await t3.send({ topic: 'txn-topic', messages: [{ value: 'c3', partition: 0 }] });
    await t3.commit();

    const seen: string[] = [];
    await readCommittedConsumer(b, 'rc-group', 'txn-topic', seen);
    await waitFor(() => seen.length >= 3, 'three committed records');
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.sort()).toEqual(['c1', 'c2', 'c3']);

    const described = b.broker.transactionCoordinator.describe('kjs-txn-1');
    expect(described.transactionState).toBe('CompleteCommit');
    expect(b.broker.transactionCoordinator.list([], [], -1n).map((t) => t.transactionalId)).toContain('kjs-txn-1');
  });

  it('an open transaction holds back read_committed consumers until it commits', async () => {
    const b = await start();
    await b.createTopic('lso-topic', { partitions: 1 });
    const producer = await txnProducer(b, 'kjs-lso');
    const seen: string[] = [];
    const txn = await producer.transaction();
    await txn.send({ topic: 'lso-topic', messages: [{ value: 'pending' }] });
    await readCommittedConsumer(b, 'lso-group', 'lso-topic', seen);
    await new Promise((r) => setTimeout(r, 1000));
    expect(seen).toEqual([]);
    await txn.commit();
    await waitFor(() => seen.length === 1, 'the committed record');
    expect(seen).toEqual(['pending']);
  });

  it('sendOffsets: the group offsets become visible only when the transaction commits', async () => {
    const b = await start();
    await b.createTopic('in-topic', { partitions: 1 });
    await b.createTopic('out-topic', { partitions: 1 });
    const producer = await txnProducer(b, 'kjs-ctp');
    const groupId = 'ctp-group';
    const committedOffset = async () => (await b.broker.groupCoordinator.fetchOffsets(groupId, [{ name: 'in-topic', partitionIndexes: [0] }], false)).topics[0]?.partitions[0]?.committedOffset;

    const aborted = await producer.transaction();
    await aborted.send({ topic: 'out-topic', messages: [{ value: 'x' }] });
    await aborted.sendOffsets({ consumerGroupId: groupId, topics: [{ topic: 'in-topic', partitions: [{ partition: 0, offset: '5' }] }] });
    expect(await committedOffset()).toBe(-1n);
    await aborted.abort();
    expect(await committedOffset()).toBe(-1n);

    const txn = await producer.transaction();
    await txn.send({ topic: 'out-topic', messages: [{ value: 'y' }] });
    await txn.sendOffsets({ consumerGroupId: groupId, topics: [{ topic: 'in-topic', partitions: [{ partition: 0, offset: '7' }] }] });
    expect(await committedOffset()).toBe(-1n);
    await txn.commit();
    expect(await committedOffset()).toBe(7n);
  });

  it('a second producer with the same transactional id fences the first and aborts its transaction', async () => {
    const b = await start();
    await b.createTopic('fence-topic', { partitions: 1 });
    const first = await txnProducer(b, 'kjs-fence');
    const t = await first.transaction();
    await t.send({ topic: 'fence-topic', messages: [{ value: 'zombie' }] });
    const second = await txnProducer(b, 'kjs-fence');
    const t2 = await second.transaction();
    await t2.send({ topic: 'fence-topic', messages: [{ value: 'winner' }] });
    await t2.commit();
    await expect(t.commit()).rejects.toThrow();
    const seen: string[] = [];
    await readCommittedConsumer(b, 'fence-group', 'fence-topic', seen);
    await waitFor(() => seen.length >= 1, 'the committed record');
    await new Promise((r) => setTimeout(r, 300));
    expect(seen).toEqual(['winner']);
  });
});
