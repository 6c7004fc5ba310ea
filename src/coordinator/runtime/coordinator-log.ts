/**
 * The log a coordinator partition writes to and loads from: one partition of an internal topic
 * (__consumer_offsets, __transaction_state). The runtime builds the record batches; the log
 * assigns offsets and tells when the high watermark (what is committed) moves.
 */
export interface CoordinatorLog {
  readonly logStartOffset: bigint;
  readonly logEndOffset: bigint;
  /** Offsets below it are committed (replicated to the ISR; with one replica, written). */
  readonly highWatermark: bigint;
  /** Appends one v2 record batch (patched in place with its offsets); returns its last offset. Throws KafkaError. */
  append(batch: Buffer): bigint;
  /** Whole batches from `offset` (at least one when any), up to about maxBytes, below the log end. */
  read(offset: bigint, maxBytes: number): Buffer[];
  /** Calls `listener` whenever the high watermark may have moved; returns the unsubscribe function. */
  onHighWatermark(listener: () => void): () => void;
}
