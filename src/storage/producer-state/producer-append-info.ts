/**
 * Results of ProducerStateManager.prepareAppend: a validated append (to commit after the log
 * append succeeded), a duplicate of a retained batch (answer with its original offsets, append
 * nothing), or a Kafka error code for the partition response.
 */
import type { BatchMetadata } from './batch-metadata.js';
import { NO_PRODUCER_ID } from './constants.js';
import type { EndTxnMarker } from './types.js';

/**
 * A batch that passed validation. Nothing has changed yet: hand it to commitAppend once the batch
 * is in the log, or drop it if the append failed. A batch without a producer id yields an info
 * with producerId -1, whose commit only moves the map end offset.
 */
export class ProducerAppendInfo {
  readonly kind = 'append' as const;

  /** @internal Built by ProducerStateManager.prepareAppend. */
  constructor(
    readonly producerId: bigint,
    readonly producerEpoch: number,
    readonly firstSeq: number,
    readonly lastSeq: number,
    readonly isTransactional: boolean,
    /** The transaction marker of a control batch, else null. */
    readonly marker: EndTxnMarker | null,
    /** A control batch with no records (its transaction was cleaned away): no state change. */
    readonly isEmptyControl: boolean,
    /** @internal the manager's modification count at prepare time */
    readonly stateVersion: number,
  ) {}

  get hasProducerId(): boolean {
    return this.producerId !== NO_PRODUCER_ID;
  }
}

/**
 * The batch repeats one of the producer's retained batches (same epoch, same first and last
 * sequence). Kafka appends nothing and answers NONE with the original batch's base offset, and
 * (UnifiedLog.append) sets the response's logAppendTime to the original batch's max timestamp.
 */
export interface DuplicateBatch {
  readonly kind: 'duplicate';
  readonly firstOffset: bigint;
  readonly lastOffset: bigint;
  readonly timestamp: bigint;
  readonly batch: BatchMetadata;
}

/** Validation failed; errorCode is the Kafka error code for the partition's produce response. */
export interface ProducerStateError {
  readonly kind: 'error';
  readonly errorCode: number;
  readonly message: string;
}

export type PrepareAppendResult = ProducerAppendInfo | DuplicateBatch | ProducerStateError;
