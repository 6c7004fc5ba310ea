/**
 * The cluster metadata image: what the metadata log's records add up to.
 *
 * Records are Kafka's own metadata records (TopicRecord, PartitionRecord, ConfigRecord, ...);
 * replaying the log from the start (or a snapshot) rebuilds exactly this image.
 */
import { MetadataRecordKey } from '../protocol/generated/metadata-records.js';
import type { ConfigRecord } from '../protocol/generated/metadata/config-record.js';
import type { FeatureLevelRecord } from '../protocol/generated/metadata/feature-level-record.js';
import type { PartitionChangeRecord } from '../protocol/generated/metadata/partition-change-record.js';
import type { PartitionRecord } from '../protocol/generated/metadata/partition-record.js';
import type { ProducerIdsRecord } from '../protocol/generated/metadata/producer-ids-record.js';
import type { RegisterBrokerRecord } from '../protocol/generated/metadata/register-broker-record.js';
import type { RemoveTopicRecord } from '../protocol/generated/metadata/remove-topic-record.js';
import type { TopicRecord } from '../protocol/generated/metadata/topic-record.js';
import type { MetadataRecord } from '../protocol/metadata-record-serde.js';

/** Kafka's ConfigResource.Type codes, as stored in ConfigRecord.resourceType. */
export const ConfigResourceType = { TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8, CLIENT_METRICS: 16, GROUP: 32 } as const;

export interface PartitionImage {
  topicId: string;
  partitionId: number;
  replicas: number[];
  isr: number[];
  leader: number;
  leaderEpoch: number;
  partitionEpoch: number;
  directories: string[];
}

export interface TopicImage {
  name: string;
  topicId: string;
  partitions: Map<number, PartitionImage>;
}

export interface BrokerEndpoint {
  name: string;
  host: string;
  port: number;
  securityProtocol: number;
}

export interface BrokerImage {
  /** The registration as recorded, for snapshots. */
  registration: RegisterBrokerRecord;
  brokerId: number;
  incarnationId: string;
  brokerEpoch: bigint;
  endpoints: BrokerEndpoint[];
  rack: string | null;
  fenced: boolean;
}

export class MetadataImage {
  readonly topicsByName = new Map<string, TopicImage>();
  readonly topicsById = new Map<string, TopicImage>();
  readonly brokers = new Map<number, BrokerImage>();
  /** resourceType -> resourceName -> config name -> value. */
  readonly configs = new Map<number, Map<string, Map<string, string>>>();
  readonly features = new Map<string, number>();
  /** The first producer id not yet handed out in a block, and the last ProducerIdsRecord that said so. */
  nextProducerId = 0n;
  producerIdsRecord: ProducerIdsRecord | null = null;
  /** Offset of the last record applied. */
  lastOffset = -1n;

  apply(record: MetadataRecord, offset: bigint): void {
    this.lastOffset = offset;
    switch (record.type) {
      case MetadataRecordKey.TopicRecord: {
        const r = record.data as TopicRecord;
        const topic: TopicImage = { name: r.name, topicId: r.topicId, partitions: new Map() };
        this.topicsByName.set(r.name, topic);
        this.topicsById.set(r.topicId, topic);
        break;
      }
      case MetadataRecordKey.PartitionRecord: {
        const r = record.data as PartitionRecord;
        const topic = this.topicsById.get(r.topicId);
        if (!topic) break;
        topic.partitions.set(r.partitionId, {
          topicId: r.topicId,
          partitionId: r.partitionId,
          replicas: r.replicas,
          isr: r.isr,
          leader: r.leader,
          leaderEpoch: r.leaderEpoch,
          partitionEpoch: r.partitionEpoch,
          directories: r.directories,
        });
        break;
      }
      case MetadataRecordKey.PartitionChangeRecord: {
        const r = record.data as PartitionChangeRecord;
        const p = this.topicsById.get(r.topicId)?.partitions.get(r.partitionId);
        if (!p) break;
        if (r.isr !== null) p.isr = r.isr;
        if (r.replicas !== null) p.replicas = r.replicas;
        if (r.directories !== null) p.directories = r.directories;
        // Leader -2 means "unchanged"; any leader change bumps the leader epoch, as in Kafka.
        if (r.leader !== -2) {
          p.leader = r.leader;
          p.leaderEpoch += 1;
        }
        p.partitionEpoch += 1;
        break;
      }
      case MetadataRecordKey.RemoveTopicRecord: {
        const r = record.data as RemoveTopicRecord;
        const topic = this.topicsById.get(r.topicId);
        if (!topic) break;
        this.topicsById.delete(r.topicId);
        this.topicsByName.delete(topic.name);
        this.configs.get(ConfigResourceType.TOPIC)?.delete(topic.name);
        break;
      }
      case MetadataRecordKey.ConfigRecord: {
        const r = record.data as ConfigRecord;
        let byName = this.configs.get(r.resourceType);
        if (!byName) this.configs.set(r.resourceType, (byName = new Map()));
        let entries = byName.get(r.resourceName);
        if (!entries) byName.set(r.resourceName, (entries = new Map()));
        if (r.value === null) entries.delete(r.name);
        else entries.set(r.name, r.value);
        break;
      }
      case MetadataRecordKey.RegisterBrokerRecord: {
        const r = record.data as RegisterBrokerRecord;
        this.brokers.set(r.brokerId, {
          registration: r,
          brokerId: r.brokerId,
          incarnationId: r.incarnationId,
          brokerEpoch: r.brokerEpoch,
          endpoints: r.endPoints.map((e) => ({ name: e.name, host: e.host, port: e.port, securityProtocol: e.securityProtocol })),
          rack: r.rack,
          fenced: r.fenced,
        });
        break;
      }
      case MetadataRecordKey.FeatureLevelRecord: {
        const r = record.data as FeatureLevelRecord;
        if (r.featureLevel === 0) this.features.delete(r.name);
        else this.features.set(r.name, r.featureLevel);
        break;
      }
      case MetadataRecordKey.ProducerIdsRecord: {
        const r = record.data as ProducerIdsRecord;
        this.nextProducerId = r.nextProducerId;
        this.producerIdsRecord = r;
        break;
      }
      default:
        // Records Gregor does not act on yet (ACLs, quotas, SCRAM, ...) are kept in the log only.
        break;
    }
  }

  topicConfigs(topic: string): ReadonlyMap<string, string> {
    return this.configs.get(ConfigResourceType.TOPIC)?.get(topic) ?? new Map();
  }

  brokerConfigs(brokerId: string): ReadonlyMap<string, string> {
    return this.configs.get(ConfigResourceType.BROKER)?.get(brokerId) ?? new Map();
  }
}
