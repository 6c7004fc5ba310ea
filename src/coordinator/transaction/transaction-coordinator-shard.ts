/**
 * The transaction coordinator's state machine for one __transaction_state partition (Kafka's
 * TransactionStateManager for that partition + the transitions of TransactionCoordinator and
 * TransactionMetadata). Every transition is a TransactionLogValue record; the map of
 * transactional ids changes only by replaying records, at load and after each append. What the
 * records do not carry (the epoch before the last bump, used by KIP-360 retries) is kept in memory,
 * as Kafka keeps lastProducerEpoch.
 *
 * Operations are synchronous (state, request, now) -> records + response; the service
 * (transaction-coordinator.ts) writes the transaction markers between PrepareCommit/PrepareAbort
 * and CompleteCommit/CompleteAbort.
 */
import { ErrorCode } from '../../protocol/error-codes.js';
import type { CoordinatorRecord } from '../../protocol/coordinator-record-serde.js';
import type { CoordinatorResult, CoordinatorShard, ShardContext } from '../runtime/coordinator-runtime.js';
import {
  MAX_PRODUCER_EPOCH,
  NO_PRODUCER_EPOCH,
  TxnState,
  copyPartitions,
  metadataFromRecord,
  transactionRecord,
  type TransactionMetadata,
  type TxnStateId,
} from './transaction-metadata.js';

type Result<T> = CoordinatorResult<T, CoordinatorRecord>;

/** Markers to write after a PrepareCommit/PrepareAbort record, then the Complete record. */
export interface PendingCompletion {
  transactionalId: string;
  producerId: bigint;
  producerEpoch: number;
  commit: boolean;
  partitions: { topic: string; partition: number }[];
}

export interface InitProducerIdResult {
  errorCode: number;
  producerId: bigint;
  producerEpoch: number;
  /** Set when re-initialising fenced and aborted an ongoing transaction. */
  completion?: PendingCompletion;
}

export interface EndTxnResult {
  errorCode: number;
  completion?: PendingCompletion;
}

function completionOf(m: TransactionMetadata, commit: boolean): PendingCompletion {
  const partitions: { topic: string; partition: number }[] = [];
  for (const [topic, ids] of m.partitions) for (const partition of ids) partitions.push({ topic, partition });
  return { transactionalId: m.transactionalId, producerId: m.producerId, producerEpoch: m.producerEpoch, commit, partitions };
}

export class TransactionCoordinatorShard implements CoordinatorShard<CoordinatorRecord> {
  readonly transactions = new Map<string, TransactionMetadata>();
  /** Kafka's lastProducerEpoch: the epoch before the last bump (in memory only). */
  private readonly lastProducerEpochs = new Map<string, number>();

  constructor(private readonly context: ShardContext<CoordinatorRecord>) {}

  replay(_offset: bigint, _producerId: bigint, _producerEpoch: number, record: CoordinatorRecord): void {
    const m = metadataFromRecord(record);
    const { transactionalId } = record.key as { transactionalId: string };
    if (m === null) {
      this.transactions.delete(transactionalId);
      this.lastProducerEpochs.delete(transactionalId);
    } else {
      this.transactions.set(transactionalId, m);
    }
  }

  private write<T>(m: TransactionMetadata, response: T): Result<T> {
    return { records: [transactionRecord(m)], response };
  }

  /** Kafka's TransactionCoordinator.handleInitProducerId for a transactional id (the timeout is validated by the service). */
  initProducerId(transactionalId: string, timeoutMs: number, expected: { producerId: bigint; producerEpoch: number } | null, generateProducerId: () => bigint): Result<InitProducerIdResult> {
    const now = this.context.now();
    const fail = (errorCode: number): Result<InitProducerIdResult> => ({ records: [], response: { errorCode, producerId: -1n, producerEpoch: -1 } });
    let current = this.transactions.get(transactionalId);
    if (!current) {
      current = { transactionalId, producerId: generateProducerId(), producerEpoch: NO_PRODUCER_EPOCH, timeoutMs, state: TxnState.Empty, partitions: new Map(), startTimestampMs: -1, lastUpdateTimestampMs: now };
    }
    // isValidProducerId: a just-created id accepts any expected producer, otherwise the id must match.
    if (expected !== null && current.producerEpoch !== NO_PRODUCER_EPOCH && expected.producerId !== current.producerId) return fail(ErrorCode.PRODUCER_FENCED);
    switch (current.state) {
      case TxnState.PrepareAbort:
      case TxnState.PrepareCommit:
      case TxnState.PrepareEpochFence:
        return fail(ErrorCode.CONCURRENT_TRANSACTIONS);
      case TxnState.Dead:
        return fail(ErrorCode.INVALID_TXN_STATE);
      case TxnState.Ongoing: {
        // Fence the producer (epoch + 1) and abort its transaction; the client retries InitProducerId.
        const fenced = this.fence(current, now);
        return this.write(fenced, { errorCode: ErrorCode.CONCURRENT_TRANSACTIONS, producerId: -1n, producerEpoch: -1, completion: completionOf(fenced, false) });
      }
      default: {
        // TransactionMetadata.prepareIncrementProducerEpoch / prepareProducerIdRotation.
        const lastEpoch = this.lastProducerEpochs.get(transactionalId) ?? NO_PRODUCER_EPOCH;
        let producerId = current.producerId;
        let producerEpoch: number;
        let nextLastEpoch: number;
        if (current.producerEpoch >= MAX_PRODUCER_EPOCH && (expected === null || expected.producerEpoch === current.producerEpoch)) {
          producerId = generateProducerId();
          producerEpoch = 0;
          nextLastEpoch = NO_PRODUCER_EPOCH;
        } else if (expected === null) {
          producerEpoch = current.producerEpoch + 1;
          nextLastEpoch = NO_PRODUCER_EPOCH;
        } else if (current.producerEpoch === NO_PRODUCER_EPOCH || expected.producerEpoch === current.producerEpoch) {
          producerEpoch = current.producerEpoch + 1;
          nextLastEpoch = current.producerEpoch;
        } else if (expected.producerEpoch === lastEpoch) {
          // KIP-360: a retry of the bump that already happened keeps the current epoch.
          producerEpoch = current.producerEpoch;
          nextLastEpoch = lastEpoch;
        } else {
          return fail(ErrorCode.PRODUCER_FENCED);
        }
        if (nextLastEpoch === NO_PRODUCER_EPOCH) this.lastProducerEpochs.delete(transactionalId);
        else this.lastProducerEpochs.set(transactionalId, nextLastEpoch);
        const next: TransactionMetadata = { transactionalId, producerId, producerEpoch, timeoutMs, state: TxnState.Empty, partitions: new Map(), startTimestampMs: -1, lastUpdateTimestampMs: now };
        return this.write(next, { errorCode: ErrorCode.NONE, producerId, producerEpoch });
      }
    }
  }

  /** TransactionMetadata.prepareFenceProducerEpoch + the abort: epoch + 1 (kept when exhausted), PrepareAbort. */
  private fence(m: TransactionMetadata, now: number): TransactionMetadata {
    const producerEpoch = m.producerEpoch >= MAX_PRODUCER_EPOCH ? m.producerEpoch : m.producerEpoch + 1;
    this.lastProducerEpochs.set(m.transactionalId, m.producerEpoch);
    return { ...m, partitions: copyPartitions(m.partitions), producerEpoch, state: TxnState.PrepareAbort, lastUpdateTimestampMs: now };
  }

  private validateProducer(m: TransactionMetadata | undefined, producerId: bigint, producerEpoch: number, isFromClient = true): number {
    if (!m || m.producerId !== producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    if ((isFromClient && producerEpoch !== m.producerEpoch) || producerEpoch < m.producerEpoch) return ErrorCode.PRODUCER_FENCED;
    return ErrorCode.NONE;
  }

  /** AddPartitionsToTxn / AddOffsetsToTxn (TransactionCoordinator.handleAddPartitionsToTransaction). */
  addPartitions(transactionalId: string, producerId: bigint, producerEpoch: number, partitions: readonly { topic: string; partition: number }[]): Result<number> {
    const m = this.transactions.get(transactionalId);
    const error = this.validateProducer(m, producerId, producerEpoch);
    if (error !== ErrorCode.NONE || !m) return { records: [], response: error };
    if (m.state === TxnState.PrepareCommit || m.state === TxnState.PrepareAbort || m.state === TxnState.PrepareEpochFence) return { records: [], response: ErrorCode.CONCURRENT_TRANSACTIONS };
    if (m.state === TxnState.Dead) return { records: [], response: ErrorCode.INVALID_TXN_STATE };
    if (m.state === TxnState.Ongoing && partitions.every((p) => m.partitions.get(p.topic)?.has(p.partition))) return { records: [], response: ErrorCode.NONE };
    const now = this.context.now();
    const next: TransactionMetadata = {
      ...m,
      partitions: copyPartitions(m.partitions),
      state: TxnState.Ongoing,
      startTimestampMs: m.state === TxnState.Ongoing ? m.startTimestampMs : now,
      lastUpdateTimestampMs: now,
    };
    for (const p of partitions) {
      let set = next.partitions.get(p.topic);
      if (!set) next.partitions.set(p.topic, (set = new Set()));
      set.add(p.partition);
    }
    return this.write(next, ErrorCode.NONE);
  }

  /** EndTxn (TransactionCoordinator.handleEndTransaction up to the PrepareCommit/PrepareAbort record). */
  endTransaction(transactionalId: string, producerId: bigint, producerEpoch: number, commit: boolean): Result<EndTxnResult> {
    const m = this.transactions.get(transactionalId);
    const error = this.validateProducer(m, producerId, producerEpoch);
    if (error !== ErrorCode.NONE || !m) return { records: [], response: { errorCode: error } };
    const done = (errorCode: number): Result<EndTxnResult> => ({ records: [], response: { errorCode } });
    switch (m.state) {
      case TxnState.Ongoing: {
        const next: TransactionMetadata = { ...m, partitions: copyPartitions(m.partitions), state: commit ? TxnState.PrepareCommit : TxnState.PrepareAbort, lastUpdateTimestampMs: this.context.now() };
        return this.write(next, { errorCode: ErrorCode.NONE, completion: completionOf(next, commit) });
      }
      case TxnState.CompleteCommit:
        return done(commit ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE);
      case TxnState.CompleteAbort:
        return done(commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.NONE);
      case TxnState.PrepareCommit:
        return done(commit ? ErrorCode.CONCURRENT_TRANSACTIONS : ErrorCode.INVALID_TXN_STATE);
      case TxnState.PrepareAbort:
        return done(commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.CONCURRENT_TRANSACTIONS);
      case TxnState.PrepareEpochFence:
        return done(ErrorCode.CONCURRENT_TRANSACTIONS);
      default:
        return done(ErrorCode.INVALID_TXN_STATE);
    }
  }

  /** After the markers: CompleteCommit / CompleteAbort with no partitions (TransactionMetadata.prepareComplete). */
  completeTransaction(c: PendingCompletion): Result<void> {
    const m = this.transactions.get(c.transactionalId);
    const expectedState: TxnStateId = c.commit ? TxnState.PrepareCommit : TxnState.PrepareAbort;
    if (!m || m.producerId !== c.producerId || m.producerEpoch !== c.producerEpoch || m.state !== expectedState) return { records: [], response: undefined };
    const next: TransactionMetadata = { ...m, partitions: new Map(), state: c.commit ? TxnState.CompleteCommit : TxnState.CompleteAbort, lastUpdateTimestampMs: this.context.now() };
    return this.write(next, undefined);
  }

  /** Ongoing transactions past their timeout: fenced (epoch + 1) and moved to PrepareAbort (abortTimedOutTransactions). */
  abortTimedOutTransactions(): Result<PendingCompletion[]> {
    const now = this.context.now();
    const records: CoordinatorRecord[] = [];
    const completions: PendingCompletion[] = [];
    for (const m of this.transactions.values()) {
      if (m.state !== TxnState.Ongoing || m.startTimestampMs + m.timeoutMs >= now) continue;
      const fenced = this.fence(m, now);
      records.push(transactionRecord(fenced));
      completions.push(completionOf(fenced, false));
      this.context.log.info({ transactionalId: m.transactionalId, producerId: String(m.producerId), timeoutMs: m.timeoutMs }, 'aborting timed-out transaction');
    }
    return { records, response: completions };
  }

  /** Transactions left between Prepare and Complete (after a load): their markers must be written again. */
  pendingCompletions(): PendingCompletion[] {
    const out: PendingCompletion[] = [];
    for (const m of this.transactions.values()) {
      if (m.state === TxnState.PrepareCommit) out.push(completionOf(m, true));
      else if (m.state === TxnState.PrepareAbort) out.push(completionOf(m, false));
    }
    return out;
  }
}
