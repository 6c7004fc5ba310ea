export { BatchMetadata } from './batch-metadata.js';
export {
  DEFAULT_MAX_TRANSACTION_TIMEOUT_MS,
  DEFAULT_PRODUCER_ID_EXPIRATION_MS,
  LATE_TRANSACTION_BUFFER_MS,
  NUM_BATCHES_TO_RETAIN,
} from './constants.js';
export { ProducerAppendInfo, type DuplicateBatch, type PrepareAppendResult, type ProducerStateError } from './producer-append-info.js';
export {
  CorruptSnapshotError,
  PRODUCER_SNAPSHOT_FILE_SUFFIX,
  PRODUCER_SNAPSHOT_VERSION,
  offsetFromSnapshotFileName,
  producerSnapshotFileName,
  readProducerSnapshot,
  writeProducerSnapshot,
} from './producer-snapshot.js';
export { ProducerStateEntry } from './producer-state-entry.js';
export {
  ProducerStateManager,
  type PrepareAppendOptions,
  type ProducerStateManagerOptions,
  type RebuiltCompletedTxn,
} from './producer-state-manager.js';
export { toProducerSnapshotFs } from './snapshot-fs.js';
export { decrementSequence, incrementSequence, inSequence } from './sequence.js';
export {
  ControlType,
  type AppendOrigin,
  type CompletedTxn,
  type EndTxnMarker,
  type LoggedProducerBatch,
  type ProducerBatch,
  type ProducerSnapshotFs,
  type ProducerStateLogger,
  type TxnMetadata,
} from './types.js';
