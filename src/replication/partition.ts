/**
 * One partition this broker leads: its log, its producer state, and the leader-side append and
 * read rules (Kafka's Partition + the leader half of UnifiedLog.append).
 *
 * With one replica the high watermark follows the log end offset on every append; replication
 * will move it from follower fetch positions instead.
 */
import { ErrorCode } from '../protocol/error-codes.js';
import { BatchHeader, TimestampType } from '../protocol/records/batch-header.js';
import { validateBatchForAppend, validateRecordsForAppend, type RecordError } from '../protocol/records/validate.js';
import type { PartitionLog } from '../storage/partition-log.js';
import type { ProducerStateManager } from '../storage/producer-state/index.js';
import { recompressBatch, targetCompression, type CompressionSettings } from './recompress.js';
import { TopicStats } from '../metrics/broker-stats.js';
import { ControlRecordType, buildEndTxnMarker } from '../protocol/records/control-records.js';
import { ControlType } from '../storage/producer-state/index.js';
import { AbortedTxnIndex } from './aborted-txn-index.js';

const LONG_MAX = 0x7fffffffffffffffn;

/** The topic-level settings a partition's append path reads, resolved from topic and broker configs. */
export interface PartitionSettings {
  maxMessageBytes: number;
  timestampType: TimestampType;
  timestampBeforeMaxMs: bigint;
  timestampAfterMaxMs: bigint;
  compacted: boolean;
  minInsyncReplicas: number;
  /** compression.type and levels; a batch in another codec is rewritten (recompress.ts). */
  compression?: CompressionSettings;
}

export interface PartitionAppendResult {
  errorCode: number;
  errorMessage: string | null;
  baseOffset: bigint;
  logAppendTimeMs: bigint;
  logStartOffset: bigint;
  recordErrors: RecordError[];
}

export class Partition {
  /** Appends waiting on per-record validation; later appends queue behind them to keep order. */
  private pending: Promise<unknown> | null = null;
  /** Aborted transactions for read_committed fetches (in memory; see aborted-txn-index.ts). */
  readonly abortedTxns: AbortedTxnIndex;

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly topicId: string,
    public leaderEpoch: number,
    /** Replaced when the log moves to another log dir (AlterReplicaLogDirs). */
    public log: PartitionLog,
    readonly producers: ProducerStateManager,
    public settings: PartitionSettings,
    private readonly now: () => number,
    /** Metrics counters of this partition's topic (shared by its partitions). */
    readonly stats: TopicStats = new TopicStats(),
  ) {
    this.abortedTxns = new AbortedTxnIndex(log);
  }

  get name(): string {
    return `${this.topic}-${this.partition}`;
  }

  private failure(errorCode: number, errorMessage: string | null, recordErrors: RecordError[] = []): PartitionAppendResult {
    this.stats.failedProduceRequests++;
    return { errorCode, errorMessage, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n, recordErrors };
  }

  /**
   * Validates and appends the records of one Produce partition entry. Synchronous unless the
   * topic needs per-record checks (compaction, timestamp bounds, LogAppendTime on compressed data).
   */
  appendRecordsAsLeader(records: Buffer | null, produceVersion: number, acks: number): PartitionAppendResult | Promise<PartitionAppendResult> {
    const s = this.settings;
    this.stats.totalProduceRequests++;
    if (acks === -1 && s.minInsyncReplicas > 1) {
      // One replica in the ISR: acks=all cannot be satisfied past min.insync.replicas = 1.
      return this.failure(ErrorCode.NOT_ENOUGH_REPLICAS, `The size of the current ISR Set(1) is insufficient to satisfy the min.isr requirement of ${s.minInsyncReplicas} for partition ${this.name}`);
    }
    const checked = validateBatchForAppend(records ?? Buffer.alloc(0), { produceVersion, maxMessageBytes: s.maxMessageBytes, topicPartition: this.name });
    if (!checked.ok) return this.failure(checked.errorCode, checked.errorMessage);
    const batch = checked.batch;

    const recompressTo = targetCompression(s.compression, checked.header.compression);
    // Records are decoded only where the topic needs them. The upper timestamp bound
    // (message.timestamp.after.max.ms, one hour by default) needs only the batch's maxTimestamp.
    const needsRecords = recompressTo !== null || s.compacted || s.timestampBeforeMaxMs !== LONG_MAX;
    if (!needsRecords && this.pending === null) {
      return this.futureTimestampError(checked.header) ?? this.appendValidated(batch, checked.header);
    }
    const run = async (): Promise<PartitionAppendResult> => {
      const maxDecompressedBytes = Math.max(s.maxMessageBytes * 64, 64 * 1024 * 1024);
      let offsetsConsecutive = true;
      if (needsRecords) {
        const v = await validateRecordsForAppend(batch, {
          maxDecompressedBytes,
          compacted: s.compacted,
          timestampType: s.timestampType,
          nowMs: BigInt(this.now()),
          timestampBeforeMaxMs: s.timestampBeforeMaxMs,
          timestampAfterMaxMs: s.timestampAfterMaxMs,
          topicPartition: this.name,
        });
        if (v.errorCode !== ErrorCode.NONE) return this.failure(v.errorCode, v.errorMessage, v.recordErrors);
        offsetsConsecutive = v.offsetsConsecutive;
      } else {
        const tooLate = this.futureTimestampError(checked.header);
        if (tooLate) return tooLate;
      }
      if (recompressTo !== null && s.compression) {
        const rewritten = await recompressBatch(batch, recompressTo, s.compression, { maxDecompressedBytes, offsetsConsecutive });
        if (rewritten.length > s.maxMessageBytes) {
          return this.failure(ErrorCode.MESSAGE_TOO_LARGE, `Message batch size is ${rewritten.length} bytes in append to partition ${this.name} which exceeds the maximum configured size of ${s.maxMessageBytes}.`);
        }
        return this.appendValidated(rewritten, new BatchHeader(rewritten));
      }
      return this.appendValidated(batch, checked.header);
    };
    const result = (this.pending ?? Promise.resolve()).then(run);
    const settled = result.finally(() => {
      if (this.pending === settled) this.pending = null;
    });
    this.pending = settled;
    return result;
  }

  /** INVALID_TIMESTAMP when a CreateTime batch's largest timestamp is past now + message.timestamp.after.max.ms. */
  private futureTimestampError(header: BatchHeader): PartitionAppendResult | null {
    const s = this.settings;
    if (s.timestampType !== TimestampType.CreateTime || s.timestampAfterMaxMs === LONG_MAX) return null;
    const bound = BigInt(this.now()) + s.timestampAfterMaxMs;
    if (header.maxTimestamp <= bound) return null;
    return this.failure(ErrorCode.INVALID_TIMESTAMP, `Timestamp ${header.maxTimestamp} of message is out of range. The timestamp should be within [-, ${bound}]`);
  }

  /** Producer-state check, then the log append; the batch passed header validation. */
  private appendValidated(batch: Buffer, h: BatchHeader): PartitionAppendResult {
    const logAppendTime = this.settings.timestampType === TimestampType.LogAppendTime ? this.now() : undefined;

    let prepared = null;
    if (h.producerId >= 0n) {
      prepared = this.producers.prepareAppend(h);
      if (prepared.kind === 'duplicate') {
        return { errorCode: ErrorCode.NONE, errorMessage: null, baseOffset: prepared.firstOffset, logAppendTimeMs: logAppendTime === undefined ? -1n : prepared.timestamp, logStartOffset: this.log.logStartOffset, recordErrors: [] };
      }
      if (prepared.kind === 'error') return this.failure(prepared.errorCode, prepared.message);
    }
    const appended = this.log.append(batch, { leaderEpoch: this.leaderEpoch, logAppendTimeMs: logAppendTime });
    this.stats.messagesIn += h.recordsCount;
    this.stats.bytesIn += batch.length;
    if (prepared) this.producers.commitAppend(prepared, appended.firstOffset, appended.lastOffset, appended.maxTimestamp);
    else this.producers.updateMapEndOffset(appended.lastOffset + 1n);
    this.log.highWatermark = this.log.logEndOffset;
    this.log.maybeFlush();
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      baseOffset: appended.firstOffset,
      logAppendTimeMs: logAppendTime === undefined ? -1n : BigInt(logAppendTime),
      logStartOffset: this.log.logStartOffset,
      recordErrors: [],
    };
  }

  /**
   * Writes a transaction's COMMIT or ABORT marker (what a WriteTxnMarkers request does on the leader:
   * ReplicaManager.appendRecords with AppendOrigin.COORDINATOR): the producer-state epoch and
   * coordinator-epoch checks apply, the transaction completes, the last stable offset moves and an
   * abort is indexed for read_committed fetches. Returns NONE or the error code. Queued behind
   * appends still validating records, so the marker lands after the data it ends.
   */
  appendTxnMarker(producerId: bigint, producerEpoch: number, coordinatorEpoch: number, commit: boolean): number | Promise<number> {
    if (this.pending !== null) return this.pending.then(() => this.appendTxnMarker(producerId, producerEpoch, coordinatorEpoch, commit));
    const batch = buildEndTxnMarker({
      type: commit ? ControlRecordType.Commit : ControlRecordType.Abort,
      producerId,
      producerEpoch,
      coordinatorEpoch,
      timestamp: BigInt(this.now()),
    });
    const h = new BatchHeader(batch);
    const prepared = this.producers.prepareAppend(h, { origin: 'coordinator', marker: { controlType: commit ? ControlType.COMMIT : ControlType.ABORT, coordinatorEpoch } });
    if (prepared.kind === 'error') return prepared.errorCode;
    if (prepared.kind === 'duplicate') return ErrorCode.NONE;
    const appended = this.log.append(batch, { leaderEpoch: this.leaderEpoch });
    const completed = this.producers.commitAppend(prepared, appended.firstOffset, appended.lastOffset, appended.maxTimestamp);
    if (completed !== null) {
      this.producers.completeTxn(completed);
      if (completed.isAborted) this.abortedTxns.onAbort({ producerId, firstOffset: completed.firstOffset, lastOffset: completed.lastOffset });
    }
    this.log.highWatermark = this.log.logEndOffset;
    this.producers.onHighWatermarkUpdated(this.log.highWatermark);
    this.log.maybeFlush();
    return ErrorCode.NONE;
  }

  /**
   * Appends a batch the broker wrote itself (coordinator records of __consumer_offsets), as Kafka's
   * appendRecords with AppendOrigin.COORDINATOR: no client-facing checks; returns the last offset.
   */
  appendCoordinatorBatch(batch: Buffer): bigint {
    const appended = this.log.append(batch, { leaderEpoch: this.leaderEpoch });
    this.producers.updateMapEndOffset(appended.lastOffset + 1n);
    this.log.highWatermark = this.log.logEndOffset;
    this.log.maybeFlush();
    return appended.lastOffset;
  }
}
