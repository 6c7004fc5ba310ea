/**
 * Owns the log dirs (log.dirs) and every PartitionLog in them, as Kafka's LogManager:
 * - open(): loads every `<topic>-<partition>` directory of every log dir, using the dir's
 *   checkpoint files and its clean-shutdown marker (removed once read, so a crash during this run
 *   is detected next time), and deletes leftover `-delete` directories;
 * - new partitions go to the log dir holding the fewest partitions (ties: log.dirs order);
 * - deleteLog() renames the directory to `<topic>-<partition>.<uuid>-delete` and removes it after
 *   file.delete.delay.ms;
 * - timers (all through the injected Scheduler): the flusher (every log.flush.scheduler.interval.ms,
 *   flushing logs idle for flush.ms, on the thread pool) and the recovery-point, log-start-offset
 *   and high-watermark checkpoints;
 * - close(): flushes and closes every log, writes the checkpoints, then `.kafka_cleanshutdown`
 *   in each log dir whose logs all closed cleanly, and cancels every timer.
 * Checkpoint files are small and written synchronously (fsync included) from the timers.
 */
import { join } from 'node:path';
import type { FindOffsetByTimestampInBatch } from './batch-timestamps.js';
import {
  LOG_START_OFFSET_CHECKPOINT_FILE,
  RECOVERY_POINT_CHECKPOINT_FILE,
  REPLICATION_OFFSET_CHECKPOINT_FILE,
  readOffsetCheckpoint,
  writeOffsetCheckpoint,
  type OffsetCheckpointEntry,
} from './checkpoint.js';
import { InconsistentTopicIdError } from './errors.js';
import { deleteDirName, parsePartitionDirName, partitionDirName, topicPartitionKey, type TopicPartition } from './file-names.js';
import { removeRecursive } from './fs/fs-utils.js';
import type { StorageFs } from './fs/storage-fs.js';
import type { LogConfig } from './log-config.js';
import { noopLogger, type Logger } from './logger.js';
import { PartitionLog } from './partition-log.js';
import { hasCleanShutdownMarker, removeCleanShutdownMarker, writeCleanShutdownMarker } from './recovery.js';
import type { ScheduledTask, Scheduler } from './scheduler.js';

/** The KRaft metadata log lives in a log dir but is not managed here (Kafka skips it too). */
export const METADATA_TOPIC = '__cluster_metadata';

export interface LogManagerOptions {
  logDirs: string[];
  fs: StorageFs;
  scheduler: Scheduler;
  clock: () => number;
  logger?: Logger;
  /** The broker-level log.* settings. */
  defaultConfig: LogConfig;
  /** A topic's effective config (topic overrides on top of the defaults); default: defaultConfig. */
  topicConfig?: (topic: string) => LogConfig;
  /** log.initial.task.delay.ms (Kafka default 30000). */
  initialTaskDelayMs?: number;
  /** log.flush.scheduler.interval.ms (Kafka default Long.MAX_VALUE: never). */
  flushSchedulerIntervalMs?: number;
  /** log.flush.offset.checkpoint.interval.ms (default 60000). */
  recoveryPointCheckpointIntervalMs?: number;
  /** log.flush.start.offset.checkpoint.interval.ms (default 60000). */
  logStartOffsetCheckpointIntervalMs?: number;
  /** replica.high.watermark.checkpoint.interval.ms (default 5000). */
  highWatermarkCheckpointIntervalMs?: number;
  /** file.delete.delay.ms (default 60000). */
  fileDeleteDelayMs?: number;
  /** Written into `.kafka_cleanshutdown` on close (default -1). */
  brokerEpoch?: () => bigint;
  random?: () => number;
  findOffsetByTimestampInBatch?: FindOffsetByTimestampInBatch;
}

export interface PartitionDirDescription extends TopicPartition {
  sizeInBytes: number;
  offsetLag: bigint;
  isFuture: boolean;
}

export interface LogDirDescription {
  logDir: string;
  partitions: PartitionDirDescription[];
}

interface Entry {
  log: PartitionLog;
  logDir: string;
}

const NEVER = Number.MAX_SAFE_INTEGER;

export class LogManager {
  readonly logDirs: readonly string[];
  /** Whether each log dir had `.kafka_cleanshutdown` when it was loaded. */
  readonly hadCleanShutdown = new Map<string, boolean>();
  private readonly logs = new Map<string, Entry>();
  /** Log dirs with partition directories created since their last fsync (createLog deferDirSync). */
  private readonly dirsToSync = new Set<string>();
  private readonly tasks = new Set<ScheduledTask>();
  private readonly logger: Logger;
  private flushing = false;
  private closed = false;

  private constructor(private readonly opts: LogManagerOptions) {
    if (opts.logDirs.length === 0) throw new Error('at least one log dir is needed');
    this.logDirs = [...opts.logDirs];
    this.logger = opts.logger ?? noopLogger;
  }

  /** Loads every log of every log dir and starts the background tasks. */
  static open(opts: LogManagerOptions): LogManager {
    const m = new LogManager(opts);
    try {
      for (const dir of m.logDirs) m.loadLogDir(dir);
    } catch (err) {
      for (const e of m.logs.values()) e.log.close();
      throw err;
    }
    m.startTasks();
    return m;
  }

  private configFor(topic: string): LogConfig {
    return this.opts.topicConfig ? this.opts.topicConfig(topic) : this.opts.defaultConfig;
  }

  private readCheckpoint(logDir: string, file: string): Map<string, bigint> {
    const out = new Map<string, bigint>();
    try {
      for (const e of readOffsetCheckpoint(this.opts.fs, join(logDir, file))) out.set(topicPartitionKey(e), e.offset);
    } catch (err) {
      this.logger.warn({ logDir, file, err: (err as Error).message }, 'error reading checkpoint file, resetting it to empty');
    }
    return out;
  }

  private loadLogDir(logDir: string): void {
    const { fs } = this.opts;
    fs.mkdir(logDir);
    const clean = hasCleanShutdownMarker(fs, logDir);
    // Deleted before loading: a crash while loading or running must count as unclean (KAFKA-10471).
    if (clean) removeCleanShutdownMarker(fs, logDir);
    this.hadCleanShutdown.set(logDir, clean);
    const recoveryPoints = this.readCheckpoint(logDir, RECOVERY_POINT_CHECKPOINT_FILE);
    const logStartOffsets = this.readCheckpoint(logDir, LOG_START_OFFSET_CHECKPOINT_FILE);
    const highWatermarks = this.readCheckpoint(logDir, REPLICATION_OFFSET_CHECKPOINT_FILE);
    for (const name of fs.readdir(logDir)) {
      const path = join(logDir, name);
      if (!fs.stat(path)?.isDirectory) continue;
      const tp = parsePartitionDirName(name);
      if (tp === null) continue;
      if (tp.kind === 'delete') {
        this.scheduleDirDeletion(path, 0);
        continue;
      }
      if (tp.kind !== 'live') {
        this.logger.warn({ dir: path }, `ignoring a ${tp.kind} partition directory`);
        continue;
      }
      if (tp.topic === METADATA_TOPIC) continue;
      const key = topicPartitionKey(tp);
      const existing = this.logs.get(key);
      if (existing) throw new Error(`duplicate log directories for ${key}: ${existing.log.dir} and ${path}`);
      const start = this.opts.clock();
      const log = this.openLog(path, tp, {
        hadCleanShutdown: clean,
        recoveryPoint: recoveryPoints.get(key) ?? 0n,
        logStartOffset: logStartOffsets.get(key) ?? 0n,
        highWatermark: highWatermarks.get(key) ?? 0n,
      });
      this.logs.set(key, { log, logDir });
      this.logger.info({ topicPartition: key, logEndOffset: String(log.logEndOffset), ms: this.opts.clock() - start }, 'loaded log');
    }
  }

  private openLog(
    dir: string,
    tp: TopicPartition,
    extra: { hadCleanShutdown: boolean; recoveryPoint?: bigint; logStartOffset?: bigint; highWatermark?: bigint; topicId?: string; config?: LogConfig },
  ): PartitionLog {
    const o = this.opts;
    return PartitionLog.open({
      dir,
      topicPartition: { topic: tp.topic, partition: tp.partition },
      config: extra.config ?? this.configFor(tp.topic),
      fs: o.fs,
      clock: o.clock,
      logger: this.logger,
      scheduler: o.scheduler,
      fileDeleteDelayMs: o.fileDeleteDelayMs ?? 60_000,
      hadCleanShutdown: extra.hadCleanShutdown,
      ...(extra.topicId !== undefined ? { topicId: extra.topicId } : {}),
      ...(extra.recoveryPoint !== undefined ? { recoveryPoint: extra.recoveryPoint } : {}),
      ...(extra.logStartOffset !== undefined ? { logStartOffset: extra.logStartOffset } : {}),
      ...(extra.highWatermark !== undefined ? { highWatermark: extra.highWatermark } : {}),
      ...(o.random ? { random: o.random } : {}),
      ...(o.findOffsetByTimestampInBatch ? { findOffsetByTimestampInBatch: o.findOffsetByTimestampInBatch } : {}),
    });
  }

  private every(intervalMs: number | undefined, fallback: number, fn: () => void): void {
    const interval = intervalMs ?? fallback;
    if (!(interval < NEVER)) return;
    const task = this.opts.scheduler.schedule(
      () => {
        try {
          fn();
        } catch (err) {
          this.logger.error({ err }, 'log manager task failed');
        }
      },
      this.opts.initialTaskDelayMs ?? 30_000,
      interval,
    );
    this.tasks.add(task);
  }

  private startTasks(): void {
    const o = this.opts;
    this.every(o.flushSchedulerIntervalMs, NEVER, () => void this.flushDirtyLogs());
    this.every(o.recoveryPointCheckpointIntervalMs, 60_000, () => this.checkpointRecoveryPoints());
    this.every(o.logStartOffsetCheckpointIntervalMs, 60_000, () => this.checkpointLogStartOffsets());
    this.every(o.highWatermarkCheckpointIntervalMs, 5_000, () => this.checkpointHighWatermarks());
  }

  private scheduleDirDeletion(path: string, delayMs: number): void {
    const task = this.opts.scheduler.schedule(() => {
      this.tasks.delete(task);
      try {
        removeRecursive(this.opts.fs, path);
        this.logger.info({ dir: path }, 'deleted log directory');
      } catch (err) {
        this.logger.error({ err, dir: path }, 'failed to delete log directory');
      }
    }, delayMs);
    this.tasks.add(task);
  }

  getLog(tp: TopicPartition): PartitionLog | undefined {
    return this.logs.get(topicPartitionKey(tp))?.log;
  }

  allLogs(): PartitionLog[] {
    return [...this.logs.values()].map((e) => e.log);
  }

  /** The log dir (one of logDirs) holding a partition's log. */
  logDirOf(tp: TopicPartition): string | undefined {
    return this.logs.get(topicPartitionKey(tp))?.logDir;
  }

  /** Kafka's nextLogDirs: the log dir holding the fewest partitions. */
  private nextLogDir(): string {
    if (this.logDirs.length === 1) return this.logDirs[0]!;
    const counts = new Map<string, number>(this.logDirs.map((d) => [d, 0]));
    for (const e of this.logs.values()) counts.set(e.logDir, (counts.get(e.logDir) ?? 0) + 1);
    let best = this.logDirs[0]!;
    for (const d of this.logDirs) if (counts.get(d)! < counts.get(best)!) best = d;
    return best;
  }

  /**
   * The partition's log, created empty in the least loaded log dir if it does not exist. The log
   * dir is fsynced so the new directory's name is durable, unless deferDirSync: then
   * syncNewLogDirs() does it once for many (a topic of 10,000 partitions).
   */
  createLog(tp: TopicPartition, opts: { topicId?: string; config?: LogConfig; deferDirSync?: boolean } = {}): PartitionLog {
    if (this.closed) throw new Error('log manager is closed');
    const key = topicPartitionKey(tp);
    const existing = this.logs.get(key);
    if (existing) {
      const id = existing.log.topicId;
      if (opts.topicId !== undefined && id !== undefined && id !== opts.topicId) {
        throw new InconsistentTopicIdError(`log ${key} has topic id ${id}, not ${opts.topicId}`);
      }
      return existing.log;
    }
    const logDir = this.nextLogDir();
    const log = this.openLog(join(logDir, partitionDirName(tp)), tp, { hadCleanShutdown: true, topicId: opts.topicId, config: opts.config });
    if (opts.deferDirSync) this.dirsToSync.add(logDir);
    else this.opts.fs.fsyncDir(logDir);
    this.logs.set(key, { log, logDir });
    this.logger.info({ topicPartition: key, dir: log.dir }, 'created log');
    return log;
  }

  /** Alias of createLog (Kafka's name). */
  getOrCreateLog(tp: TopicPartition, opts: { topicId?: string; config?: LogConfig; deferDirSync?: boolean } = {}): PartitionLog {
    return this.createLog(tp, opts);
  }

  /** fsyncs each log dir that got partition directories from createLog(..., { deferDirSync: true }). */
  syncNewLogDirs(): void {
    for (const d of this.dirsToSync) this.opts.fs.fsyncDir(d);
    this.dirsToSync.clear();
  }

  /** deleteLogs of one partition; false when the broker has no log for it. */
  deleteLog(tp: TopicPartition): boolean {
    return this.deleteLogs([tp]) === 1;
  }

  /**
   * Closes the logs, renames their directories to `<topic>-<partition>.<uuid>-delete`, then
   * fsyncs and checkpoints each log dir involved once (Kafka's asyncDelete of a set of
   * partitions) and removes the directories after file.delete.delay.ms. Returns how many it deleted.
   */
  deleteLogs(tps: Iterable<TopicPartition>): number {
    const dirs = new Set<string>();
    let deleted = 0;
    try {
      for (const tp of tps) {
        const key = topicPartitionKey(tp);
        const entry = this.logs.get(key);
        if (!entry) continue;
        this.logs.delete(key);
        dirs.add(entry.logDir);
        entry.log.close();
        const target = join(entry.logDir, deleteDirName(tp));
        this.opts.fs.rename(entry.log.dir, target);
        this.scheduleDirDeletion(target, this.opts.fileDeleteDelayMs ?? 60_000);
        this.logger.info({ topicPartition: key, dir: target }, 'log renamed for deletion');
        deleted++;
      }
    } finally {
      // Also after a failed rename: the renames done so far must become durable and checkpointed.
      for (const d of dirs) {
        this.opts.fs.fsyncDir(d);
        this.checkpointDir(d);
      }
    }
    return deleted;
  }

  /**
   * Moves a partition's log to another of the log dirs (AlterReplicaLogDirs): flushes and closes
   * it, renames its directory into the target dir, reopens it there and checkpoints both dirs.
   * Kafka copies through a "future" replica that catches up in the background; with one process
   * owning both dirs a rename is atomic and instant. Moving across file systems is refused
   * (EXDEV surfaces as an error the caller answers with KAFKA_STORAGE_ERROR).
   */
  moveLog(tp: TopicPartition, targetLogDir: string): PartitionLog {
    const key = topicPartitionKey(tp);
    const entry = this.logs.get(key);
    if (!entry) throw new Error(`no log for ${key}`);
    if (!this.logDirs.includes(targetLogDir)) throw new Error(`${targetLogDir} is not a log dir`);
    if (entry.logDir === targetLogDir) return entry.log;
    const old = entry.log;
    old.flush();
    const state = { recoveryPoint: old.logEndOffset, logStartOffset: old.logStartOffset, highWatermark: old.highWatermark, topicId: old.topicId };
    old.close();
    const dir = join(targetLogDir, partitionDirName(tp));
    this.opts.fs.rename(old.dir, dir);
    this.opts.fs.fsyncDir(targetLogDir);
    this.opts.fs.fsyncDir(entry.logDir);
    const log = this.openLog(dir, tp, { hadCleanShutdown: true, ...state, ...(state.topicId !== undefined ? { topicId: state.topicId } : {}) });
    const from = entry.logDir;
    this.logs.set(key, { log, logDir: targetLogDir });
    this.checkpointDir(from);
    this.checkpointDir(targetLogDir);
    this.logger.info({ topicPartition: key, from, to: targetLogDir }, 'moved log to another log dir');
    return log;
  }

  private logsIn(logDir: string): PartitionLog[] {
    const out: PartitionLog[] = [];
    for (const e of this.logs.values()) if (e.logDir === logDir) out.push(e.log);
    return out;
  }

  private writeCheckpoint(logDir: string, file: string, entries: OffsetCheckpointEntry[]): void {
    try {
      writeOffsetCheckpoint(this.opts.fs, join(logDir, file), entries);
    } catch (err) {
      this.logger.error({ err, logDir, file }, 'failed to write checkpoint file');
    }
  }

  private entries(logs: PartitionLog[], offset: (l: PartitionLog) => bigint | null): OffsetCheckpointEntry[] {
    const out: OffsetCheckpointEntry[] = [];
    for (const l of logs) {
      const o = offset(l);
      if (o !== null) out.push({ topic: l.topicPartition.topic, partition: l.topicPartition.partition, offset: o });
    }
    return out;
  }

  checkpointRecoveryPoints(): void {
    for (const d of this.logDirs) this.writeCheckpoint(d, RECOVERY_POINT_CHECKPOINT_FILE, this.entries(this.logsIn(d), (l) => l.recoveryPoint));
  }

  /** Only logs whose start offset is above their first segment's base offset, as Kafka writes it. */
  checkpointLogStartOffsets(): void {
    for (const d of this.logDirs) {
      const entries = this.entries(this.logsIn(d), (l) => {
        const first = l.segmentsInfo()[0]?.baseOffset ?? 0n;
        return l.logStartOffset > first ? l.logStartOffset : null;
      });
      this.writeCheckpoint(d, LOG_START_OFFSET_CHECKPOINT_FILE, entries);
    }
  }

  checkpointHighWatermarks(): void {
    for (const d of this.logDirs) this.writeCheckpoint(d, REPLICATION_OFFSET_CHECKPOINT_FILE, this.entries(this.logsIn(d), (l) => l.highWatermark));
  }

  private checkpointDir(logDir: string): void {
    const logs = this.logsIn(logDir);
    this.writeCheckpoint(logDir, RECOVERY_POINT_CHECKPOINT_FILE, this.entries(logs, (l) => l.recoveryPoint));
    this.writeCheckpoint(
      logDir,
      LOG_START_OFFSET_CHECKPOINT_FILE,
      this.entries(logs, (l) => (l.logStartOffset > (l.segmentsInfo()[0]?.baseOffset ?? 0n) ? l.logStartOffset : null)),
    );
    this.writeCheckpoint(logDir, REPLICATION_OFFSET_CHECKPOINT_FILE, this.entries(logs, (l) => l.highWatermark));
  }

  /** Writes all three checkpoint files of every log dir now. */
  checkpointAll(): void {
    for (const d of this.logDirs) this.checkpointDir(d);
  }

  /** Kafka's flushDirtyLogs: flushes (on the thread pool) every log not flushed for flush.ms. */
  async flushDirtyLogs(): Promise<void> {
    if (this.flushing || this.closed) return;
    this.flushing = true;
    try {
      for (const { log } of [...this.logs.values()]) {
        if (this.opts.clock() - log.lastFlushTime < log.config.flushIntervalMs) continue;
        try {
          await log.flushAsync();
        } catch (err) {
          this.logger.error({ err, topicPartition: log.topicPartition }, 'error flushing log');
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /** For DescribeLogDirs: each log dir with its partitions' sizes (offsetLag = max(hw - leo, 0)). */
  describeLogDirs(): LogDirDescription[] {
    return this.logDirs.map((logDir) => ({
      logDir,
      partitions: this.logsIn(logDir).map((l) => ({
        topic: l.topicPartition.topic,
        partition: l.topicPartition.partition,
        sizeInBytes: l.sizeInBytes(),
        offsetLag: l.highWatermark > l.logEndOffset ? l.highWatermark - l.logEndOffset : 0n,
        isFuture: false,
      })),
    }));
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Flushes and closes every log, writes checkpoints and clean-shutdown markers, stops every timer. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.tasks) t.cancel();
    this.tasks.clear();
    this.syncNewLogDirs();
    for (const logDir of this.logDirs) {
      let clean = true;
      for (const log of this.logsIn(logDir)) {
        try {
          log.close({ flush: true });
        } catch (err) {
          clean = false;
          this.logger.error({ err, topicPartition: log.topicPartition }, 'error flushing log on shutdown');
          log.close();
        }
      }
      this.checkpointDir(logDir);
      if (!clean) continue;
      try {
        writeCleanShutdownMarker(this.opts.fs, logDir, this.opts.brokerEpoch?.() ?? -1n);
      } catch (err) {
        this.logger.error({ err, logDir }, 'failed to write the clean shutdown marker');
      }
    }
    this.logs.clear();
  }
}
