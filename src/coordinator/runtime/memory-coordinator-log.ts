/**
 * A CoordinatorLog held in memory, for state-machine tests and simulations: batches are kept as
 * appended; the high watermark follows the log end (autoCommit) or moves only when the test
 * says so; an append can be made to fail with a Kafka error.
 */
import { KafkaError } from '../../protocol/error-codes.js';
import { BASE_OFFSET, LAST_OFFSET_DELTA } from '../../protocol/records/batch-header.js';
import type { CoordinatorLog } from './coordinator-log.js';

export class MemoryCoordinatorLog implements CoordinatorLog {
  readonly batches: Buffer[] = [];
  private end = 0n;
  private hw = 0n;
  private failures: number[] = [];
  private readonly listeners = new Set<() => void>();

  constructor(private readonly autoCommit = true) {}

  get logStartOffset(): bigint {
    return 0n;
  }

  get logEndOffset(): bigint {
    return this.end;
  }

  get highWatermark(): bigint {
    return this.hw;
  }

  /** The next append throws KafkaError(code) and writes nothing. */
  failNextAppend(code: number): void {
    this.failures.push(code);
  }

  append(batch: Buffer): bigint {
    const failure = this.failures.shift();
    if (failure !== undefined) throw new KafkaError(failure);
    const copy = Buffer.from(batch);
    copy.writeBigInt64BE(this.end, BASE_OFFSET);
    const last = this.end + BigInt(copy.readInt32BE(LAST_OFFSET_DELTA));
    this.batches.push(copy);
    this.end = last + 1n;
    if (this.autoCommit) this.commitTo(this.end);
    return last;
  }

  /** Moves the high watermark (never past the log end). */
  commitTo(offset: bigint): void {
    this.hw = offset > this.end ? this.end : offset;
    for (const l of [...this.listeners]) l();
  }

  read(offset: bigint, _maxBytes: number): Buffer[] {
    return this.batches.filter((b) => b.readBigInt64BE(BASE_OFFSET) + BigInt(b.readInt32BE(LAST_OFFSET_DELTA)) >= offset);
  }

  onHighWatermark(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
