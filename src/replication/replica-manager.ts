/**
 * The partitions this broker hosts, kept in step with the metadata image (Kafka's ReplicaManager
 * as far as a leader goes): opens logs and producer state for partitions it leads, deletes them
 * with their topic, and wakes long-polling fetches when data arrives.
 */
import type { TopicConfig } from '../config/topic-configs.js';
import type { Logger } from '../logger.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { topicNameError } from '../metadata/topic-name.js';
import type { MetadataImage, PartitionImage, TopicImage } from '../metadata/image.js';
import { MetadataRecordKey } from '../protocol/generated/metadata-records.js';
import type { PartitionChangeRecord } from '../protocol/generated/metadata/partition-change-record.js';
import type { PartitionRecord } from '../protocol/generated/metadata/partition-record.js';
import type { MetadataRecord } from '../protocol/metadata-record-serde.js';
import { BatchHeader } from '../protocol/records/batch-header.js';
import { iterateBatches } from '../protocol/records/batch-iterator.js';
import type { StorageFs } from '../storage/fs/storage-fs.js';
import type { LogManager } from '../storage/log-manager.js';
import type { PartitionLog } from '../storage/partition-log.js';
import { ProducerStateManager } from '../storage/producer-state/index.js';
import type { TopicStats } from '../metrics/broker-stats.js';
import { Partition } from './partition.js';
import { logConfigOf, partitionSettingsOf } from './topic-settings.js';

export interface ReplicaManagerOptions {
  nodeId: number;
  image: MetadataImage;
  logManager: LogManager;
  fs: StorageFs;
  now: () => number;
  log: Logger;
  /** A topic's effective config: its overrides on top of the broker's defaults. */
  topicConfig: (topic: string) => TopicConfig;
  producerIdExpirationMs: number;
  /** The metrics counters of a topic (BrokerStats.topic); partitions get a private set when omitted. */
  topicStats?: (topic: string) => TopicStats;
}

const REPLAY_READ_BYTES = 1024 * 1024;

export class ReplicaManager {
  private readonly partitions = new Map<string, Map<number, Partition>>();
  private readonly waiters = new Map<Partition, Set<() => void>>();
  /** Fetches waiting in waitForData (Kafka's Fetch purgatory size). */
  waitingFetches = 0;

  constructor(private readonly opts: ReplicaManagerOptions) {}

  getPartition(topic: string, partition: number): Partition | undefined {
    return this.partitions.get(topic)?.get(partition);
  }

  allPartitions(): Partition[] {
    const out: Partition[] = [];
    for (const byIndex of this.partitions.values()) out.push(...byIndex.values());
    return out;
  }

  /** Opens every partition this broker leads in the image (at startup, after replaying metadata). */
  loadFromImage(): void {
    for (const topic of this.opts.image.topicsByName.values()) {
      for (const p of topic.partitions.values()) this.maybeOpen(topic, p);
    }
    this.opts.logManager.syncNewLogDirs();
  }

  /** Reacts to committed metadata records. */
  onMetadataRecords(records: MetadataRecord[]): void {
    const image = this.opts.image;
    for (const r of records) {
      if (r.type === MetadataRecordKey.PartitionRecord || r.type === MetadataRecordKey.PartitionChangeRecord) {
        const d = r.data as PartitionRecord | PartitionChangeRecord;
        const topic = image.topicsById.get(d.topicId);
        const p = topic?.partitions.get(d.partitionId);
        if (topic && p) {
          const existing = this.getPartition(topic.name, p.partitionId);
          if (existing) existing.leaderEpoch = p.leaderEpoch;
          else this.maybeOpen(topic, p);
        }
      } else if (r.type === MetadataRecordKey.RemoveTopicRecord) {
        const topicId = (r.data as { topicId: string }).topicId;
        for (const [name, byIndex] of this.partitions) {
          const first = byIndex.values().next().value;
          if (first && first.topicId === topicId) this.deleteTopic(name);
        }
      } else if (r.type === MetadataRecordKey.ConfigRecord) {
        this.refreshConfigs();
      }
    }
    this.opts.logManager.syncNewLogDirs();
  }

  /** Re-reads every hosted topic's effective config (a topic or broker config changed). */
  refreshConfigs(): void {
    for (const [name, byIndex] of this.partitions) {
      const config = this.opts.topicConfig(name);
      for (const p of byIndex.values()) {
        p.settings = partitionSettingsOf(config);
        p.log.updateConfig(logConfigOf(config));
      }
    }
  }

  private maybeOpen(topic: TopicImage, p: PartitionImage): void {
    if (p.leader !== this.opts.nodeId) return;
    const config = this.opts.topicConfig(topic.name);
    const tp = { topic: topic.name, partition: p.partitionId };
    const log = this.opts.logManager.getOrCreateLog(tp, { topicId: topic.topicId, config: logConfigOf(config), deferDirSync: true });
    // This node is the partition's only replica, so its whole log is committed: as Kafka's
    // Partition.makeLeader does with an ISR of one, the high watermark starts at the log end (the
    // checkpointed value is stale or absent after a crash). With followers, the ISR will decide.
    log.highWatermark = log.logEndOffset;
    const producers = this.loadProducerState(log, `${topic.name}-${p.partitionId}`);
    const partition = new Partition(topic.name, p.partitionId, topic.topicId, p.leaderEpoch, log, producers, partitionSettingsOf(config), this.opts.now, this.opts.topicStats?.(topic.name));
    log.onAppend(() => this.wake(partition));
    let byIndex = this.partitions.get(topic.name);
    if (!byIndex) this.partitions.set(topic.name, (byIndex = new Map()));
    byIndex.set(p.partitionId, partition);
  }

  /** Loads the newest producer snapshot and replays the batches after it (UnifiedLog.rebuildProducerState). */
  private loadProducerState(log: PartitionLog, partitionName: string): ProducerStateManager {
    const producers = new ProducerStateManager({
      dir: log.dir,
      fs: this.opts.fs,
      producerIdExpirationMs: this.opts.producerIdExpirationMs,
      time: this.opts.now,
      partitionName,
      logger: { info: (m: string) => this.opts.log.info(m), warn: (m: string) => this.opts.log.warn(m) },
    });
    producers.truncateAndReload(log.logStartOffset, log.logEndOffset);
    let offset = producers.mapEndOffset() > log.logStartOffset ? producers.mapEndOffset() : log.logStartOffset;
    while (offset < log.logEndOffset) {
      const { records } = log.read(offset, REPLAY_READ_BYTES, { minOneMessage: true });
      if (records.length === 0) break;
      let advanced = false;
      for (const chunk of records) {
        for (const batch of iterateBatches(chunk)) {
          const h = new BatchHeader(batch);
          const last = h.lastOffset;
          if (last < offset) continue;
          if (h.producerId >= 0n) producers.rebuildFromBatch(h, last);
          offset = last + 1n;
          advanced = true;
        }
      }
      if (!advanced) break;
    }
    producers.updateMapEndOffset(log.logEndOffset);
    return producers;
  }

  private deleteTopic(name: string): void {
    const byIndex = this.partitions.get(name);
    if (!byIndex) return;
    this.partitions.delete(name);
    for (const p of byIndex.values()) {
      this.wake(p);
      this.waiters.delete(p);
    }
    this.opts.logManager.deleteLogs([...byIndex.values()].map((p) => ({ topic: p.topic, partition: p.partition })));
  }

  /**
   * AlterReplicaLogDirs for one partition (ReplicaManager.alterReplicaLogDirs): LOG_DIR_NOT_FOUND
   * for a path that is not one of log.dirs; a partition this broker does not host yet is accepted
   * (Kafka remembers the preferred dir; here new logs go to the least loaded dir).
   */
  moveToLogDir(topic: string, partition: number, logDir: string): number {
    const logManager = this.opts.logManager;
    if (!logManager.logDirs.includes(logDir)) return ErrorCode.LOG_DIR_NOT_FOUND;
    const p = this.getPartition(topic, partition);
    if (!p) return topicNameError(topic) === null ? ErrorCode.NONE : ErrorCode.INVALID_TOPIC_EXCEPTION;
    try {
      const log = logManager.moveLog({ topic, partition }, logDir);
      if (log !== p.log) {
        p.log = log;
        p.producers.updateParentDir(log.dir);
        log.onAppend(() => this.wake(p));
      }
      return ErrorCode.NONE;
    } catch (err) {
      this.opts.log.error({ err, topic, partition, logDir }, 'could not move log');
      return ErrorCode.KAFKA_STORAGE_ERROR;
    }
  }

  /** Resolves when any of the partitions gets new data, or after timeoutMs. */
  waitForData(partitions: Partition[], timeoutMs: number): Promise<void> {
    this.waitingFetches++;
    let settled = false;
    return new Promise((resolve) => {
      const done = () => {
        if (settled) return;
        settled = true;
        this.waitingFetches--;
        clearTimeout(timer);
        for (const p of partitions) this.waiters.get(p)?.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      for (const p of partitions) {
        let set = this.waiters.get(p);
        if (!set) this.waiters.set(p, (set = new Set()));
        set.add(done);
      }
    });
  }

  /** Wakes every waiting fetch (shutdown). */
  wakeAll(): void {
    for (const p of [...this.waiters.keys()]) this.wake(p);
  }

  private wake(p: Partition): void {
    const set = this.waiters.get(p);
    if (!set || set.size === 0) return;
    for (const fn of [...set]) fn();
  }

  /** Snapshots producer state so deduplication survives the restart; the LogManager closes the logs. */
  close(): void {
    this.wakeAll();
    for (const p of this.allPartitions()) {
      try {
        p.producers.updateMapEndOffset(p.log.logEndOffset);
        p.producers.takeSnapshot();
      } catch (err) {
        this.opts.log.warn({ err, partition: p.name }, 'could not snapshot producer state');
      }
    }
  }
}
