/**
 * Transactions across a broker restart on disk: __transaction_state is replayed (the transactional
 * id keeps its producer id and epoch), the aborted-transaction index is rebuilt from the log so
 * read_committed consumers still skip aborted records, and the records in __transaction_state
 * decode as Kafka's TransactionLogKey v0 / TransactionLogValue v0.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningBroker } from '../../src/embedded.js';
import { TxnState, transactionLogSerde } from '../../src/coordinator/transaction/transaction-metadata.js';
import { iterateBatches } from '../../src/protocol/records/batch-iterator.js';
import { iterateRecordsSync } from '../../src/protocol/records/read-records.js';
import { kafkajsClient, startGroupBroker, waitFor } from './groups-helpers.js';

let broker: RunningBroker | null = null;
const dirs: string[] = [];

afterEach(async () => {
  await broker?.close();
  broker = null;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const CONFIG = { 'transaction.state.log.num.partitions': 2 };

async function readCommitted(b: RunningBroker, topic: string, count: number): Promise<string[]> {
  const seen: string[] = [];
  const consumer = kafkajsClient(b, 'restart-reader').consumer({ groupId: `reader-${Date.now()}`, readUncommitted: false, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
    await waitFor(() => seen.length >= count, `${count} committed records`);
    await new Promise((r) => setTimeout(r, 300));
    return seen;
  } finally {
    await consumer.disconnect();
  }
}

describe('transactions across a restart', () => {
  it('replays __transaction_state and rebuilds the aborted-transaction index from the log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gregor-txn-'));
    dirs.push(dir);
    broker = await startGroupBroker({ logDir: dir, config: CONFIG });
    await broker.createTopic('durable-txn', { partitions: 1 });
    const producer = kafkajsClient(broker, 'restart-producer').producer({ transactionalId: 'durable-1', idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const t1 = await producer.transaction();
    await t1.send({ topic: 'durable-txn', messages: [{ value: 'keep-1' }] });
    await t1.commit();
    const t2 = await producer.transaction();
    await t2.send({ topic: 'durable-txn', messages: [{ value: 'drop-1' }, { value: 'drop-2' }] });
    await t2.abort();
    const t3 = await producer.transaction();
    await t3.send({ topic: 'durable-txn', messages: [{ value: 'keep-2' }] });
    await t3.commit();
    await producer.disconnect();
    const before = broker.broker.transactionCoordinator.describe('durable-1');

    await broker.close();
    broker = await startGroupBroker({ logDir: dir, config: CONFIG });
    const after = broker.broker.transactionCoordinator.describe('durable-1');
    expect(after).toMatchObject({ transactionState: 'CompleteCommit', producerId: before.producerId, producerEpoch: before.producerEpoch });
    expect(await readCommitted(broker, 'durable-txn', 2)).toEqual(['keep-1', 'keep-2']);

    // The log holds Kafka's records: TransactionLogKey / TransactionLogValue v0.
    const coordinator = broker.broker.transactionCoordinator;
    const partition = broker.broker.replicas.getPartition('__transaction_state', coordinator.partitionFor('durable-1'))!;
    const statuses: number[] = [];
    for (const chunk of partition.log.read(0n, 1 << 20, { minOneMessage: true }).records) {
      for (const batch of iterateBatches(chunk)) {
        for (const r of iterateRecordsSync(batch, { maxDecompressedBytes: 1 << 20 })) {
          expect(r.value!.readInt16BE(0)).toBe(0);
          const rec = transactionLogSerde.deserialize(r.key!, r.value)!;
          statuses.push((rec.value!.data as { transactionStatus: number }).transactionStatus);
        }
      }
    }
    expect(statuses).toEqual([
      TxnState.Empty,
      TxnState.Ongoing, TxnState.PrepareCommit, TxnState.CompleteCommit,
      TxnState.Ongoing, TxnState.PrepareAbort, TxnState.CompleteAbort,
      TxnState.Ongoing, TxnState.PrepareCommit, TxnState.CompleteCommit,
    ]);

    // The same transactional id continues with a bumped epoch.
    const again = kafkajsClient(broker, 'restart-producer-2').producer({ transactionalId: 'durable-1', idempotent: true, maxInFlightRequests: 1 });
    await again.connect();
    const t4 = await again.transaction();
    await t4.send({ topic: 'durable-txn', messages: [{ value: 'keep-3' }] });
    await t4.commit();
    await again.disconnect();
    expect(coordinator.describe('durable-1').producerEpoch).toBe(before.producerEpoch + 1);
  });
});
