/** What request handlers can reach: the broker's parts, behind one interface. */
import type { Logger } from '../logger.js';
import type { Controller } from '../metadata/controller.js';
import type { MetadataImage } from '../metadata/image.js';
import type { LogDirDescription } from '../storage/log-manager.js';
import type { FetchSessionCache } from '../replication/fetch-session.js';
import type { ReplicaManager } from '../replication/replica-manager.js';
import type { ConfigAdmin } from './config-admin.js';
import type { ProducerIdManager } from './producer-id-manager.js';
import type { GroupCoordinator } from '../coordinator/group/group-coordinator.js';
import type { TransactionCoordinator } from '../coordinator/transaction/transaction-coordinator.js';

export interface FeatureVersions {
  supported: { name: string; minVersion: number; maxVersion: number }[];
  finalized: { name: string; minVersionLevel: number; maxVersionLevel: number }[];
  epoch: bigint;
}

export interface TopicConfigEntry {
  name: string;
  value: string | null;
  readOnly: boolean;
  configSource: number;
  isSensitive: boolean;
}

export interface BrokerServices {
  readonly nodeId: number;
  readonly clusterId: string;
  readonly image: MetadataImage;
  readonly controller: Controller;
  readonly replicas: ReplicaManager;
  readonly producerIds: ProducerIdManager;
  readonly fetchSessions: FetchSessionCache;
  readonly groupCoordinator: GroupCoordinator;
  readonly transactionCoordinator: TransactionCoordinator;
  readonly configAdmin: ConfigAdmin;
  readonly log: Logger;
  /** Broker config values by Kafka name (static, dynamic or default, as currently effective). */
  config<T = unknown>(name: string): T;
  now(): number;
  /** True once shutdown began: long polls return at once. */
  isShuttingDown(): boolean;
  apiVersions(isControllerListener: boolean): { apiKey: number; minVersion: number; maxVersion: number }[];
  features(): FeatureVersions;
  /** The id of the active controller. */
  controllerId(): number;
  /** Every topic config with its effective value given a topic's overrides, as CreateTopics v5+ reports them. */
  describeTopicConfigs(overrides: ReadonlyMap<string, string>): TopicConfigEntry[];
  describeLogDirs(): LogDirDescription[];
  /** Creates missing topics with the broker defaults when auto.create.topics.enable is set; returns an error code per name. */
  autoCreateTopics(names: string[]): Map<string, number>;
}
