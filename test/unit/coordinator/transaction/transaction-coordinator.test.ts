/**
 * The transaction coordinator without sockets: in-memory __transaction_state logs, virtual time,
 * a recording marker writer. Covers InitProducerId (epochs, fencing, KIP-360, timeouts), adding
 * partitions, EndTxn with markers, timeouts, replay after a restart, and pending transactional
 * offsets in the group coordinator.
 */
import { describe, expect, it } from 'vitest';
import { GroupCoordinator } from '../../../../src/coordinator/group/group-coordinator.js';
import { defaultGroupCoordinatorConfig } from '../../../../src/coordinator/group/group-coordinator-config.js';
import { MemoryCoordinatorLog } from '../../../../src/coordinator/runtime/memory-coordinator-log.js';
import { TransactionCoordinator, defaultTransactionCoordinatorConfig, type TransactionCoordinatorConfig } from '../../../../src/coordinator/transaction/transaction-coordinator.js';
import { TxnState, transactionLogSerde } from '../../../../src/coordinator/transaction/transaction-metadata.js';
import { silentLogger } from '../../../../src/logger.js';
import { ErrorCode } from '../../../../src/protocol/error-codes.js';
import { iterateBatches } from '../../../../src/protocol/records/batch-iterator.js';
import { iterateRecordsSync } from '../../../../src/protocol/records/read-records.js';
import { ManualScheduler } from '../../../../src/storage/scheduler.js';

interface Marker {
  topic: string;
  partition: number;
  producerId: bigint;
  producerEpoch: number;
  commit: boolean;
}

const TXN = 'txn-1';

class Harness {
  readonly scheduler = new ManualScheduler(1_000_000);
  readonly logs = [new MemoryCoordinatorLog(), new MemoryCoordinatorLog()];
  readonly markers: Marker[] = [];
  markerError = ErrorCode.NONE;
  private nextPid = 1000n;
  coordinator: TransactionCoordinator;

  constructor(private readonly overrides: Partial<TransactionCoordinatorConfig> = {}) {
    this.coordinator = this.newCoordinator();
  }

  private newCoordinator(): TransactionCoordinator {
    const c = new TransactionCoordinator({
      config: defaultTransactionCoordinatorConfig({ numPartitions: this.logs.length, ...this.overrides }),
      topic: { numPartitions: () => this.logs.length, logFor: (p) => this.logs[p] },
      writeMarker: async (topic, partition, producerId, producerEpoch, _coordinatorEpoch, commit) => {
        this.markers.push({ topic, partition, producerId, producerEpoch, commit });
        return this.markerError;
      },
      generateProducerId: () => this.nextPid++,
      scheduler: this.scheduler,
      now: () => this.scheduler.now(),
      log: silentLogger(),
    });
    c.startup();
    return c;
  }

  restart(): void {
    this.coordinator.close();
    this.coordinator = this.newCoordinator();
  }

  /** Moves virtual time, then lets promise callbacks run. */
  async advance(ms = 0): Promise<void> {
    this.scheduler.advance(ms);
    for (let i = 0; i < 50; i++) await Promise.resolve();
  }

  state(id = TXN) {
    const c = this.coordinator;
    return c.runtime.shard(c.partitionFor(id)).transactions.get(id);
  }

  /** The records written for a transactional id, decoded. */
  statuses(id = TXN): number[] {
    const out: number[] = [];
    for (const log of this.logs) {
      for (const batch of log.batches) {
        for (const b of iterateBatches(batch)) {
          for (const r of iterateRecordsSync(b, { maxDecompressedBytes: 1 << 20 })) {
            const rec = transactionLogSerde.deserialize(r.key!, r.value);
            if (rec && (rec.key as { transactionalId: string }).transactionalId === id) out.push((rec.value!.data as { transactionStatus: number }).transactionStatus);
          }
        }
      }
    }
    return out;
  }
}

describe('transaction coordinator', () => {
  it('InitProducerId assigns a producer id with epoch 0, then bumps the epoch', async () => {
    const h = new Harness();
    const first = await h.coordinator.initProducerId(TXN, 60_000, null);
    expect(first).toMatchObject({ errorCode: ErrorCode.NONE, producerId: 1000n, producerEpoch: 0 });
    const second = await h.coordinator.initProducerId(TXN, 60_000, null);
    expect(second).toMatchObject({ errorCode: ErrorCode.NONE, producerId: 1000n, producerEpoch: 1 });
    expect(h.state()?.state).toBe(TxnState.Empty);
  });

  it('InitProducerId with a producer id and epoch for an unknown transactional id starts it at epoch 0 (isValidProducerId)', async () => {
    const h = new Harness();
    const r = await h.coordinator.initProducerId(TXN, 60_000, { producerId: 42n, producerEpoch: 3 });
    expect(r).toMatchObject({ errorCode: ErrorCode.NONE, producerId: 1000n, producerEpoch: 0 });
  });

  it('rejects timeouts above transaction.max.timeout.ms and empty transactional ids', async () => {
    const h = new Harness({ maxTimeoutMs: 10_000 });
    expect((await h.coordinator.initProducerId(TXN, 10_001, null)).errorCode).toBe(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    expect((await h.coordinator.initProducerId(TXN, 0, null)).errorCode).toBe(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    expect((await h.coordinator.initProducerId('', 1000, null)).errorCode).toBe(ErrorCode.INVALID_REQUEST);
  });

  it('commit: Prepare record, a marker per partition, then CompleteCommit', async () => {
    const h = new Harness();
    const { producerId, producerEpoch } = await h.coordinator.initProducerId(TXN, 60_000, null);
    const parts = [{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }];
    expect(await h.coordinator.addPartitions(TXN, producerId, producerEpoch, parts)).toBe(ErrorCode.NONE);
    expect(h.state()?.state).toBe(TxnState.Ongoing);
    expect(await h.coordinator.endTransaction(TXN, producerId, producerEpoch, true)).toBe(ErrorCode.NONE);
    expect(h.markers.map((m) => [m.topic, m.partition, m.commit])).toEqual([['t', 0, true], ['t', 1, true]]);
    expect(h.statuses()).toEqual([TxnState.Empty, TxnState.Ongoing, TxnState.PrepareCommit, TxnState.CompleteCommit]);
    // A retried commit is fine, an abort now is not.
    expect(await h.coordinator.endTransaction(TXN, producerId, producerEpoch, true)).toBe(ErrorCode.NONE);
    expect(await h.coordinator.endTransaction(TXN, producerId, producerEpoch, false)).toBe(ErrorCode.INVALID_TXN_STATE);
  });

  it('validates producer id and epoch', async () => {
    const h = new Harness();
    const { producerId } = await h.coordinator.initProducerId(TXN, 60_000, null);
    await h.coordinator.initProducerId(TXN, 60_000, null); // epoch 1
    expect(await h.coordinator.addPartitions(TXN, producerId, 0, [{ topic: 't', partition: 0 }])).toBe(ErrorCode.PRODUCER_FENCED);
    expect(await h.coordinator.addPartitions(TXN, producerId + 1n, 1, [{ topic: 't', partition: 0 }])).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    expect(await h.coordinator.addPartitions('unknown', producerId, 1, [{ topic: 't', partition: 0 }])).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    expect(await h.coordinator.endTransaction(TXN, producerId, 1, true)).toBe(ErrorCode.INVALID_TXN_STATE);
  });

  it('re-initialising during a transaction fences the producer, aborts it and answers CONCURRENT_TRANSACTIONS', async () => {
    const h = new Harness();
    const { producerId } = await h.coordinator.initProducerId(TXN, 60_000, null);
    await h.coordinator.addPartitions(TXN, producerId, 0, [{ topic: 't', partition: 0 }]);
    const r = await h.coordinator.initProducerId(TXN, 60_000, null);
    expect(r.errorCode).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    await h.advance();
    expect(h.markers).toEqual([{ topic: 't', partition: 0, producerId, producerEpoch: 1, commit: false }]);
    expect(h.state()?.state).toBe(TxnState.CompleteAbort);
    const retry = await h.coordinator.initProducerId(TXN, 60_000, null);
    expect(retry).toMatchObject({ errorCode: ErrorCode.NONE, producerId, producerEpoch: 2 });
    // The old producer is fenced.
    expect(await h.coordinator.endTransaction(TXN, producerId, 0, true)).toBe(ErrorCode.PRODUCER_FENCED);
  });

  it('KIP-360: a bump with the current epoch works, a retry of it answers the same epoch, a stale one is fenced', async () => {
    const h = new Harness();
    const { producerId } = await h.coordinator.initProducerId(TXN, 60_000, null);
    const bumped = await h.coordinator.initProducerId(TXN, 60_000, { producerId, producerEpoch: 0 });
    expect(bumped).toMatchObject({ errorCode: ErrorCode.NONE, producerEpoch: 1 });
    const retried = await h.coordinator.initProducerId(TXN, 60_000, { producerId, producerEpoch: 0 });
    expect(retried).toMatchObject({ errorCode: ErrorCode.NONE, producerEpoch: 1 });
    await h.coordinator.initProducerId(TXN, 60_000, null); // epoch 2, last epoch 1
    expect((await h.coordinator.initProducerId(TXN, 60_000, { producerId, producerEpoch: 0 })).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
    expect((await h.coordinator.initProducerId(TXN, 60_000, { producerId: producerId + 5n, producerEpoch: 2 })).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
  });

  it('a transaction past its timeout is aborted with a bumped epoch', async () => {
    const h = new Harness({ abortTimedOutIntervalMs: 1000 });
    const { producerId } = await h.coordinator.initProducerId(TXN, 5000, null);
    await h.coordinator.addPartitions(TXN, producerId, 0, [{ topic: 't', partition: 3 }]);
    await h.advance(4000);
    expect(h.state()?.state).toBe(TxnState.Ongoing);
    await h.advance(2000);
    expect(h.state()?.state).toBe(TxnState.CompleteAbort);
    expect(h.markers).toEqual([{ topic: 't', partition: 3, producerId, producerEpoch: 1, commit: false }]);
    expect(await h.coordinator.endTransaction(TXN, producerId, 0, true)).toBe(ErrorCode.PRODUCER_FENCED);
  });

  it('markers still pending: CONCURRENT_TRANSACTIONS; a restart replays the log and completes them', async () => {
    const h = new Harness();
    const { producerId } = await h.coordinator.initProducerId(TXN, 60_000, null);
    await h.coordinator.addPartitions(TXN, producerId, 0, [{ topic: 't', partition: 0 }]);
    h.markerError = ErrorCode.NOT_LEADER_OR_FOLLOWER;
    await h.coordinator.endTransaction(TXN, producerId, 0, true);
    expect(h.state()?.state).toBe(TxnState.PrepareCommit);
    expect(await h.coordinator.addPartitions(TXN, producerId, 0, [{ topic: 't', partition: 1 }])).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    expect((await h.coordinator.initProducerId(TXN, 60_000, null)).errorCode).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    expect(await h.coordinator.endTransaction(TXN, producerId, 0, true)).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    h.markerError = ErrorCode.NONE;
    h.restart();
    await h.advance();
    expect(h.state()?.state).toBe(TxnState.CompleteCommit);
    expect(h.coordinator.describe(TXN)).toMatchObject({ transactionState: 'CompleteCommit', producerId, producerEpoch: 0 });
    expect(h.coordinator.list(['CompleteCommit'], [], -1n)).toEqual([{ transactionalId: TXN, producerId, transactionState: 'CompleteCommit' }]);
    expect(h.coordinator.list(['Ongoing'], [], -1n)).toEqual([]);
    expect(h.coordinator.describe('nope').errorCode).toBe(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);
  });
});

describe('transactional offsets in the group coordinator', () => {
  function groupCoordinator(log: MemoryCoordinatorLog, scheduler: ManualScheduler): GroupCoordinator {
    const c = new GroupCoordinator({
      config: defaultGroupCoordinatorConfig({ offsetsTopicNumPartitions: 1 }),
      topic: { numPartitions: () => 1, logFor: () => log },
      scheduler,
      now: () => scheduler.now(),
      log: silentLogger(),
    });
    c.startup();
    return c;
  }
  const ctx = { clientId: 'c', clientHost: '/127.0.0.1', apiVersion: 3 };
  const commit = (c: GroupCoordinator, producerId: bigint, offset: bigint) =>
    c.commitTransactionalOffsets(ctx, { groupId: 'g', producerId, producerEpoch: 0, generationId: -1, memberId: '', groupInstanceId: null, topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: '' }] }] });
  const fetched = async (c: GroupCoordinator) => (await c.fetchOffsets('g', [{ name: 't', partitionIndexes: [0] }], false)).topics[0]!.partitions[0]!.committedOffset;

  it('become visible on COMMIT, are dropped on ABORT, and replay the same way', async () => {
    const scheduler = new ManualScheduler(0);
    const log = new MemoryCoordinatorLog();
    let c = groupCoordinator(log, scheduler);
    await commit(c, 7n, 10n);
    expect(await fetched(c)).toBe(-1n);
    expect(c.shardFor('g').offsetMetadataManager.hasPendingTransactionalOffset('g', 't', 0)).toBe(true);
    const stable = await c.fetchOffsets('g', [{ name: 't', partitionIndexes: [0] }], true);
    expect(stable.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.UNSTABLE_OFFSET_COMMIT);
    expect(await c.completeTransaction(0, 7n, 0, 0, true)).toBe(ErrorCode.NONE);
    expect(await fetched(c)).toBe(10n);
    await commit(c, 8n, 20n);
    await c.completeTransaction(0, 8n, 0, 0, false);
    expect(await fetched(c)).toBe(10n);
    await commit(c, 9n, 30n);
    c.close();
    c = groupCoordinator(log, scheduler);
    expect(await fetched(c)).toBe(10n);
    await c.completeTransaction(0, 9n, 0, 0, true);
    expect(await fetched(c)).toBe(30n);
    c.close();
    c = groupCoordinator(log, scheduler);
    expect(await fetched(c)).toBe(30n);
  });
});
