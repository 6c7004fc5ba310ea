/**
 * The coordinator runtime (Kafka's CoordinatorRuntime), shared by the group coordinator and, later,
 * the transaction coordinator. Principle 5: a coordinator is records + replay.
 *
 * - A coordinator's state is split by partition of its internal topic; each partition has a shard
 *   (the state machine) built by `newShard` and driven only through this runtime.
 * - A write operation turns (shard state, request, now) into records and a response
 *   (CoordinatorResult). The records become one batch appended to the partition's log; once the
 *   append succeeded they are replayed into the shard (unless the operation applied its change
 *   itself, `replayRecords: false`), and the response is released when the high watermark passes
 *   the batch, i.e. when the records are committed. An append that fails changes nothing that was
 *   replayed, and `onComplete(error)` lets the operation undo what it changed by hand.
 *   An operation without records is released once everything written before it is committed.
 * - Loading a partition (start-up, or becoming its leader) is a replay of its log from the start,
 *   followed by `onLoaded` (which registers timers). Unloading fails waiting responses with
 *   NOT_COORDINATOR and cancels the partition's timers.
 * - Timers (session timeouts, rebalance timeouts, offset expiration) are keyed per partition and go
 *   through the injected Scheduler; a fired timer runs as a write operation.
 *
 * Everything here is synchronous except the release of responses, so tests drive a shard with a
 * MemoryCoordinatorLog and a ManualScheduler, without sockets or real time.
 */
import type { Logger } from '../../logger.js';
import { ErrorCode, KafkaError } from '../../protocol/error-codes.js';
import { BatchHeader } from '../../protocol/records/batch-header.js';
import { iterateBatches } from '../../protocol/records/batch-iterator.js';
import { buildRecordBatchSync } from '../../protocol/records/build-batch.js';
import { CompressionType } from '../../protocol/records/batch-header.js';
import { iterateRecordsSync } from '../../protocol/records/read-records.js';
import { ControlRecordType, buildEndTxnMarker, encodeControlRecordKey, encodeEndTxnMarkerValue } from '../../protocol/records/control-records.js';
import type { ScheduledTask, Scheduler } from '../../storage/scheduler.js';
import type { CoordinatorLog } from './coordinator-log.js';
import { KeyedTimer, type CoordinatorTimer } from './coordinator-timer.js';

export interface CoordinatorResult<T, R> {
  records: R[];
  response: T;
  /** Replay the records into the shard once appended (default true). False when the operation already changed the state itself. */
  replayRecords?: boolean;
  /** Called when the records are committed (null) or failed to be written (the error): Kafka's appendFuture. */
  onComplete?: (error: KafkaError | null) => void;
}

/** A timer's operation: runs as a write operation when the timer fires. */
export type TimerOperation<R> = () => CoordinatorResult<unknown, R>;

/** The producer of a transactional write (TxnOffsetCommit): its records carry the producer id and wait for a transaction marker. */
export interface TransactionalProducer {
  producerId: bigint;
  producerEpoch: number;
}

export interface ShardContext<R> {
  partition: number;
  timer: CoordinatorTimer<TimerOperation<R>>;
  now(): number;
  log: Logger;
}

export interface CoordinatorShard<R> {
  /** Applies one record of the log (at load, or after an append). */
  replay(offset: bigint, producerId: bigint, producerEpoch: number, record: R): void;
  /** Applies a control record (transaction marker); optional until transactions exist. */
  replayControl?(offset: bigint, producerId: bigint, producerEpoch: number, key: Buffer | null, value: Buffer | null): void;
  /** The partition was loaded: register timers. */
  onLoaded?(): void;
  /** The partition is going away: answer parked requests. */
  onUnloaded?(): void;
}

export interface CoordinatorRecordSerde<R> {
  serialize(record: R): { key: Buffer; value: Buffer | null };
  /** null skips a record this coordinator does not handle. */
  deserialize(key: Buffer, value: Buffer | null): R | null;
}

export interface CoordinatorRuntimeOptions<S extends CoordinatorShard<R>, R> {
  /** For log lines, e.g. "GroupCoordinator". */
  name: string;
  serde: CoordinatorRecordSerde<R>;
  newShard(context: ShardContext<R>): S;
  scheduler: Scheduler;
  now: () => number;
  log: Logger;
  /** How long an appended batch may wait for the high watermark (offsets.commit.timeout.ms). */
  writeTimeoutMs: number;
  /** Bytes read per step while loading (offsets.load.buffer.size). */
  loadBufferBytes?: number;
  compression?: CompressionType;
}

type PartitionState = 'loading' | 'active' | 'failed';

interface DeferredCompletion {
  offset: bigint;
  complete(error: KafkaError | null): void;
  timeout: ScheduledTask | null;
}

class PartitionContext<S, R> {
  state: PartitionState = 'loading';
  shard!: S;
  lastWrittenOffset = -1n;
  readonly deferred: DeferredCompletion[] = [];
  unsubscribe: (() => void) | null = null;

  constructor(
    readonly partition: number,
    readonly log: CoordinatorLog,
    readonly timer: KeyedTimer<TimerOperation<R>>,
  ) {}
}

function asKafkaError(err: unknown): KafkaError {
  return err instanceof KafkaError ? err : new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, err instanceof Error ? err.message : String(err));
}

export class CoordinatorRuntime<S extends CoordinatorShard<R>, R> {
  private readonly contexts = new Map<number, PartitionContext<S, R>>();
  /** The log each partition was last loaded from (follow()). */
  private readonly sources = new Map<number, CoordinatorLog>();
  private closed = false;

  constructor(private readonly opts: CoordinatorRuntimeOptions<S, R>) {}

  // ---- partitions

  /** Replays the partition's log into a new shard and makes it active. Throws if the log cannot be read. */
  load(partition: number, log: CoordinatorLog): void {
    if (this.closed) throw new KafkaError(ErrorCode.NOT_COORDINATOR);
    this.unload(partition);
    const timer = new KeyedTimer<TimerOperation<R>>(this.opts.scheduler, (key, op) => this.runTimer(partition, key, op));
    const ctx = new PartitionContext<S, R>(partition, log, timer);
    this.contexts.set(partition, ctx);
    const started = Date.now();
    try {
      ctx.shard = this.opts.newShard({ partition, timer, now: this.opts.now, log: this.opts.log });
      const records = this.replayLog(ctx);
      ctx.lastWrittenOffset = log.logEndOffset - 1n;
      ctx.unsubscribe = log.onHighWatermark(() => this.onHighWatermark(ctx));
      ctx.state = 'active';
      ctx.shard.onLoaded?.();
      this.opts.log.info({ coordinator: this.opts.name, partition, records, ms: Date.now() - started }, 'loaded coordinator partition');
    } catch (err) {
      ctx.state = 'failed';
      timer.cancelAll();
      this.opts.log.error({ coordinator: this.opts.name, partition, err }, 'failed to load coordinator partition');
      throw err;
    }
  }

  private replayLog(ctx: PartitionContext<S, R>): number {
    const { log } = ctx;
    const end = log.logEndOffset;
    const maxBytes = this.opts.loadBufferBytes ?? 5 * 1024 * 1024;
    let offset = log.logStartOffset;
    let count = 0;
    while (offset < end) {
      const chunks = log.read(offset, maxBytes);
      let advanced = false;
      for (const chunk of chunks) {
        for (const batch of iterateBatches(chunk)) {
          const h = new BatchHeader(batch);
          const last = h.lastOffset;
          if (last < offset) continue;
          if (h.isControl) {
            if (ctx.shard.replayControl) {
              for (const r of iterateRecordsSync(batch, { maxDecompressedBytes: 64 * 1024 * 1024 })) {
                ctx.shard.replayControl(r.offset, h.producerId, h.producerEpoch, r.key, r.value);
              }
            }
          } else {
            for (const r of iterateRecordsSync(batch, { maxDecompressedBytes: 64 * 1024 * 1024 })) {
              if (r.offset < offset || r.key === null) continue;
              const record = this.opts.serde.deserialize(r.key, r.value);
              if (record === null) continue;
              ctx.shard.replay(r.offset, h.producerId, h.producerEpoch, record);
              count++;
            }
          }
          offset = last + 1n;
          advanced = true;
        }
      }
      if (!advanced) break;
    }
    return count;
  }

  /** Drops a partition: cancels its timers and fails its waiting responses with NOT_COORDINATOR. */
  unload(partition: number): void {
    const ctx = this.contexts.get(partition);
    if (!ctx) return;
    this.contexts.delete(partition);
    ctx.timer.cancelAll();
    ctx.unsubscribe?.();
    const waiting = ctx.deferred.splice(0);
    for (const d of waiting) d.complete(new KafkaError(ErrorCode.NOT_COORDINATOR));
    if (ctx.state === 'active') {
      try {
        ctx.shard.onUnloaded?.();
      } catch (err) {
        this.opts.log.error({ coordinator: this.opts.name, partition, err }, 'error while unloading coordinator partition');
      }
    }
  }

  isLoaded(partition: number): boolean {
    return this.contexts.get(partition)?.state === 'active';
  }

  hasContext(partition: number): boolean {
    return this.contexts.has(partition);
  }

  activePartitions(): number[] {
    return [...this.contexts.values()].filter((c) => c.state === 'active').map((c) => c.partition).sort((a, b) => a - b);
  }

  close(): void {
    this.closed = true;
    for (const p of [...this.contexts.keys()]) this.unload(p);
    this.sources.clear();
  }

  /**
   * Keeps a partition loaded from the log this broker leads it with (undefined: it does not lead
   * it): reloads when the log changed or the last load failed, unloads when it is gone.
   * Returns true when the partition was loaded now.
   */
  follow(partition: number, log: CoordinatorLog | undefined): boolean {
    const current = this.sources.get(partition);
    if (log === current && (log === undefined || this.contexts.has(partition))) return false;
    if (current !== undefined) {
      this.unload(partition);
      this.sources.delete(partition);
    }
    if (log === undefined) return false;
    this.sources.set(partition, log);
    try {
      this.load(partition, log);
      return true;
    } catch {
      // load() logged it; requests for this partition answer NOT_COORDINATOR until a later follow() loads it.
      return false;
    }
  }

  private activeContext(partition: number): PartitionContext<S, R> {
    const ctx = this.contexts.get(partition);
    if (!ctx || ctx.state === 'failed') throw new KafkaError(ErrorCode.NOT_COORDINATOR);
    if (ctx.state === 'loading') throw new KafkaError(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    return ctx;
  }

  /** The shard of an active partition (for tests and reads); throws NOT_COORDINATOR / COORDINATOR_LOAD_IN_PROGRESS. */
  shard(partition: number): S {
    return this.activeContext(partition).shard;
  }

  // ---- operations

  /** Runs a read-only operation against the partition's current state. */
  read<T>(partition: number, op: (shard: S) => T): T {
    return op(this.activeContext(partition).shard);
  }

  /** Runs `op` on every active partition (ListGroups). */
  readAll<T>(op: (shard: S, partition: number) => T): T[] {
    const out: T[] = [];
    for (const ctx of this.contexts.values()) if (ctx.state === 'active') out.push(op(ctx.shard, ctx.partition));
    return out;
  }

  /**
   * Runs a write operation: its records are appended and replayed, and the returned promise
   * resolves with its response once they are committed. Rejects with KafkaError.
   */
  write<T>(name: string, partition: number, op: (shard: S) => CoordinatorResult<T, R>, txn?: TransactionalProducer): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let ctx: PartitionContext<S, R>;
      let result: CoordinatorResult<T, R>;
      try {
        ctx = this.activeContext(partition);
        result = op(ctx.shard);
      } catch (err) {
        reject(err);
        return;
      }
      this.apply(name, ctx, result, (err) => (err ? reject(err) : resolve(result.response)), txn);
    });
  }

  /**
   * Writes a COMMIT or ABORT marker for a producer's transaction to the partition's log and replays
   * it into the shard (Kafka's CoordinatorRuntime.scheduleTransactionCompletion): the shard makes the
   * producer's pending transactional records visible, or drops them. Resolves once committed.
   */
  completeTransaction(partition: number, producerId: bigint, producerEpoch: number, coordinatorEpoch: number, commit: boolean): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let ctx: PartitionContext<S, R>;
      let offset: bigint;
      const type = commit ? ControlRecordType.Commit : ControlRecordType.Abort;
      try {
        ctx = this.activeContext(partition);
        const marker = buildEndTxnMarker({ type, producerId, producerEpoch, coordinatorEpoch, timestamp: BigInt(this.opts.now()) });
        offset = ctx.log.append(marker);
      } catch (err) {
        reject(asKafkaError(err));
        return;
      }
      ctx.lastWrittenOffset = offset;
      try {
        ctx.shard.replayControl?.(offset, producerId, producerEpoch, encodeControlRecordKey(type), encodeEndTxnMarkerValue(coordinatorEpoch));
      } catch (err) {
        this.opts.log.error({ coordinator: this.opts.name, partition, err }, 'replaying a transaction marker failed');
        reject(asKafkaError(err));
        return;
      }
      const result: CoordinatorResult<void, R> = { records: [], response: undefined };
      this.awaitCommitted(ctx, offset, result, (err) => (err ? reject(err) : resolve()));
    });
  }

  private apply<T>(name: string, ctx: PartitionContext<S, R>, result: CoordinatorResult<T, R>, done: (err: KafkaError | null) => void, txn?: TransactionalProducer): void {
    let waitFor = ctx.lastWrittenOffset;
    const records = result.records;
    if (records.length > 0) {
      let lastOffset: bigint;
      try {
        const now = BigInt(this.opts.now());
        const batch = buildRecordBatchSync({
          records: records.map((r) => this.opts.serde.serialize(r)),
          defaultTimestamp: now,
          compression: this.opts.compression ?? CompressionType.None,
          ...(txn ? { producerId: txn.producerId, producerEpoch: txn.producerEpoch, isTransactional: true } : {}),
        });
        lastOffset = ctx.log.append(batch);
      } catch (err) {
        const error = asKafkaError(err);
        this.opts.log.warn({ coordinator: this.opts.name, partition: ctx.partition, operation: name, error: error.info.name }, 'coordinator write failed');
        this.completeOne(result, error, done);
        return;
      }
      ctx.lastWrittenOffset = lastOffset;
      waitFor = lastOffset;
      if (result.replayRecords !== false) {
        let offset = lastOffset - BigInt(records.length - 1);
        try {
          for (const r of records) ctx.shard.replay(offset++, txn?.producerId ?? -1n, txn?.producerEpoch ?? -1, r);
        } catch (err) {
          this.opts.log.error({ coordinator: this.opts.name, partition: ctx.partition, operation: name, err }, 'replaying written records failed');
          this.completeOne(result, asKafkaError(err), done);
          return;
        }
      }
    }
    this.awaitCommitted(ctx, waitFor, result, done);
  }

  /** Completes `result` once the high watermark passes `waitFor` (or times out with REQUEST_TIMED_OUT). */
  private awaitCommitted<T>(ctx: PartitionContext<S, R>, waitFor: bigint, result: CoordinatorResult<T, R>, done: (err: KafkaError | null) => void): void {
    if (ctx.log.highWatermark > waitFor) {
      this.completeOne(result, null, done);
      return;
    }
    const deferred: DeferredCompletion = {
      offset: waitFor,
      timeout: null,
      complete: (error) => {
        deferred.timeout?.cancel();
        this.completeOne(result, error, done);
      },
    };
    deferred.timeout = this.opts.scheduler.schedule(() => {
      const i = ctx.deferred.indexOf(deferred);
      if (i >= 0) {
        ctx.deferred.splice(i, 1);
        deferred.complete(new KafkaError(ErrorCode.REQUEST_TIMED_OUT));
      }
    }, this.opts.writeTimeoutMs);
    ctx.deferred.push(deferred);
  }

  private completeOne<T>(result: CoordinatorResult<T, R>, error: KafkaError | null, done: (err: KafkaError | null) => void): void {
    try {
      result.onComplete?.(error);
    } catch (err) {
      this.opts.log.error({ coordinator: this.opts.name, err }, 'coordinator completion callback failed');
    }
    done(error);
  }

  private onHighWatermark(ctx: PartitionContext<S, R>): void {
    const hw = ctx.log.highWatermark;
    while (ctx.deferred.length > 0 && ctx.deferred[0]!.offset < hw) ctx.deferred.shift()!.complete(null);
  }

  private runTimer(partition: number, key: string, op: TimerOperation<R>): void {
    this.write(`timer ${key}`, partition, () => op()).catch((err: unknown) => {
      const error = asKafkaError(err);
      if (error.code !== ErrorCode.NOT_COORDINATOR) this.opts.log.warn({ coordinator: this.opts.name, partition, timer: key, error: error.info.name }, 'coordinator timer operation failed');
    });
  }
}
