/**
 * The controller: turns admin requests into metadata records, appends them to the metadata log
 * and applies them to the image. With one voter the log commits locally; a Raft quorum will
 * replicate the same records through the same path.
 */
import { ErrorCode } from '../protocol/error-codes.js';
import { MetadataRecordKey } from '../protocol/generated/metadata-records.js';
import { defaultConfigRecord } from '../protocol/generated/metadata/config-record.js';
import { defaultFeatureLevelRecord } from '../protocol/generated/metadata/feature-level-record.js';
import { defaultPartitionRecord } from '../protocol/generated/metadata/partition-record.js';
import { defaultProducerIdsRecord } from '../protocol/generated/metadata/producer-ids-record.js';
import { defaultRegisterBrokerRecord } from '../protocol/generated/metadata/register-broker-record.js';
import { defaultRemoveTopicRecord } from '../protocol/generated/metadata/remove-topic-record.js';
import { defaultTopicRecord } from '../protocol/generated/metadata/topic-record.js';
import type { MetadataRecord } from '../protocol/metadata-record-serde.js';
import { randomUuid } from '../protocol/primitives/uuid.js';
import { ConfigResourceType, type BrokerEndpoint, type MetadataImage, type TopicImage } from './image.js';
import type { MetadataLog } from './metadata-log.js';
import { isInternalTopic, topicNameError, unifyCollisionChars } from './topic-name.js';

/** metadata.version written at bootstrap: 3.9-IV0, the level the schemas in this tree correspond to. */
export const BOOTSTRAP_METADATA_VERSION = 21;
/** Producer ids are handed out in blocks, as Kafka's controller does (ProducerIdsBlock.PRODUCER_ID_BLOCK_SIZE). */
export const PRODUCER_ID_BLOCK_SIZE = 1000n;

export interface CreatableTopic {
  name: string;
  numPartitions: number;
  replicationFactor: number;
  assignments: { partitionIndex: number; brokerIds: number[] }[];
  configs: { name: string; value: string | null }[];
}

export interface TopicResult {
  name: string;
  errorCode: number;
  errorMessage: string | null;
  topicId?: string;
  numPartitions?: number;
  replicationFactor?: number;
}

/** Validates topic configs: returns the first invalid one with Kafka's message, or null. */
export type TopicConfigValidator = (configs: ReadonlyMap<string, string>) => { name: string; message: string } | null;

export interface ControllerOptions {
  nodeId: number;
  image: MetadataImage;
  log: MetadataLog;
  defaultNumPartitions: () => number;
  defaultReplicationFactor: () => number;
  validateTopicConfigs: TopicConfigValidator;
  /** Log directory id new partitions are placed in (Kafka's directory.id). */
  directoryId: () => string;
  /** Called after records are committed and applied, so the broker can react (create or delete logs). */
  onCommit?: (records: MetadataRecord[]) => void;
}

export class Controller {
  constructor(private readonly opts: ControllerOptions) {}

  private get image(): MetadataImage {
    return this.opts.image;
  }

  /** Appends records and applies them to the image. */
  private commit(records: MetadataRecord[]): void {
    if (records.length === 0) return;
    const lastOffset = this.opts.log.append(records);
    let offset = lastOffset - BigInt(records.length - 1);
    for (const r of records) this.image.apply(r, offset++);
    this.opts.log.maybeSnapshot?.();
    this.opts.onCommit?.(records);
  }

  /** First start of a new cluster: the feature levels, then (every start) this broker's registration. */
  registerBroker(endpoints: BrokerEndpoint[], rack: string | null): void {
    const records: MetadataRecord[] = [];
    if (!this.image.features.has('metadata.version')) {
      records.push({ type: MetadataRecordKey.FeatureLevelRecord, version: 0, data: { ...defaultFeatureLevelRecord(), name: 'metadata.version', featureLevel: BOOTSTRAP_METADATA_VERSION } });
    }
    records.push({
      type: MetadataRecordKey.RegisterBrokerRecord,
      version: 3,
      data: {
        ...defaultRegisterBrokerRecord(),
        brokerId: this.opts.nodeId,
        isMigratingZkBroker: false,
        incarnationId: randomUuid(),
        brokerEpoch: this.image.lastOffset + 1n + BigInt(records.length),
        endPoints: endpoints.map((e) => ({ name: e.name, host: e.host, port: e.port, securityProtocol: e.securityProtocol })),
        features: [{ name: 'metadata.version', minSupportedVersion: 1, maxSupportedVersion: BOOTSTRAP_METADATA_VERSION }],
        rack,
        fenced: false,
        inControlledShutdown: false,
        logDirs: [this.opts.directoryId()],
      },
    });
    this.commit(records);
  }

  createTopics(topics: CreatableTopic[], validateOnly: boolean): TopicResult[] {
    const seen = new Map<string, number>();
    for (const t of topics) seen.set(t.name, (seen.get(t.name) ?? 0) + 1);
    const results: TopicResult[] = [];
    const records: MetadataRecord[] = [];
    const pendingNames = new Set<string>();
    for (const t of topics) {
      if ((seen.get(t.name) ?? 0) > 1) {
        results.push({ name: t.name, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic name.' });
        continue;
      }
      const planned = this.planTopic(t, pendingNames);
      if ('errorCode' in planned) {
        results.push(planned);
        continue;
      }
      pendingNames.add(t.name);
      results.push(planned.result);
      records.push(...planned.records);
    }
    if (!validateOnly) this.commit(records);
    return results;
  }

  /**
   * Creates an internal topic (__consumer_offsets, __transaction_state), which CreateTopics refuses:
   * the broker creates them itself on first use, as Kafka's AutoTopicCreationManager does.
   */
  createInternalTopic(t: CreatableTopic): TopicResult {
    const planned = this.planTopic(t, new Set(), true);
    if ('errorCode' in planned) return planned;
    this.commit(planned.records);
    return planned.result;
  }

  private planTopic(t: CreatableTopic, pending: Set<string>, allowInternal = false): TopicResult | { result: TopicResult; records: MetadataRecord[] } {
    const fail = (errorCode: number, errorMessage: string): TopicResult => ({ name: t.name, errorCode, errorMessage });
    const nameError = topicNameError(t.name);
    if (nameError) return fail(ErrorCode.INVALID_TOPIC_EXCEPTION, nameError);
    if (this.image.topicsByName.has(t.name) || pending.has(t.name)) return fail(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${t.name}' already exists.`);
    if (isInternalTopic(t.name) && !allowInternal) return fail(ErrorCode.INVALID_REQUEST, `Creation of internal topic ${t.name} is prohibited.`);
    const unified = unifyCollisionChars(t.name);
    for (const existing of [...this.image.topicsByName.keys(), ...pending]) {
      if (unifyCollisionChars(existing) === unified) return fail(ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic '${t.name}' collides with existing topic: ${existing}`);
    }

    let assignments: number[][];
    if (t.assignments.length > 0) {
      if (t.numPartitions !== -1 || t.replicationFactor !== -1) {
        return fail(ErrorCode.INVALID_REQUEST, 'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.');
      }
      const sorted = [...t.assignments].sort((a, b) => a.partitionIndex - b.partitionIndex);
      for (let i = 0; i < sorted.length; i++) {
        const a = sorted[i]!;
        if (a.partitionIndex !== i) return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'Partitions should be a consecutive 0-based integer sequence');
        if (a.brokerIds.length === 0) return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `The manual partition assignment includes an empty replica list.`);
        if (new Set(a.brokerIds).size !== a.brokerIds.length) return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `The manual partition assignment includes the broker ${a.brokerIds[0]} more than once.`);
        for (const b of a.brokerIds) {
          if (!this.image.brokers.has(b)) return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `The manual partition assignment includes broker ${b}, but no such broker is registered.`);
        }
      }
      assignments = sorted.map((a) => a.brokerIds);
    } else {
      const numPartitions = t.numPartitions === -1 ? this.opts.defaultNumPartitions() : t.numPartitions;
      const replicationFactor = t.replicationFactor === -1 ? this.opts.defaultReplicationFactor() : t.replicationFactor;
      if (numPartitions <= 0) return fail(ErrorCode.INVALID_PARTITIONS, 'Number of partitions was set to an invalid non-positive value.');
      if (replicationFactor <= 0) return fail(ErrorCode.INVALID_REPLICATION_FACTOR, 'Replication factor must be larger than 0, or -1 to use the default value.');
      const brokers = [...this.image.brokers.values()].filter((b) => !b.fenced).map((b) => b.brokerId).sort((a, b) => a - b);
      if (replicationFactor > brokers.length) {
        return fail(
          ErrorCode.INVALID_REPLICATION_FACTOR,
          `Unable to replicate the partition ${replicationFactor} time(s): The target replication factor of ${replicationFactor} cannot be reached because only ${brokers.length} broker(s) are registered.`,
        );
      }
      assignments = [];
      for (let p = 0; p < numPartitions; p++) {
        const replicas: number[] = [];
        for (let r = 0; r < replicationFactor; r++) replicas.push(brokers[(p + r) % brokers.length]!);
        assignments.push(replicas);
      }
    }

    const configs = new Map<string, string>();
    for (const c of t.configs) {
      if (c.value === null) return fail(ErrorCode.INVALID_CONFIG, `Null value not supported for topic configs: ${c.name}`);
      configs.set(c.name, c.value);
    }
    const invalid = this.opts.validateTopicConfigs(configs);
    if (invalid) return fail(ErrorCode.INVALID_CONFIG, invalid.message);

    const topicId = randomUuid();
    const records: MetadataRecord[] = [{ type: MetadataRecordKey.TopicRecord, version: 0, data: { ...defaultTopicRecord(), name: t.name, topicId } }];
    for (const [name, value] of configs) {
      records.push({ type: MetadataRecordKey.ConfigRecord, version: 0, data: { ...defaultConfigRecord(), resourceType: ConfigResourceType.TOPIC, resourceName: t.name, name, value } });
    }
    records.push(...this.partitionRecords(topicId, 0, assignments));
    return {
      result: { name: t.name, errorCode: ErrorCode.NONE, errorMessage: null, topicId, numPartitions: assignments.length, replicationFactor: assignments[0]!.length },
      records,
    };
  }

  private partitionRecords(topicId: string, firstPartition: number, assignments: number[][]): MetadataRecord[] {
    return assignments.map((replicas, i) => ({
      type: MetadataRecordKey.PartitionRecord,
      version: 1,
      data: {
        ...defaultPartitionRecord(),
        partitionId: firstPartition + i,
        topicId,
        replicas,
        isr: replicas,
        leader: replicas[0]!,
        leaderEpoch: 0,
        partitionEpoch: 0,
        directories: replicas.map(() => this.opts.directoryId()),
      },
    }));
  }

  deleteTopic(topic: TopicImage): void {
    this.commit([{ type: MetadataRecordKey.RemoveTopicRecord, version: 0, data: { ...defaultRemoveTopicRecord(), topicId: topic.topicId } }]);
  }

  /** Adds partitions up to `count`; returns an error or null. */
  createPartitions(topicName: string, count: number, assignments: number[][] | null, validateOnly: boolean): { errorCode: number; errorMessage: string | null } {
    const topic = this.image.topicsByName.get(topicName);
    if (!topic) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `This server does not host this topic-partition.` };
    const current = topic.partitions.size;
    if (count < current) return { errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: `The topic ${topicName} currently has ${current} partition(s); ${count} would not be an increase.` };
    if (count === current) return { errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: `Topic already has ${current} partition(s).` };
    const replicationFactor = topic.partitions.get(0)?.replicas.length ?? 1;
    const added = count - current;
    let newAssignments: number[][];
    if (assignments) {
      if (assignments.length !== added) {
        return { errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage: `Attempted to add ${added} additional partition(s), but only ${assignments.length} assignment(s) were specified.` };
      }
      for (const a of assignments) {
        for (const b of a) {
          if (!this.image.brokers.has(b)) return { errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage: `The manual partition assignment includes broker ${b}, but no such broker is registered.` };
        }
      }
      newAssignments = assignments;
    } else {
      const brokers = [...this.image.brokers.values()].filter((b) => !b.fenced).map((b) => b.brokerId).sort((a, b) => a - b);
      if (replicationFactor > brokers.length) {
        return { errorCode: ErrorCode.INVALID_REPLICATION_FACTOR, errorMessage: `Unable to replicate the partition ${replicationFactor} time(s): The target replication factor of ${replicationFactor} cannot be reached because only ${brokers.length} broker(s) are registered.` };
      }
      newAssignments = [];
      for (let p = current; p < count; p++) {
        const replicas: number[] = [];
        for (let r = 0; r < replicationFactor; r++) replicas.push(brokers[(p + r) % brokers.length]!);
        newAssignments.push(replicas);
      }
    }
    if (!validateOnly) this.commit(this.partitionRecords(topic.topicId, current, newAssignments));
    return { errorCode: ErrorCode.NONE, errorMessage: null };
  }

  /** Allocates the next block of producer ids (AllocateProducerIds, answered locally with one voter). */
  allocateProducerIdBlock(): { firstProducerId: bigint; size: bigint } {
    const first = this.image.nextProducerId;
    this.commit([
      {
        type: MetadataRecordKey.ProducerIdsRecord,
        version: 0,
        data: { ...defaultProducerIdsRecord(), brokerId: this.opts.nodeId, brokerEpoch: this.image.brokers.get(this.opts.nodeId)?.brokerEpoch ?? -1n, nextProducerId: first + PRODUCER_ID_BLOCK_SIZE },
      },
    ]);
    return { firstProducerId: first, size: PRODUCER_ID_BLOCK_SIZE };
  }

  /** Sets (value) or removes (null) configs of one resource. */
  alterConfigs(resourceType: number, resourceName: string, changes: { name: string; value: string | null }[]): void {
    this.commit(changes.map((c) => ({ type: MetadataRecordKey.ConfigRecord, version: 0, data: { ...defaultConfigRecord(), resourceType, resourceName, name: c.name, value: c.value } })));
  }
}
