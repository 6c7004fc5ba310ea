/** Shapes shared by the producer-state modules. */

/**
 * The batch-header fields producer state needs. `BatchHeader` (src/protocol/records/batch-header.ts)
 * satisfies it structurally; tests may pass plain objects.
 */
export interface ProducerBatch {
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  /** baseSequence + lastOffsetDelta, wrapping at Int32.MAX_VALUE to 0. */
  readonly lastSequence: number;
  readonly lastOffsetDelta: number;
  readonly maxTimestamp: bigint;
  readonly isTransactional: boolean;
  readonly isControl: boolean;
}

/** A batch read back from the log (its baseOffset is the real offset). */
export interface LoggedProducerBatch extends ProducerBatch {
  readonly baseOffset: bigint;
}

/**
 * Kafka's AppendOrigin as far as producer state cares: CLIENT (produce requests: full validation
 * and duplicate detection), COORDINATOR (group/transaction coordinator writes: epoch check only),
 * REPLICATION (follower fetch and log recovery: nothing is rejected, a stale epoch is only logged).
 */
export type AppendOrigin = 'client' | 'coordinator' | 'replication';

/** Control record types of a transaction marker (ControlRecordType: ABORT = 0, COMMIT = 1). */
export const ControlType = { ABORT: 0, COMMIT: 1 } as const;

/** The decoded content of a transaction marker batch's single control record. */
export interface EndTxnMarker {
  /** ControlType.ABORT (0) or ControlType.COMMIT (1). */
  readonly controlType: number;
  readonly coordinatorEpoch: number;
}

/** A transaction ended by a COMMIT/ABORT marker (Kafka's CompletedTxn). */
export interface CompletedTxn {
  readonly producerId: bigint;
  readonly firstOffset: bigint;
  /** Offset of the marker. */
  readonly lastOffset: bigint;
  readonly isAborted: boolean;
}

/** An open or completed-but-unreplicated transaction (Kafka's TxnMetadata). */
export interface TxnMetadata {
  readonly producerId: bigint;
  readonly firstOffset: bigint;
  /** Marker offset once completed, else null. */
  lastOffset: bigint | null;
}

/** Minimal synchronous file system; the project's StorageFs (src/storage/fs/) satisfies it. */
export interface ProducerSnapshotFs {
  writeFileSync(path: string, data: Buffer): void;
  readFileSync(path: string): Buffer;
  readdirSync(dir: string): string[];
  unlinkSync(path: string): void;
  renameSync(from: string, to: string): void;
  existsSync(path: string): boolean;
  /** Optional: make a written file durable (Kafka forces the snapshot channel before closing it). */
  fsyncFileSync?(path: string): void;
}

export interface ProducerStateLogger {
  info(msg: string): void;
  warn(msg: string): void;
}
