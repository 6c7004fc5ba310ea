/**
 * __consumer_offsets as the broker holds it: created on first use through the controller (an
 * internal, compacted topic with offsets.topic.num.partitions partitions, as Kafka's
 * AutoTopicCreationManager creates it with GroupCoordinator.groupMetadataTopicConfigs), and the
 * coordinator's view of each partition this broker leads.
 */
import type { Controller } from '../../metadata/controller.js';
import type { MetadataImage } from '../../metadata/image.js';
import { GROUP_METADATA_TOPIC } from '../../metadata/topic-name.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import type { Partition } from '../../replication/partition.js';
import type { ReplicaManager } from '../../replication/replica-manager.js';
import type { CoordinatorLog } from '../runtime/coordinator-log.js';
import type { OffsetsTopic } from './group-coordinator.js';

export interface OffsetsTopicSettings {
  numPartitions: number;
  replicationFactor: number;
  segmentBytes: number;
}

/** Which internal topic a BrokerOffsetsTopic stands for (__consumer_offsets by default, __transaction_state for transactions). */
export interface CoordinatorTopicSpec {
  name: string;
  /** compression.type of the topic (default producer, as __consumer_offsets). */
  compressionType?: string;
  /** Topic configs besides cleanup.policy=compact, compression.type and segment.bytes. */
  extraConfigs?: { name: string; value: string }[];
}

/** A partition's log as the coordinator runtime writes and loads it. */
export class PartitionCoordinatorLog implements CoordinatorLog {
  constructor(readonly partition: Partition) {}

  get logStartOffset(): bigint {
    return this.partition.log.logStartOffset;
  }

  get logEndOffset(): bigint {
    return this.partition.log.logEndOffset;
  }

  get highWatermark(): bigint {
    return this.partition.log.highWatermark;
  }

  append(batch: Buffer): bigint {
    return this.partition.appendCoordinatorBatch(batch);
  }

  read(offset: bigint, maxBytes: number): Buffer[] {
    return this.partition.log.read(offset, maxBytes, { minOneMessage: true }).records;
  }

  onHighWatermark(listener: () => void): () => void {
    return this.partition.log.addListener((_log, event) => {
      if (event === 'highWatermark') listener();
    });
  }
}

export class BrokerOffsetsTopic implements OffsetsTopic {
  private readonly logs = new WeakMap<Partition, PartitionCoordinatorLog>();

  constructor(
    private readonly image: MetadataImage,
    private readonly replicas: ReplicaManager,
    private readonly controller: Controller,
    private readonly settings: () => OffsetsTopicSettings,
    private readonly spec: CoordinatorTopicSpec = { name: GROUP_METADATA_TOPIC },
  ) {}

  numPartitions(): number | null {
    return this.image.topicsByName.get(this.spec.name)?.partitions.size ?? null;
  }

  logFor(partition: number): CoordinatorLog | undefined {
    const p = this.replicas.getPartition(this.spec.name, partition);
    if (!p) return undefined;
    let log = this.logs.get(p);
    if (!log) this.logs.set(p, (log = new PartitionCoordinatorLog(p)));
    return log;
  }

  /** Creates the topic when missing; returns NONE once it exists, or why it could not be created. */
  ensureExists(): { errorCode: number; errorMessage: string | null } {
    if (this.image.topicsByName.has(this.spec.name)) return { errorCode: ErrorCode.NONE, errorMessage: null };
    const s = this.settings();
    const result = this.controller.createInternalTopic({
      name: this.spec.name,
      numPartitions: s.numPartitions,
      replicationFactor: s.replicationFactor,
      assignments: [],
      configs: [
        { name: 'cleanup.policy', value: 'compact' },
        { name: 'compression.type', value: this.spec.compressionType ?? 'producer' },
        { name: 'segment.bytes', value: String(s.segmentBytes) },
        ...(this.spec.extraConfigs ?? []),
      ],
    });
    if (result.errorCode === ErrorCode.TOPIC_ALREADY_EXISTS) return { errorCode: ErrorCode.NONE, errorMessage: null };
    return { errorCode: result.errorCode, errorMessage: result.errorMessage };
  }
}
