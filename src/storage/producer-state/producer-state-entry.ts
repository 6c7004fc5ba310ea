/**
 * The state of one producer id on one partition, as Kafka's ProducerStateEntry
 * (storage/.../log/ProducerStateEntry.java): epoch, coordinator epoch, last timestamp, the first
 * offset of its open transaction, and the metadata of its last NUM_BATCHES_TO_RETAIN (5) batches,
 * oldest first. A new epoch clears the batch metadata (sequences restart at 0).
 */
import { BatchMetadata } from './batch-metadata.js';
import { NO_PRODUCER_EPOCH, NO_SEQUENCE, NO_TIMESTAMP, NUM_BATCHES_TO_RETAIN } from './constants.js';

export class ProducerStateEntry {
  private readonly batches: BatchMetadata[] = [];
  private epoch: number;
  private coordEpoch: number;
  private lastTs: bigint;
  private txnFirstOffset: bigint | null;

  constructor(
    readonly producerId: bigint,
    producerEpoch: number,
    coordinatorEpoch: number,
    lastTimestamp: bigint,
    currentTxnFirstOffset: bigint | null,
    firstBatchMetadata?: BatchMetadata,
  ) {
    this.epoch = producerEpoch;
    this.coordEpoch = coordinatorEpoch;
    this.lastTs = lastTimestamp;
    this.txnFirstOffset = currentTxnFirstOffset;
    if (firstBatchMetadata) this.batches.push(firstBatchMetadata);
  }

  /** ProducerStateEntry.empty: epoch -1, coordinator epoch -1, timestamp -1, no batches. */
  static empty(producerId: bigint): ProducerStateEntry {
    return new ProducerStateEntry(producerId, NO_PRODUCER_EPOCH, -1, NO_TIMESTAMP, null);
  }

  get producerEpoch(): number { return this.epoch; }
  get coordinatorEpoch(): number { return this.coordEpoch; }
  get lastTimestamp(): bigint { return this.lastTs; }
  /** First offset of the producer's ongoing transaction, or null. */
  get currentTxnFirstOffset(): bigint | null { return this.txnFirstOffset; }

  get isEmpty(): boolean { return this.batches.length === 0; }
  get firstSeq(): number { return this.isEmpty ? NO_SEQUENCE : this.batches[0]!.firstSeq; }
  get lastSeq(): number { return this.isEmpty ? NO_SEQUENCE : this.batches[this.batches.length - 1]!.lastSeq; }
  get firstDataOffset(): bigint { return this.isEmpty ? -1n : this.batches[0]!.firstOffset; }
  get lastDataOffset(): bigint { return this.isEmpty ? -1n : this.batches[this.batches.length - 1]!.lastOffset; }
  get lastOffsetDelta(): number { return this.isEmpty ? 0 : this.batches[this.batches.length - 1]!.offsetDelta; }

  /** Retained batch metadata, oldest first. */
  batchMetadata(): readonly BatchMetadata[] {
    return this.batches;
  }

  addBatch(producerEpoch: number, lastSeq: number, lastOffset: bigint, offsetDelta: number, timestamp: bigint): void {
    this.maybeUpdateProducerEpoch(producerEpoch);
    if (this.batches.length === NUM_BATCHES_TO_RETAIN) this.batches.shift();
    this.batches.push(new BatchMetadata(lastSeq, lastOffset, offsetDelta, timestamp));
    this.lastTs = timestamp;
  }

  /** A different epoch clears the retained batches; returns whether the epoch changed. */
  maybeUpdateProducerEpoch(producerEpoch: number): boolean {
    if (this.epoch === producerEpoch) return false;
    this.batches.length = 0;
    this.epoch = producerEpoch;
    return true;
  }

  /** What a transaction marker does (ProducerStateEntry.update(epoch, coordinatorEpoch, lastTimestamp)). */
  updateForMarker(producerEpoch: number, coordinatorEpoch: number, timestamp: bigint): void {
    this.maybeUpdateProducerEpoch(producerEpoch);
    this.coordEpoch = coordinatorEpoch;
    this.txnFirstOffset = null;
    this.lastTs = timestamp;
  }

  setCurrentTxnFirstOffset(firstOffset: bigint | null): void {
    this.txnFirstOffset = firstOffset;
  }

  /** The retained batch this one duplicates: same epoch and exactly the same sequence range. */
  findDuplicateBatch(batch: { producerEpoch: number; baseSequence: number; lastSequence: number }): BatchMetadata | undefined {
    if (batch.producerEpoch !== this.epoch) return undefined;
    return this.batchWithSequenceRange(batch.baseSequence, batch.lastSequence);
  }

  batchWithSequenceRange(firstSeq: number, lastSeq: number): BatchMetadata | undefined {
    return this.batches.find((b) => b.firstSeq === firstSeq && b.lastSeq === lastSeq);
  }
}
