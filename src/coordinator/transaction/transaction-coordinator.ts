/**
 * The transaction coordinator service (Kafka's TransactionCoordinator + TransactionStateManager +
 * the local half of TransactionMarkerChannelManager), on the shared coordinator runtime: each
 * transactional id lives on partition abs(String.hashCode) % transaction.state.log.num.partitions
 * of __transaction_state, whose records are replayed into TransactionCoordinatorShard.
 *
 * Ending a transaction: the PrepareCommit/PrepareAbort record is written, then a COMMIT/ABORT
 * marker to every partition of the transaction (MarkerWriter: through the partition's producer
 * state as origin COORDINATOR; for __consumer_offsets through the group coordinator, which applies
 * or drops the transactional offsets), then the CompleteCommit/CompleteAbort record. EndTxn is
 * answered after the Complete record (Kafka answers after Prepare and writes markers
 * asynchronously; meanwhile requests get CONCURRENT_TRANSACTIONS, as here).
 */
import type { Logger } from '../../logger.js';
import { ErrorCode, KafkaError } from '../../protocol/error-codes.js';
import type { CoordinatorRecord } from '../../protocol/coordinator-record-serde.js';
import type { ScheduledTask, Scheduler } from '../../storage/scheduler.js';
import { CoordinatorRuntime } from '../runtime/coordinator-runtime.js';
import { operationErrorCode, type OffsetsTopic } from '../group/group-coordinator.js';
import { partitionForKey } from '../group/java-string-hash.js';
import { TransactionCoordinatorShard, type InitProducerIdResult, type PendingCompletion } from './transaction-coordinator-shard.js';
import { TXN_STATE_NAMES, TxnState, transactionLogSerde, type TransactionMetadata } from './transaction-metadata.js';

export interface TransactionCoordinatorConfig {
  /** transaction.state.log.num.partitions */
  numPartitions: number;
  /** transaction.max.timeout.ms */
  maxTimeoutMs: number;
  /** transaction.abort.timed.out.transaction.cleanup.interval.ms */
  abortTimedOutIntervalMs: number;
  /** transaction.state.log.load.buffer.size */
  loadBufferSize: number;
  /** How long a write may wait to be committed (Kafka: request.timeout.ms of the append). */
  writeTimeoutMs: number;
}

export function defaultTransactionCoordinatorConfig(overrides: Partial<TransactionCoordinatorConfig> = {}): TransactionCoordinatorConfig {
  return { numPartitions: 50, maxTimeoutMs: 900000, abortTimedOutIntervalMs: 10000, loadBufferSize: 5242880, writeTimeoutMs: 5000, ...overrides };
}

/** Writes one transaction marker to a partition; resolves NONE or an error code. */
export type MarkerWriter = (topic: string, partition: number, producerId: bigint, producerEpoch: number, coordinatorEpoch: number, commit: boolean) => Promise<number>;

export interface TransactionCoordinatorOptions {
  config: TransactionCoordinatorConfig;
  topic: OffsetsTopic;
  writeMarker: MarkerWriter;
  generateProducerId: () => bigint;
  scheduler: Scheduler;
  now: () => number;
  log: Logger;
}

/** Kafka writes the partition leader epoch of __transaction_state; with one coordinator per partition and no failover here it is 0. */
const COORDINATOR_EPOCH = 0;

export interface DescribedTransaction {
  errorCode: number;
  transactionalId: string;
  transactionState: string;
  transactionTimeoutMs: number;
  transactionStartTimeMs: bigint;
  producerId: bigint;
  producerEpoch: number;
  topics: { topic: string; partitions: number[] }[];
}

export class TransactionCoordinator {
  readonly runtime: CoordinatorRuntime<TransactionCoordinatorShard, CoordinatorRecord>;
  private active = false;
  private abortTask: ScheduledTask | null = null;

  constructor(private readonly opts: TransactionCoordinatorOptions) {
    this.runtime = new CoordinatorRuntime<TransactionCoordinatorShard, CoordinatorRecord>({
      name: 'TransactionCoordinator',
      serde: transactionLogSerde,
      newShard: (context) => new TransactionCoordinatorShard(context),
      scheduler: opts.scheduler,
      now: opts.now,
      log: opts.log,
      writeTimeoutMs: opts.config.writeTimeoutMs,
      loadBufferBytes: opts.config.loadBufferSize,
    });
  }

  startup(): void {
    this.active = true;
    const n = this.opts.topic.numPartitions();
    if (n !== null) for (let p = 0; p < n; p++) this.ensureLoaded(p);
    const every = this.opts.config.abortTimedOutIntervalMs;
    this.abortTask = this.opts.scheduler.schedule(() => void this.abortTimedOutTransactions(), every, every);
  }

  close(): void {
    this.active = false;
    this.abortTask?.cancel();
    this.runtime.close();
  }

  get isActive(): boolean {
    return this.active;
  }

  numPartitions(): number {
    return this.opts.topic.numPartitions() ?? this.opts.config.numPartitions;
  }

  partitionFor(transactionalId: string): number {
    return partitionForKey(transactionalId, this.numPartitions());
  }

  /** Creates __transaction_state on first use (FindCoordinator with key type TRANSACTION). */
  ensureTopic(): { errorCode: number; errorMessage: string | null } {
    if (!this.active) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: null };
    return this.opts.topic.ensureExists?.() ?? { errorCode: this.opts.topic.numPartitions() === null ? ErrorCode.COORDINATOR_NOT_AVAILABLE : ErrorCode.NONE, errorMessage: null };
  }

  /** (Re)loads a partition this broker leads; transactions found between Prepare and Complete get their markers again. */
  ensureLoaded(partition: number): void {
    if (!this.active || !this.runtime.follow(partition, this.opts.topic.logFor(partition))) return;
    for (const c of this.runtime.shard(partition).pendingCompletions()) void this.complete(partition, c);
  }

  private partitionOf(transactionalId: string): number {
    if (!this.active) throw new KafkaError(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (this.opts.topic.numPartitions() === null) throw new KafkaError(ErrorCode.NOT_COORDINATOR);
    const p = this.partitionFor(transactionalId);
    this.ensureLoaded(p);
    return p;
  }

  /** Writes the markers of a transaction, then its Complete record; resolves NONE or the error that stopped it. */
  private async complete(partition: number, c: PendingCompletion): Promise<number> {
    const results = await Promise.all(c.partitions.map((p) => this.opts.writeMarker(p.topic, p.partition, c.producerId, c.producerEpoch, COORDINATOR_EPOCH, c.commit)));
    const failed = results.find((code) => code !== ErrorCode.NONE);
    if (failed !== undefined) {
      // Kafka retries markers until they are written; here the transaction stays in Prepare and is completed again at the next load.
      this.opts.log.warn({ transactionalId: c.transactionalId, error: failed }, 'writing transaction markers failed');
      return failed;
    }
    try {
      await this.runtime.write('complete-transaction', partition, (shard) => shard.completeTransaction(c));
      return ErrorCode.NONE;
    } catch (err) {
      return operationErrorCode(err);
    }
  }

  // ---- requests

  async initProducerId(transactionalId: string, timeoutMs: number, expected: { producerId: bigint; producerEpoch: number } | null): Promise<InitProducerIdResult> {
    const fail = (errorCode: number): InitProducerIdResult => ({ errorCode, producerId: -1n, producerEpoch: -1 });
    if (transactionalId === '') return fail(ErrorCode.INVALID_REQUEST);
    if (timeoutMs <= 0 || timeoutMs > this.opts.config.maxTimeoutMs) return fail(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    try {
      const partition = this.partitionOf(transactionalId);
      const result = await this.runtime.write('init-producer-id', partition, (shard) => shard.initProducerId(transactionalId, timeoutMs, expected, this.opts.generateProducerId));
      if (result.completion) void this.complete(partition, result.completion);
      return result;
    } catch (err) {
      return fail(operationErrorCode(err));
    }
  }

  async addPartitions(transactionalId: string, producerId: bigint, producerEpoch: number, partitions: readonly { topic: string; partition: number }[]): Promise<number> {
    if (transactionalId === '') return ErrorCode.INVALID_REQUEST;
    try {
      const partition = this.partitionOf(transactionalId);
      return await this.runtime.write('add-partitions', partition, (shard) => shard.addPartitions(transactionalId, producerId, producerEpoch, partitions));
    } catch (err) {
      return operationErrorCode(err);
    }
  }

  async endTransaction(transactionalId: string, producerId: bigint, producerEpoch: number, commit: boolean): Promise<number> {
    try {
      const partition = this.partitionOf(transactionalId);
      const result = await this.runtime.write('end-transaction', partition, (shard) => shard.endTransaction(transactionalId, producerId, producerEpoch, commit));
      if (result.errorCode !== ErrorCode.NONE || !result.completion) return result.errorCode;
      // The decision is durable once Prepare is written: a marker failure is logged and retried at the next load, the client sees success.
      await this.complete(partition, result.completion);
      return ErrorCode.NONE;
    } catch (err) {
      return operationErrorCode(err);
    }
  }

  /** Runs the timeout check of every loaded partition (the timer does it every transaction.abort.timed.out.transaction.cleanup.interval.ms). */
  async abortTimedOutTransactions(): Promise<void> {
    await Promise.all(
      this.runtime.activePartitions().map(async (p) => {
        try {
          const completions = await this.runtime.write('abort-timed-out', p, (shard) => shard.abortTimedOutTransactions());
          await Promise.all(completions.map((c) => this.complete(p, c)));
        } catch (err) {
          this.opts.log.warn({ partition: p, error: operationErrorCode(err) }, 'aborting timed-out transactions failed');
        }
      }),
    );
  }

  // ---- admin

  describe(transactionalId: string): DescribedTransaction {
    const none: DescribedTransaction = { errorCode: ErrorCode.NONE, transactionalId, transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: -1n, producerId: -1n, producerEpoch: -1, topics: [] };
    if (!this.active) return { ...none, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE };
    if (transactionalId === '') return { ...none, errorCode: ErrorCode.INVALID_REQUEST };
    let m: TransactionMetadata | undefined;
    try {
      const partition = this.partitionOf(transactionalId);
      m = this.runtime.read(partition, (shard) => shard.transactions.get(transactionalId));
    } catch (err) {
      return { ...none, errorCode: operationErrorCode(err) };
    }
    if (!m || m.state === TxnState.Dead) return { ...none, errorCode: ErrorCode.TRANSACTIONAL_ID_NOT_FOUND };
    return {
      errorCode: ErrorCode.NONE,
      transactionalId,
      transactionState: TXN_STATE_NAMES[m.state],
      transactionTimeoutMs: m.timeoutMs,
      transactionStartTimeMs: BigInt(m.startTimestampMs),
      producerId: m.producerId,
      producerEpoch: m.producerEpoch,
      topics: [...m.partitions].map(([topic, ids]) => ({ topic, partitions: [...ids].sort((a, b) => a - b) })),
    };
  }

  /** ListTransactions: states and producer ids filter when non-empty; durationMs >= 0 keeps transactions running at least that long. */
  list(stateFilters: readonly string[], producerIdFilters: readonly bigint[], durationMs: bigint): { transactionalId: string; producerId: bigint; transactionState: string }[] {
    const n = this.opts.topic.numPartitions();
    if (n !== null) for (let p = 0; p < n; p++) this.ensureLoaded(p);
    const states = new Set(stateFilters);
    const pids = new Set(producerIdFilters);
    const now = BigInt(this.opts.now());
    return this.runtime
      .readAll((shard) =>
        [...shard.transactions.values()]
          .filter((m) => m.state !== TxnState.Dead)
          .filter((m) => states.size === 0 || states.has(TXN_STATE_NAMES[m.state]))
          .filter((m) => pids.size === 0 || pids.has(m.producerId))
          // v1 (KIP-994): only transactions running at least durationMs (one that never started has no start time).
          .filter((m) => durationMs < 0n || (m.startTimestampMs >= 0 && now - BigInt(m.startTimestampMs) >= durationMs))
          .map((m) => ({ transactionalId: m.transactionalId, producerId: m.producerId, transactionState: TXN_STATE_NAMES[m.state] })),
      )
      .flat();
  }
}
