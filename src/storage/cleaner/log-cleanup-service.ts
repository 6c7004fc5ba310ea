/**
 * Wires retention (../retention.ts) and the log cleaner (log-cleaner.ts) to a broker: its logs
 * (LogManager), the partitions it leads (producer state: last stable offset, active producers,
 * onLogStartOffsetIncremented), each topic's effective config and the broker's log.* settings:
 *   log.retention.check.interval.ms, log.initial.task.delay.ms          retention task
 *   log.cleaner.enable, log.cleaner.threads, log.cleaner.backoff.ms,
 *   log.cleaner.dedupe.buffer.size, log.cleaner.io.buffer.size,
 *   log.cleaner.io.buffer.load.factor, log.cleaner.io.max.bytes.per.second   the cleaner
 * Broker settings are read when used, so dynamic changes apply (the enable flag and the retention
 * interval are read-only in Kafka: read at start).
 */
import { longToNumber } from '../../config/config-def.js';
import type { TopicConfig } from '../../config/topic-configs.js';
import type { LogManager } from '../log-manager.js';
import { noopLogger, type Logger } from '../logger.js';
import type { PartitionLog } from '../partition-log.js';
import type { ProducerStateManager } from '../producer-state/index.js';
import { RetentionManager } from '../retention.js';
import type { Scheduler } from '../scheduler.js';
import type { StorageFs } from '../fs/storage-fs.js';
import type { LastRecord } from './cleaner.js';
import { logCleanupConfigOf, type LogCleanupConfig } from './cleanup-config.js';
import { DEFAULT_CLEANER_SETTINGS, LogCleaner, type CleanerSettings } from './log-cleaner.js';

export interface HostedPartitions {
  getPartition(topic: string, partition: number): { producers: ProducerStateManager } | undefined;
}

export interface LogCleanupServiceOptions {
  logManager: Pick<LogManager, 'allLogs' | 'logDirOf' | 'logDirs' | 'checkpointLogStartOffsets'>;
  partitions: HostedPartitions;
  topicConfig: (topic: string) => TopicConfig;
  /** The broker's effective config value by Kafka name. */
  brokerConfig: (name: string) => unknown;
  fs: StorageFs;
  scheduler: Scheduler;
  clock: () => number;
  logger?: Logger;
}

function toNumber(v: unknown, fallback: number): number {
  if (typeof v === 'bigint') return longToNumber(v);
  if (typeof v === 'number' && !Number.isNaN(v)) return v;
  return fallback;
}

/** Producer-state upkeep when segments below the log start offset went (Kafka's maybeIncrementLogStartOffset). */
export function onLogStartOffsetIncremented(log: PartitionLog, producers: ProducerStateManager | undefined): void {
  if (!producers) return;
  producers.onLogStartOffsetIncremented(log.logStartOffset);
  const first = log.logSegments()[0];
  if (first) producers.deleteSnapshotsBefore(first.baseOffset);
}

export class LogCleanupService {
  readonly retention: RetentionManager;
  readonly cleaner: LogCleaner | null;
  private readonly logger: Logger;

  private constructor(opts: LogCleanupServiceOptions) {
    this.logger = opts.logger ?? noopLogger;
    const num = (name: string, fallback: number) => toNumber(opts.brokerConfig(name), fallback);
    const configOf = (log: PartitionLog): LogCleanupConfig => logCleanupConfigOf(opts.topicConfig(log.topicPartition.topic));
    const producersOf = (log: PartitionLog) => opts.partitions.getPartition(log.topicPartition.topic, log.topicPartition.partition)?.producers;
    const onSegmentsDeleted = (log: PartitionLog) => onLogStartOffsetIncremented(log, producersOf(log));
    const afterDeletion = () => opts.logManager.checkpointLogStartOffsets();

    this.retention = new RetentionManager({
      logs: () => opts.logManager.allLogs(),
      config: configOf,
      scheduler: opts.scheduler,
      clock: opts.clock,
      logger: this.logger,
      checkIntervalMs: num('log.retention.check.interval.ms', 300_000),
      initialDelayMs: num('log.initial.task.delay.ms', 30_000),
      onSegmentsDeleted,
      afterDeletion,
    });

    const enabled = opts.brokerConfig('log.cleaner.enable') !== false;
    this.cleaner = enabled
      ? new LogCleaner({
          fs: opts.fs,
          scheduler: opts.scheduler,
          clock: opts.clock,
          logger: this.logger,
          logDirs: opts.logManager.logDirs,
          logs: () => {
            const out: { log: PartitionLog; logDir: string }[] = [];
            for (const log of opts.logManager.allLogs()) {
              const logDir = opts.logManager.logDirOf(log.topicPartition);
              if (logDir !== undefined) out.push({ log, logDir });
            }
            return out;
          },
          config: configOf,
          settings: (): CleanerSettings => {
            const threads = Math.max(1, num('log.cleaner.threads', 1));
            return {
              backoffMs: num('log.cleaner.backoff.ms', DEFAULT_CLEANER_SETTINGS.backoffMs),
              dedupeBufferBytes: Math.floor(num('log.cleaner.dedupe.buffer.size', DEFAULT_CLEANER_SETTINGS.dedupeBufferBytes) / threads),
              loadFactor: num('log.cleaner.io.buffer.load.factor', DEFAULT_CLEANER_SETTINGS.loadFactor),
              ioBufferBytes: Math.max(4096, Math.floor(num('log.cleaner.io.buffer.size', 524288) / threads / 2)),
              maxBytesPerSecond: num('log.cleaner.io.max.bytes.per.second', Infinity),
            };
          },
          lastStableOffset: (log) => {
            const firstUnstable = producersOf(log)?.firstUnstableOffset() ?? null;
            return firstUnstable !== null && firstUnstable < log.highWatermark ? firstUnstable : log.highWatermark;
          },
          lastRecordsOfActiveProducers: (log) => {
            const out = new Map<bigint, LastRecord>();
            const producers = producersOf(log);
            if (!producers) return out;
            for (const [id, entry] of producers.activeProducers()) {
              out.set(id, { lastDataOffset: entry.lastDataOffset >= 0n ? entry.lastDataOffset : null, producerEpoch: entry.producerEpoch });
            }
            return out;
          },
          onSegmentsDeleted,
          afterDeletion,
        })
      : null;
  }

  /** Starts the retention task and, with log.cleaner.enable, the cleaner. */
  static start(opts: LogCleanupServiceOptions): LogCleanupService {
    const s = new LogCleanupService(opts);
    s.retention.start();
    s.cleaner?.start();
    return s;
  }

  /** Stops both; an in-flight cleaning is abandoned (its `.cleaned` files removed). */
  async close(): Promise<void> {
    this.retention.close();
    await this.cleaner?.close();
  }
}
