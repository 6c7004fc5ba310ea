/**
 * Constants of Kafka's per-partition producer state (storage module,
 * org/apache/kafka/storage/internals/log/ProducerStateEntry.java, ProducerStateManager.java).
 */

/** ProducerStateEntry.NUM_BATCHES_TO_RETAIN: metadata of the last 5 batches per producer. */
export const NUM_BATCHES_TO_RETAIN = 5;

/** producer.id.expiration.ms default (KIP-854, Kafka 3.4+): one day. */
export const DEFAULT_PRODUCER_ID_EXPIRATION_MS = 86_400_000;

/** transaction.max.timeout.ms default, used by hasLateTransaction. */
export const DEFAULT_MAX_TRANSACTION_TIMEOUT_MS = 900_000;

/** ProducerStateManager.LATE_TRANSACTION_BUFFER_MS (5 minutes). */
export const LATE_TRANSACTION_BUFFER_MS = 5 * 60 * 1000;

export const NO_PRODUCER_ID = -1n;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
export const NO_TIMESTAMP = -1n;
export const INT32_MAX = 0x7fffffff;
