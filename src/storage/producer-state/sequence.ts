/**
 * Sequence arithmetic with Kafka's wrap from Int32.MAX_VALUE to 0
 * (DefaultRecordBatch.incrementSequence / decrementSequence, ProducerAppendInfo.inSequence).
 */
import { INT32_MAX } from './constants.js';

export function incrementSequence(sequence: number, increment: number): number {
  if (sequence > INT32_MAX - increment) return increment - (INT32_MAX - sequence) - 1;
  return sequence + increment;
}

export function decrementSequence(sequence: number, decrement: number): number {
  if (sequence < decrement) return INT32_MAX - (decrement - sequence) + 1;
  return sequence - decrement;
}

/** True when nextSeq directly follows lastSeq (lastSeq -1 means "expect 0"). */
export function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === INT32_MAX);
}
