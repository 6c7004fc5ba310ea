/**
 * Transaction state while the cleaner walks a log (Kafka's CleanedTransactionMetadata): which
 * transactional batches belong to aborted transactions (so their records can be removed) and
 * when a COMMIT or ABORT marker may go (only once no batch of its transaction is left).
 *
 * Aborted transactions come from the transaction index in Kafka (collectAbortedTransactions).
 * This broker has no transaction index yet: the `abortedTransactions` source is the hook for it.
 * Until one is supplied (`abortedTransactionsKnown` false) nothing is treated as aborted and ABORT
 * markers are always kept, so read_committed consumers never see aborted data made visible by
 * cleaning. Control batches are never filtered by key, whatever the source.
 */
import type { BatchHeader } from '../../protocol/records/batch-header.js';
import { ControlRecordType } from '../../protocol/records/control-records.js';

/** An aborted transaction as the transaction index records it (Kafka's AbortedTxn). */
export interface AbortedTxn {
  producerId: bigint;
  firstOffset: bigint;
  lastOffset: bigint;
  lastStableOffset: bigint;
}

interface AbortedTxnState {
  txn: AbortedTxn;
  lastObservedBatchOffset: bigint | null;
}

export class CleanedTransactionMetadata {
  private readonly ongoingCommittedTxns = new Set<bigint>();
  private readonly ongoingAbortedTxns = new Map<bigint, AbortedTxnState>();
  /** Sorted by firstOffset; consumed from the front. */
  private pending: AbortedTxn[] = [];
  /** Aborted transactions whose markers were kept (the cleaned transaction index, once there is one). */
  readonly retainedAbortedTxns: AbortedTxn[] = [];

  constructor(readonly abortedTransactionsKnown: boolean) {}

  addAbortedTransactions(txns: readonly AbortedTxn[]): void {
    if (txns.length === 0) return;
    this.pending = [...this.pending, ...txns].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0));
  }

  private consumeAbortedTxnsUpTo(offset: bigint): void {
    while (this.pending.length > 0 && this.pending[0]!.firstOffset <= offset) {
      const txn = this.pending.shift()!;
      if (!this.ongoingAbortedTxns.has(txn.producerId)) this.ongoingAbortedTxns.set(txn.producerId, { txn, lastObservedBatchOffset: null });
    }
  }

  /**
   * A control batch was read; `controlType` is its first record's type (null for an empty,
   * already cleaned control batch). True when the marker can be discarded.
   */
  onControlBatchRead(batch: BatchHeader, controlType: number | null): boolean {
    this.consumeAbortedTxnsUpTo(batch.lastOffset);
    if (controlType === null) return true;
    const producerId = batch.producerId;
    switch (controlType) {
      case ControlRecordType.Abort: {
        const state = this.ongoingAbortedTxns.get(producerId);
        this.ongoingAbortedTxns.delete(producerId);
        if (!this.abortedTransactionsKnown) return false;
        if (state && state.lastObservedBatchOffset !== null) {
          this.retainedAbortedTxns.push(state.txn);
          return false;
        }
        return true;
      }
      case ControlRecordType.Commit:
        return !this.ongoingCommittedTxns.delete(producerId);
      default:
        return false;
    }
  }

  /** A data batch was read; true when it belongs to an aborted transaction (its records can go). */
  onBatchRead(batch: BatchHeader): boolean {
    this.consumeAbortedTxnsUpTo(batch.lastOffset);
    if (!batch.isTransactional) return false;
    const state = this.ongoingAbortedTxns.get(batch.producerId);
    if (state) {
      state.lastObservedBatchOffset = batch.lastOffset;
      return true;
    }
    this.ongoingCommittedTxns.add(batch.producerId);
    return false;
  }
}
