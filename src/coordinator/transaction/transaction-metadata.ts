/**
 * A transactional id's state (Kafka's TransactionMetadata / TransactionState) and its record in
 * __transaction_state: key TransactionLogKey v0 (the transactional id), value TransactionLogValue
 * v0, as Kafka 3.x's TransactionLog writes them (key and value each prefixed with their int16
 * version, coordinator-record-serde.ts). A null value is a tombstone.
 */
import { decodeCoordinatorRecord, encodeCoordinatorRecord, type CoordinatorRecord } from '../../protocol/coordinator-record-serde.js';
import type { TransactionLogKey } from '../../protocol/generated/transaction-coordinator/transaction-log-key.js';
import type { TransactionLogValue } from '../../protocol/generated/transaction-coordinator/transaction-log-value.js';
import type { CoordinatorRecordSerde } from '../runtime/coordinator-runtime.js';

/** TransactionState ids as stored in TransactionLogValue.TransactionStatus. */
export const TxnState = {
  Empty: 0,
  Ongoing: 1,
  PrepareCommit: 2,
  PrepareAbort: 3,
  CompleteCommit: 4,
  CompleteAbort: 5,
  Dead: 6,
  PrepareEpochFence: 7,
} as const;
export type TxnStateId = (typeof TxnState)[keyof typeof TxnState];

/** The names DescribeTransactions and ListTransactions use (TransactionState.stateName). */
export const TXN_STATE_NAMES = ['Empty', 'Ongoing', 'PrepareCommit', 'PrepareAbort', 'CompleteCommit', 'CompleteAbort', 'Dead', 'PrepareEpochFence'] as const;

/** RecordBatch.NO_PRODUCER_EPOCH */
export const NO_PRODUCER_EPOCH = -1;
/** Short.MAX_VALUE - 1: past it the producer id is rotated (TransactionMetadata.isEpochExhausted). */
export const MAX_PRODUCER_EPOCH = 32766;

export interface TransactionMetadata {
  transactionalId: string;
  producerId: bigint;
  producerEpoch: number;
  timeoutMs: number;
  state: TxnStateId;
  /** topic -> partitions in the transaction. */
  partitions: Map<string, Set<number>>;
  /** -1 when no transaction ran yet. */
  startTimestampMs: number;
  lastUpdateTimestampMs: number;
}

export const TRANSACTION_LOG_RECORD_TYPE = 0;
export const TRANSACTION_LOG_VALUE_VERSION = 0;

export function copyPartitions(p: ReadonlyMap<string, ReadonlySet<number>>): Map<string, Set<number>> {
  return new Map([...p].map(([t, s]) => [t, new Set(s)]));
}

export function transactionRecord(m: TransactionMetadata): CoordinatorRecord {
  const partitions = [...m.partitions].map(([topic, ids]) => ({ topic, partitionIds: [...ids].sort((a, b) => a - b) }));
  const value: TransactionLogValue = {
    producerId: m.producerId,
    previousProducerId: -1n,
    nextProducerId: -1n,
    producerEpoch: m.producerEpoch,
    transactionTimeoutMs: m.timeoutMs,
    transactionStatus: m.state,
    // TransactionLog.valueToBytes writes no partition list for an Empty transaction.
    transactionPartitions: m.state === TxnState.Empty ? null : partitions,
    transactionLastUpdateTimestampMs: BigInt(m.lastUpdateTimestampMs),
    transactionStartTimestampMs: BigInt(m.startTimestampMs),
    clientTransactionVersion: 0,
  };
  const key: TransactionLogKey = { transactionalId: m.transactionalId };
  return { type: TRANSACTION_LOG_RECORD_TYPE, key, value: { version: TRANSACTION_LOG_VALUE_VERSION, data: value } };
}

export function metadataFromRecord(record: CoordinatorRecord): TransactionMetadata | null {
  const { transactionalId } = record.key as TransactionLogKey;
  if (record.value === null) return null;
  const v = record.value.data as TransactionLogValue;
  const partitions = new Map<string, Set<number>>();
  for (const p of v.transactionPartitions ?? []) partitions.set(p.topic, new Set(p.partitionIds));
  return {
    transactionalId,
    producerId: v.producerId,
    producerEpoch: v.producerEpoch,
    timeoutMs: v.transactionTimeoutMs,
    state: v.transactionStatus as TxnStateId,
    partitions,
    startTimestampMs: Number(v.transactionStartTimestampMs),
    lastUpdateTimestampMs: Number(v.transactionLastUpdateTimestampMs),
  };
}

export const transactionLogSerde: CoordinatorRecordSerde<CoordinatorRecord> = {
  serialize: (record) => encodeCoordinatorRecord('__transaction_state', record),
  deserialize: (key, value) => {
    if (key.length < 2 || key.readInt16BE(0) !== TRANSACTION_LOG_RECORD_TYPE) return null;
    return decodeCoordinatorRecord('__transaction_state', key, value);
  },
};
