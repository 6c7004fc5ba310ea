/**
 * Metadata of one appended batch of a producer, as Kafka's BatchMetadata
 * (storage/.../log/BatchMetadata.java): the last sequence, last offset, the offset delta
 * (lastOffset - firstOffset, which is also the sequence delta) and the batch's max timestamp.
 */
import { decrementSequence } from './sequence.js';

export class BatchMetadata {
  constructor(
    readonly lastSeq: number,
    readonly lastOffset: bigint,
    readonly offsetDelta: number,
    readonly timestamp: bigint,
  ) {}

  get firstSeq(): number {
    return decrementSequence(this.lastSeq, this.offsetDelta);
  }

  get firstOffset(): bigint {
    return this.lastOffset - BigInt(this.offsetDelta);
  }
}
