/**
 * The log cleaner (Kafka's LogCleaner with one CleanerThread): a loop on the event loop that
 * picks the filthiest compacted log (cleaner-manager.ts), cleans it (cleaner.ts), then runs
 * retention (deleteOldSegments) on every compacted log, as Kafka's cleaner thread does for
 * `compact` and `compact,delete` topics. When nothing was cleaned it waits log.cleaner.backoff.ms
 * before looking again; otherwise it looks again at once (after a turn of the event loop).
 *
 * A log whose cleaning fails unexpectedly (corrupt data, I/O error) is marked uncleanable and
 * skipped until it is no longer hosted (Kafka does the same); an abandoned cleaning (shutdown,
 * the log truncated, closed or deleted meanwhile) leaves the checkpoint where it was.
 *
 * Settings are read at every round, so dynamic broker config changes apply without a restart.
 */
import { topicPartitionKey } from '../file-names.js';
import type { StorageFs } from '../fs/storage-fs.js';
import { noopLogger, type Logger } from '../logger.js';
import type { PartitionLog } from '../partition-log.js';
import { deleteOldSegments, type RetentionHooks } from '../retention.js';
import type { ScheduledTask, Scheduler } from '../scheduler.js';
import { LogCleanerManager, type CleanableLog } from './cleaner-manager.js';
import { Cleaner, CleaningAbortedError, type CleanResult, type LastRecord } from './cleaner.js';
import type { LogCleanupConfig } from './cleanup-config.js';
import type { AbortedTxn } from './transaction-metadata.js';

/** Broker-level cleaner settings (log.cleaner.*), per cleaner. */
export interface CleanerSettings {
  backoffMs: number;
  dedupeBufferBytes: number;
  loadFactor: number;
  ioBufferBytes: number;
  maxBytesPerSecond: number;
  /** Longest synchronous slice of cleaning work (ms). */
  sliceBudgetMs?: number;
}

export const DEFAULT_CLEANER_SETTINGS: Readonly<CleanerSettings> = Object.freeze({
  backoffMs: 15_000,
  dedupeBufferBytes: 128 * 1024 * 1024,
  loadFactor: 0.9,
  ioBufferBytes: 256 * 1024,
  maxBytesPerSecond: Infinity,
});

export interface LogCleanerOptions {
  fs: StorageFs;
  scheduler: Scheduler;
  clock: () => number;
  logger?: Logger;
  /** Every hosted log with its log dir. */
  logs: () => CleanableLog[];
  logDirs: readonly string[];
  config: (log: PartitionLog) => LogCleanupConfig;
  settings?: () => CleanerSettings;
  /** Default: the high watermark (no transactions). */
  lastStableOffset?: (log: PartitionLog) => bigint;
  lastRecordsOfActiveProducers?: (log: PartitionLog) => ReadonlyMap<bigint, LastRecord>;
  abortedTransactions?: (log: PartitionLog, from: bigint, to: bigint) => readonly AbortedTxn[];
  onSegmentsDeleted?: RetentionHooks['onSegmentsDeleted'];
  /** After a round whose retention deleted segments (checkpoint the log start offsets). */
  afterDeletion?: () => void;
  /** Called after each log cleaned (tests, metrics). */
  onCleaned?: (log: PartitionLog, result: CleanResult) => void;
}

export class LogCleaner {
  readonly manager: LogCleanerManager;
  private readonly logger: Logger;
  private task: ScheduledTask | null = null;
  private running: Promise<boolean> | null = null;
  private stopping = false;
  private started = false;
  /** Results of the cleanings so far (the latest last; at most 100 kept). */
  readonly results: { topicPartition: string; result: CleanResult }[] = [];

  constructor(private readonly opts: LogCleanerOptions) {
    this.logger = opts.logger ?? noopLogger;
    this.manager = new LogCleanerManager({ fs: opts.fs, logDirs: opts.logDirs, logger: this.logger });
  }

  private settings(): CleanerSettings {
    return this.opts.settings?.() ?? DEFAULT_CLEANER_SETTINGS;
  }

  start(): this {
    if (this.started || this.stopping) return this;
    this.started = true;
    this.scheduleNext(0);
    return this;
  }

  private scheduleNext(delayMs: number): void {
    if (this.stopping) return;
    this.task?.cancel();
    this.task = this.opts.scheduler.schedule(() => {
      this.task = null;
      void this.tick();
    }, delayMs);
  }

  private async tick(): Promise<void> {
    if (this.stopping || this.running) return;
    let cleaned = false;
    try {
      cleaned = await this.runOnce();
    } catch (err) {
      this.logger.error({ err }, 'log cleaner round failed');
    }
    if (this.started) this.scheduleNext(cleaned ? 0 : this.settings().backoffMs);
  }

  /** One round (Kafka's doWork); true when a log was cleaned. Rounds never overlap. */
  runOnce(): Promise<boolean> {
    if (this.running) return this.running;
    const run = this.doWork().finally(() => {
      if (this.running === run) this.running = null;
    });
    this.running = run;
    return run;
  }

  /** Test hook: runs rounds until no log is cleanable; returns the cleanings done. */
  async cleanNow(maxRounds = 100): Promise<CleanResult[]> {
    const out: CleanResult[] = [];
    if (this.running) await this.running.catch(() => false);
    for (let i = 0; i < maxRounds && !this.stopping; i++) {
      const before = this.results.length;
      const cleaned = await this.runOnce();
      for (const r of this.results.slice(before)) out.push(r.result);
      if (!cleaned) break;
    }
    return out;
  }

  private liveKeys(logs: readonly CleanableLog[]): Set<string> {
    return new Set(logs.map((l) => topicPartitionKey(l.log.topicPartition)));
  }

  private async doWork(): Promise<boolean> {
    const logs = this.opts.logs();
    const live = this.liveKeys(logs);
    const now = this.opts.clock();
    const configs = new Map<PartitionLog, LogCleanupConfig>();
    const configOf = (log: PartitionLog) => {
      let c = configs.get(log);
      if (!c) configs.set(log, (c = this.opts.config(log)));
      return c;
    };
    let cleaned = false;
    const candidate = this.manager.grabFilthiestCompactedLog(logs, now, configOf, (log) => this.lastStableOffset(log), live);
    if (candidate) {
      cleaned = true;
      await this.cleanLog(candidate.log, candidate.logDir, candidate.firstDirtyOffset, candidate.firstUncleanableOffset, configOf(candidate.log), now, live);
    }
    if (!this.stopping) this.deleteOldSegmentsOfCompactedLogs(logs, configOf);
    this.manager.maintainUncleanablePartitions(live);
    return cleaned;
  }

  private lastStableOffset(log: PartitionLog): bigint {
    const lso = this.opts.lastStableOffset?.(log) ?? log.highWatermark;
    return lso < log.highWatermark ? lso : log.highWatermark;
  }

  private async cleanLog(
    log: PartitionLog,
    logDir: string,
    firstDirtyOffset: bigint,
    firstUncleanableOffset: bigint,
    config: LogCleanupConfig,
    now: number,
    live: ReadonlySet<string>,
  ): Promise<void> {
    const s = this.settings();
    const key = topicPartitionKey(log.topicPartition);
    const removeListener = log.addListener((_l, event) => {
      if (event === 'truncate') this.manager.abort(log);
    });
    const cleaner = new Cleaner({
      fs: this.opts.fs,
      logger: this.logger,
      dedupeBufferBytes: s.dedupeBufferBytes,
      loadFactor: s.loadFactor,
      ioBufferBytes: s.ioBufferBytes,
      maxBytesPerSecond: s.maxBytesPerSecond,
      ...(s.sliceBudgetMs !== undefined ? { sliceBudgetMs: s.sliceBudgetMs } : {}),
      checkDone: (l) => {
        if (this.stopping || this.manager.isAborted(l) || l.isClosed) throw new CleaningAbortedError(`cleaning of ${key} aborted`);
      },
      ...(this.opts.lastRecordsOfActiveProducers ? { lastRecordsOfActiveProducers: this.opts.lastRecordsOfActiveProducers } : {}),
      ...(this.opts.abortedTransactions ? { abortedTransactions: this.opts.abortedTransactions } : {}),
    });
    let endOffset: bigint | null = null;
    try {
      const result = await cleaner.clean({ log, config, firstDirtyOffset, firstUncleanableOffset }, now);
      endOffset = result.endOffset;
      this.results.push({ topicPartition: key, result });
      if (this.results.length > 100) this.results.shift();
      this.opts.onCleaned?.(log, result);
    } catch (err) {
      if (err instanceof CleaningAbortedError) {
        this.logger.info({ topicPartition: key, reason: err.message }, 'log cleaning abandoned');
      } else {
        this.logger.error({ err, topicPartition: key }, 'unexpected error while cleaning, marking the partition uncleanable');
        this.manager.markUncleanable(logDir, log);
      }
    } finally {
      removeListener();
      this.manager.doneCleaning({ log, logDir }, endOffset, live);
    }
  }

  /** Kafka's cleaner thread: deleteOldSegments for every compacted log not being cleaned. */
  private deleteOldSegmentsOfCompactedLogs(logs: readonly CleanableLog[], configOf: (log: PartitionLog) => LogCleanupConfig): void {
    const now = this.opts.clock();
    const hooks: RetentionHooks = { logger: this.logger, ...(this.opts.onSegmentsDeleted ? { onSegmentsDeleted: this.opts.onSegmentsDeleted } : {}) };
    let total = 0;
    for (const { log, logDir } of logs) {
      if (log.isClosed) continue;
      try {
        const config = configOf(log);
        if (!config.compact || this.manager.inProgress.has(topicPartitionKey(log.topicPartition)) || this.manager.isUncleanable(logDir, log)) continue;
        total += deleteOldSegments(log, config, now, hooks);
      } catch (err) {
        this.logger.error({ err, topicPartition: log.topicPartition }, 'error deleting old segments');
      }
    }
    if (total > 0) this.opts.afterDeletion?.();
  }

  /** Stops the loop; an in-flight cleaning is abandoned at its next check. */
  async close(): Promise<void> {
    this.stopping = true;
    this.started = false;
    this.task?.cancel();
    this.task = null;
    if (this.running) await this.running.catch(() => false);
  }
}
