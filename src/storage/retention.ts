/**
 * Log retention (Kafka's UnifiedLog.deleteOldSegments and LogManager.cleanupLogs): deletes whole
 * segments from the start of a log, never data at or above the high watermark.
 *
 * deleteOldSegments(log) runs, in Kafka 4's order:
 *   1. log start offset breach: a segment whose next segment starts at or below the log start
 *      offset (DeleteRecords moved it; always, whatever the cleanup.policy);
 *   2. retention.bytes breach (cleanup.policy contains delete, retention.bytes >= 0): while the log
 *      minus the oldest segments is still >= retention.bytes over the limit, those segments go;
 *   3. retention.ms breach (cleanup.policy contains delete, retention.ms >= 0): a segment whose
 *      largest record timestamp (the file's modification time if it has none) is more than
 *      retention.ms before now.
 * Each pass walks from the oldest segment and stops at the first one that does not qualify, or
 * whose upper bound (the next segment's base offset, or the log end offset for the active segment)
 * is above the high watermark. An empty active segment is never deleted; an active segment with
 * data that qualifies is deleted after rolling a new one (Kafka's deleteSegments rolls when every
 * segment goes), so the log start offset can reach the log end offset. Deleted segments are
 * renamed `.deleted` and removed after file.delete.delay.ms (PartitionLog.deleteOldestSegments).
 *
 * RetentionManager is the periodic task (every log.retention.check.interval.ms after
 * log.initial.task.delay.ms). As in Kafka, while the log cleaner runs it handles only logs whose
 * policy does not include compact (the cleaner runs deleteOldSegments on compacted logs between
 * cleanings); with the cleaner disabled, compacted logs get no retention at all, as in Kafka.
 */
import type { Logger } from './logger.js';
import { noopLogger } from './logger.js';
import type { PartitionLog } from './partition-log.js';
import type { ScheduledTask, Scheduler } from './scheduler.js';
import type { LogSegment } from './segment.js';

/** The topic settings retention reads (Kafka's LogConfig), in milliseconds and bytes; -1 = no limit. */
export interface RetentionConfig {
  /** cleanup.policy contains delete. */
  delete: boolean;
  /** cleanup.policy contains compact. */
  compact: boolean;
  retentionMs: number;
  retentionBytes: number;
}

export type SegmentDeletionReason = 'log-start-offset' | 'retention-size' | 'retention-ms';

export interface RetentionHooks {
  logger?: Logger;
  /** Called after segments were deleted and the log start offset moved (producer state, checkpoints). */
  onSegmentsDeleted?: (log: PartitionLog, count: number, reason: SegmentDeletionReason) => void;
}

type DeletionCondition = (segment: LogSegment, next: LogSegment | undefined) => boolean;

/** Kafka's UnifiedLog.deletableSegments: how many of the oldest segments qualify. */
export function deletableSegmentCount(log: PartitionLog, predicate: DeletionCondition): number {
  const segments = log.logSegments();
  const hw = log.highWatermark;
  let n = 0;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const next = segments[i + 1];
    const isLastSegmentAndEmpty = next === undefined && segment.size === 0;
    const upperBoundOffset = next ? next.baseOffset : log.logEndOffset;
    if (hw >= upperBoundOffset && !isLastSegmentAndEmpty && predicate(segment, next)) n++;
    else break;
  }
  return n;
}

function deleteOld(log: PartitionLog, predicate: DeletionCondition, reason: SegmentDeletionReason, hooks: RetentionHooks): number {
  const count = deletableSegmentCount(log, predicate);
  if (count === 0) return 0;
  const before = log.logSegments().slice(0, count);
  const deleted = log.deleteOldestSegments(count);
  if (deleted > 0) {
    (hooks.logger ?? noopLogger).info(
      {
        topicPartition: log.topicPartition,
        reason,
        segments: before.slice(0, deleted).map((s) => String(s.baseOffset)),
        logStartOffset: String(log.logStartOffset),
      },
      'deleting segments',
    );
    hooks.onSegmentsDeleted?.(log, deleted, reason);
  }
  return deleted;
}

export function deleteLogStartOffsetBreachedSegments(log: PartitionLog, hooks: RetentionHooks = {}): number {
  const start = log.logStartOffset;
  return deleteOld(log, (_s, next) => next !== undefined && next.baseOffset <= start, 'log-start-offset', hooks);
}

export function deleteRetentionSizeBreachedSegments(log: PartitionLog, retentionBytes: number, hooks: RetentionHooks = {}): number {
  const size = log.sizeInBytes();
  if (retentionBytes < 0 || size < retentionBytes) return 0;
  let diff = size - retentionBytes;
  return deleteOld(
    log,
    (segment) => {
      if (diff - segment.size < 0) return false;
      diff -= segment.size;
      return true;
    },
    'retention-size',
    hooks,
  );
}

export function deleteRetentionMsBreachedSegments(log: PartitionLog, retentionMs: number, nowMs: number, hooks: RetentionHooks = {}): number {
  if (retentionMs < 0) return 0;
  return deleteOld(log, (segment) => nowMs - segment.largestTimestamp > retentionMs, 'retention-ms', hooks);
}

/** Kafka's UnifiedLog.deleteOldSegments; returns the number of segments deleted. */
export function deleteOldSegments(log: PartitionLog, config: RetentionConfig, nowMs: number, hooks: RetentionHooks = {}): number {
  if (log.isClosed) return 0;
  if (config.delete) {
    return (
      deleteLogStartOffsetBreachedSegments(log, hooks) +
      deleteRetentionSizeBreachedSegments(log, config.retentionBytes, hooks) +
      deleteRetentionMsBreachedSegments(log, config.retentionMs, nowMs, hooks)
    );
  }
  return deleteLogStartOffsetBreachedSegments(log, hooks);
}

export interface RetentionManagerOptions {
  logs: () => Iterable<PartitionLog>;
  config: (log: PartitionLog) => RetentionConfig;
  scheduler: Scheduler;
  clock: () => number;
  logger?: Logger;
  /** log.retention.check.interval.ms (Kafka default 300000). */
  checkIntervalMs?: number;
  /** log.initial.task.delay.ms (Kafka default 30000). */
  initialDelayMs?: number;
  onSegmentsDeleted?: RetentionHooks['onSegmentsDeleted'];
  /** Called after a run that deleted segments (checkpoint the log start offsets). */
  afterDeletion?: () => void;
}

/** The periodic retention task (Kafka's LogManager.cleanupLogs). */
export class RetentionManager {
  private task: ScheduledTask | null = null;
  private readonly logger: Logger;

  constructor(private readonly opts: RetentionManagerOptions) {
    this.logger = opts.logger ?? noopLogger;
  }

  start(): this {
    if (this.task) return this;
    this.task = this.opts.scheduler.schedule(
      () => {
        try {
          this.runOnce();
        } catch (err) {
          this.logger.error({ err }, 'log retention task failed');
        }
      },
      this.opts.initialDelayMs ?? 30_000,
      this.opts.checkIntervalMs ?? 300_000,
    );
    return this;
  }

  /** One retention pass over every log it owns; returns the number of segments deleted. */
  runOnce(): number {
    const now = this.opts.clock();
    const hooks: RetentionHooks = { logger: this.logger, ...(this.opts.onSegmentsDeleted ? { onSegmentsDeleted: this.opts.onSegmentsDeleted } : {}) };
    let total = 0;
    for (const log of [...this.opts.logs()]) {
      if (log.isClosed) continue;
      try {
        const config = this.opts.config(log);
        // Kafka: with a cleaner, compacted logs are the cleaner's; without one, they are skipped.
        if (config.compact) continue;
        total += deleteOldSegments(log, config, now, hooks);
      } catch (err) {
        this.logger.error({ err, topicPartition: log.topicPartition }, 'error deleting old segments');
      }
    }
    if (total > 0) this.opts.afterDeletion?.();
    return total;
  }

  close(): void {
    this.task?.cancel();
    this.task = null;
  }
}
