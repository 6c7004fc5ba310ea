/**
 * Admin operations in the shape of Kafka's AdminClient: topics (create, delete, add partitions,
 * list, describe), configs (DescribeConfigs, IncrementalAlterConfigs), the cluster
 * (DescribeCluster, or Metadata for brokers that lack it) and consumer groups (ListGroups on every
 * broker; DescribeGroups, OffsetFetch, OffsetCommit, DeleteGroups and OffsetDelete at the group's
 * coordinator).
 *
 * Results are per item, each with `error` (a KafkaError or null), as Kafka's admin futures are:
 * one topic failing does not hide the others. Items failing with a retriable code (NOT_CONTROLLER,
 * REQUEST_TIMED_OUT...) are sent again after a backoff; request-level failures (connection lost,
 * timeouts) retry the whole call.
 */
import { ErrorCode } from '../protocol/error-codes.js';
import { ApiKey } from '../protocol/generated/api-messages.js';
import type { CreatePartitionsRequest, CreatePartitionsResponse } from '../protocol/generated/api/37-create-partitions.js';
import type { CreateTopicsRequest, CreateTopicsResponse } from '../protocol/generated/api/19-create-topics.js';
import type { DeleteTopicsRequest, DeleteTopicsResponse } from '../protocol/generated/api/20-delete-topics.js';
import type { DescribeClusterRequest, DescribeClusterResponse } from '../protocol/generated/api/60-describe-cluster.js';
import type { DescribeConfigsRequest, DescribeConfigsResponse } from '../protocol/generated/api/32-describe-configs.js';
import type { IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse } from '../protocol/generated/api/44-incremental-alter-configs.js';
import { defaultListGroupsRequest, type ListGroupsResponse } from '../protocol/generated/api/16-list-groups.js';
import type { DescribeGroupsRequest, DescribeGroupsResponse } from '../protocol/generated/api/15-describe-groups.js';
import type { DeleteGroupsResponse } from '../protocol/generated/api/42-delete-groups.js';
import type { OffsetDeleteRequest, OffsetDeleteResponse } from '../protocol/generated/api/47-offset-delete.js';
import { defaultOffsetCommitRequest, defaultOffsetCommitRequestOffsetCommitRequestPartition, type OffsetCommitResponse } from '../protocol/generated/api/08-offset-commit.js';
import { defaultOffsetFetchRequest, type OffsetFetchResponse } from '../protocol/generated/api/09-offset-fetch.js';
import { ZERO_UUID } from '../protocol/primitives/uuid.js';
import type { BrokerConnection } from './connection.js';
import { KafkaError, kafkaError } from './errors.js';
import type { TopicPartition } from './fetcher.js';
import { decodeAssignment, decodeSubscription } from './group-consumer.js';
import { CoordinatorType, type BrokerNode, type KafkaClient, type TopicMetadata } from './kafka-client.js';
import { backoffMs, sleep } from './retry.js';

/** Kafka's ConfigResource.Type ids. */
export const ConfigResourceType = { Unknown: 0, Topic: 2, Broker: 4, BrokerLogger: 8, ClientMetrics: 16, Group: 32 } as const;

/** DescribeConfigs ConfigSource ids and Kafka's names for them. */
export const CONFIG_SOURCE_NAMES: Readonly<Record<number, string>> = {
  0: 'UNKNOWN',
  1: 'DYNAMIC_TOPIC_CONFIG',
  2: 'DYNAMIC_BROKER_CONFIG',
  3: 'DYNAMIC_DEFAULT_BROKER_CONFIG',
  4: 'STATIC_BROKER_CONFIG',
  5: 'DEFAULT_CONFIG',
  6: 'DYNAMIC_BROKER_LOGGER_CONFIG',
  7: 'CLIENT_METRICS_CONFIG',
  8: 'GROUP_CONFIG',
};

/** DescribeConfigs ConfigType ids (v3+) and their names. */
export const CONFIG_TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'UNKNOWN',
  1: 'BOOLEAN',
  2: 'STRING',
  3: 'INT',
  4: 'SHORT',
  5: 'LONG',
  6: 'DOUBLE',
  7: 'LIST',
  8: 'CLASS',
  9: 'PASSWORD',
};

/** IncrementalAlterConfigs operations. */
export const AlterConfigOp = { Set: 0, Delete: 1, Append: 2, Subtract: 3 } as const;

export interface NewTopic {
  name: string;
  /** -1 (default): the broker's num.partitions. */
  numPartitions?: number;
  /** -1 (default): the broker's default.replication.factor. */
  replicationFactor?: number;
  /** Replica broker ids per partition, in partition order (instead of counts). */
  assignments?: number[][];
  configs?: Readonly<Record<string, string>>;
}

export interface CreateTopicResult {
  name: string;
  error: KafkaError | null;
  topicId: string;
  numPartitions: number;
  replicationFactor: number;
  /** Effective configs as the broker reported them (CreateTopics v5+), else empty. */
  configs: { name: string; value: string | null; source: number; readOnly: boolean; isSensitive: boolean }[];
}

export interface TopicResult {
  name: string;
  error: KafkaError | null;
}

export interface ConfigResourceSpec {
  type: number;
  /** Topic name, broker id as text, or '' for the cluster-wide broker default. */
  name: string;
  /** Only these keys (default: all). */
  keys?: string[];
}

export interface ConfigEntry {
  name: string;
  value: string | null;
  source: number;
  isDefault: boolean;
  isSensitive: boolean;
  readOnly: boolean;
  type: number;
  documentation: string | null;
  synonyms: { name: string; value: string | null; source: number }[];
}

export interface ConfigResourceResult {
  type: number;
  name: string;
  error: KafkaError | null;
  configs: ConfigEntry[];
}

export interface AlterConfigsSpec {
  type: number;
  name: string;
  ops: { name: string; op: number; value: string | null }[];
}

export interface ClusterDescription {
  clusterId: string | null;
  controllerId: number;
  brokers: BrokerNode[];
}

export interface GroupListing {
  groupId: string;
  /** 'consumer' for consumer groups, '' for groups that only hold offsets. */
  protocolType: string;
  /** Empty, Stable, PreparingRebalance, CompletingRebalance, Dead ('' from brokers before ListGroups v4). */
  state: string;
}

export interface GroupMemberDescription {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  /** Decoded from the consumer protocol (empty for other protocol types). */
  assignment: TopicPartition[];
  /** Subscribed topics, decoded from the consumer protocol. */
  topics: string[];
}

export interface GroupDescription {
  groupId: string;
  /** Dead for a group the coordinator does not know. */
  state: string;
  protocolType: string;
  /** The assignor of a consumer group. */
  protocol: string;
  coordinator: BrokerNode;
  members: GroupMemberDescription[];
}

export interface GroupOffset extends TopicPartition {
  offset: bigint;
  leaderEpoch: number;
  metadata: string | null;
}

export interface PartitionResult extends TopicPartition {
  error: KafkaError | null;
}

export interface GroupResult {
  name: string;
  error: KafkaError | null;
}

const NO_ERROR = ErrorCode.NONE;

/** Group-level codes worth asking the coordinator again for (after finding it again). */
const COORDINATOR_MOVED = new Set<number>([ErrorCode.NOT_COORDINATOR, ErrorCode.COORDINATOR_NOT_AVAILABLE, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS]);

function groupByTopic(partitions: readonly TopicPartition[]): Map<string, number[]> {
  const byTopic = new Map<string, number[]>();
  for (const p of partitions) {
    let list = byTopic.get(p.topic);
    if (!list) byTopic.set(p.topic, (list = []));
    list.push(p.partition);
  }
  return byTopic;
}

function errorOf(code: number, message: string | null | undefined): KafkaError | null {
  return code === NO_ERROR ? null : kafkaError(code, message);
}

export class Admin {
  constructor(private readonly client: KafkaClient) {}

  /** Creates topics through the controller. */
  async createTopics(topics: readonly NewTopic[], options: { validateOnly?: boolean; timeoutMs?: number } = {}): Promise<CreateTopicResult[]> {
    return this.perItem(
      topics,
      (t) => t.name,
      async (batch) => {
        const conn = await this.client.controllerConnection();
        const version = conn.versionFor(ApiKey.CreateTopics);
        const req: CreateTopicsRequest = {
          topics: batch.map((t) => ({
            name: t.name,
            numPartitions: t.assignments ? -1 : (t.numPartitions ?? -1),
            replicationFactor: t.assignments ? -1 : (t.replicationFactor ?? -1),
            assignments: (t.assignments ?? []).map((brokerIds, partitionIndex) => ({ partitionIndex, brokerIds })),
            configs: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
          })),
          timeoutMs: options.timeoutMs ?? 30_000,
          validateOnly: version >= 1 ? (options.validateOnly ?? false) : false,
        };
        const res = await conn.request<CreateTopicsResponse>(ApiKey.CreateTopics, req, { version });
        return res.topics.map((r) => ({
          name: r.name,
          error: errorOf(r.errorCode, r.errorMessage),
          topicId: r.topicId,
          numPartitions: r.numPartitions,
          replicationFactor: r.replicationFactor,
          configs: (r.configs ?? []).map((c) => ({ name: c.name, value: c.value, source: c.configSource, readOnly: c.readOnly, isSensitive: c.isSensitive })),
        }));
      },
    );
  }

  /** Deletes topics by name. */
  async deleteTopics(names: readonly string[], options: { timeoutMs?: number } = {}): Promise<TopicResult[]> {
    return this.perItem(
      names,
      (n) => n,
      async (batch) => {
        const conn = await this.client.controllerConnection();
        const version = conn.versionFor(ApiKey.DeleteTopics);
        const req: DeleteTopicsRequest = { topics: [], topicNames: [], timeoutMs: options.timeoutMs ?? 30_000 };
        if (version >= 6) req.topics = batch.map((name) => ({ name, topicId: ZERO_UUID }));
        else req.topicNames = [...batch];
        const res = await conn.request<DeleteTopicsResponse>(ApiKey.DeleteTopics, req, { version });
        this.client.invalidateMetadata(batch);
        return res.responses.map((r) => ({ name: r.name ?? '', error: errorOf(r.errorCode, r.errorMessage) }));
      },
    );
  }

  /** Raises topics' partition counts. */
  async createPartitions(topics: readonly { name: string; count: number; assignments?: number[][] }[], options: { validateOnly?: boolean; timeoutMs?: number } = {}): Promise<TopicResult[]> {
    return this.perItem(
      topics,
      (t) => t.name,
      async (batch) => {
        const conn = await this.client.controllerConnection();
        const version = conn.versionFor(ApiKey.CreatePartitions);
        const req: CreatePartitionsRequest = {
          topics: batch.map((t) => ({ name: t.name, count: t.count, assignments: t.assignments ? t.assignments.map((brokerIds) => ({ brokerIds })) : null })),
          timeoutMs: options.timeoutMs ?? 30_000,
          validateOnly: options.validateOnly ?? false,
        };
        const res = await conn.request<CreatePartitionsResponse>(ApiKey.CreatePartitions, req, { version });
        this.client.invalidateMetadata(batch.map((t) => t.name));
        return res.results.map((r) => ({ name: r.name, error: errorOf(r.errorCode, r.errorMessage) }));
      },
    );
  }

  /** Names of all topics, sorted (internal ones only when asked). */
  async listTopics(options: { includeInternal?: boolean } = {}): Promise<string[]> {
    const md = await this.client.refreshMetadata(null);
    return [...md.topics.values()]
      .filter((t) => t.errorCode === NO_ERROR && (options.includeInternal || !t.isInternal))
      .map((t) => t.name)
      .sort();
  }

  /** Metadata of topics (all topics when `names` is null); unknown topics come back with their errorCode. */
  async describeTopics(names: readonly string[] | null): Promise<TopicMetadata[]> {
    const md = await this.client.refreshMetadata(names);
    if (names === null) return [...md.topics.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return names.map((n) => md.topics.get(n) ?? { name: n, topicId: ZERO_UUID, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, isInternal: false, partitions: [] });
  }

  /** DescribeConfigs; broker resources go to that broker, the rest to any broker. */
  async describeConfigs(resources: readonly ConfigResourceSpec[], options: { includeSynonyms?: boolean; includeDocumentation?: boolean } = {}): Promise<ConfigResourceResult[]> {
    const groups = groupByTarget(resources);
    const answers = await Promise.all(
      [...groups].map(([target, items]) =>
        this.client.retry(async () => {
          const conn = target === 'any' ? await this.client.anyConnection() : await this.client.connection(target);
          const version = conn.versionFor(ApiKey.DescribeConfigs);
          const req: DescribeConfigsRequest = {
            resources: items.map((r) => ({ resourceType: r.type, resourceName: r.name, configurationKeys: r.keys ?? null })),
            includeSynonyms: version >= 1 ? (options.includeSynonyms ?? false) : false,
            includeDocumentation: version >= 3 ? (options.includeDocumentation ?? false) : false,
          };
          const res = await conn.request<DescribeConfigsResponse>(ApiKey.DescribeConfigs, req, { version });
          return res.results.map(
            (r): ConfigResourceResult => ({
              type: r.resourceType,
              name: r.resourceName,
              error: errorOf(r.errorCode, r.errorMessage),
              configs: r.configs.map((c) => ({
                name: c.name,
                value: c.value,
                // v0 has isDefault instead of configSource.
                source: version >= 1 ? c.configSource : c.isDefault ? 5 : 0,
                isDefault: version >= 1 ? c.configSource === 5 : c.isDefault,
                isSensitive: c.isSensitive,
                readOnly: c.readOnly,
                type: c.configType,
                documentation: c.documentation,
                synonyms: c.synonyms.map((s) => ({ name: s.name, value: s.value, source: s.source })),
              })),
            }),
          );
        }),
      ),
    );
    return orderLike(resources, answers.flat());
  }

  /** IncrementalAlterConfigs; broker resources go to that broker, the rest to any broker. */
  async incrementalAlterConfigs(resources: readonly AlterConfigsSpec[], options: { validateOnly?: boolean } = {}): Promise<ConfigResourceResult[]> {
    const groups = groupByTarget(resources);
    const answers = await Promise.all(
      [...groups].map(([target, items]) =>
        this.client.retry(async () => {
          const conn = target === 'any' ? await this.client.anyConnection() : await this.client.connection(target);
          const version = conn.versionFor(ApiKey.IncrementalAlterConfigs);
          const req: IncrementalAlterConfigsRequest = {
            resources: items.map((r) => ({ resourceType: r.type, resourceName: r.name, configs: r.ops.map((o) => ({ name: o.name, configOperation: o.op, value: o.value })) })),
            validateOnly: options.validateOnly ?? false,
          };
          const res = await conn.request<IncrementalAlterConfigsResponse>(ApiKey.IncrementalAlterConfigs, req, { version });
          return res.responses.map((r): ConfigResourceResult => ({ type: r.resourceType, name: r.resourceName, error: errorOf(r.errorCode, r.errorMessage), configs: [] }));
        }),
      ),
    );
    return orderLike(resources, answers.flat());
  }

  /** Cluster id, controller and brokers (DescribeCluster when the broker has it, else Metadata). */
  async describeCluster(): Promise<ClusterDescription> {
    return this.client.retry(async () => {
      const conn = await this.client.anyConnection();
      if (conn.supports(ApiKey.DescribeCluster)) {
        const version = conn.versionFor(ApiKey.DescribeCluster);
        const req: DescribeClusterRequest = { includeClusterAuthorizedOperations: false, endpointType: 1 };
        const res = await conn.request<DescribeClusterResponse>(ApiKey.DescribeCluster, req, { version });
        if (res.errorCode !== NO_ERROR) throw kafkaError(res.errorCode, res.errorMessage, 'DescribeCluster');
        return {
          clusterId: res.clusterId,
          controllerId: res.controllerId,
          brokers: res.brokers.map((b) => ({ nodeId: b.brokerId, host: b.host, port: b.port, rack: b.rack })).sort((a, b) => a.nodeId - b.nodeId),
        };
      }
      const md = await this.client.refreshMetadata([]);
      return { clusterId: md.clusterId, controllerId: md.controllerId, brokers: [...md.brokers.values()].sort((a, b) => a.nodeId - b.nodeId) };
    });
  }

  /** ListGroups on every broker (each lists the groups it coordinates), optionally only groups in some states. */
  async listGroups(options: { states?: readonly string[] } = {}): Promise<GroupListing[]> {
    const md = await this.client.refreshMetadata([]);
    const nodes = [...md.brokers.keys()];
    const answers = await Promise.all(
      nodes.map((node) =>
        this.client.retry(async () => {
          const conn = await this.client.connection(node);
          const version = conn.versionFor(ApiKey.ListGroups);
          const req = defaultListGroupsRequest();
          if (version >= 4) req.statesFilter = [...(options.states ?? [])];
          const res = await conn.request<ListGroupsResponse>(ApiKey.ListGroups, req, { version });
          if (res.errorCode !== NO_ERROR) throw kafkaError(res.errorCode, null, 'ListGroups');
          return res.groups.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, state: g.groupState }));
        }),
      ),
    );
    const seen = new Map<string, GroupListing>();
    for (const g of answers.flat()) seen.set(g.groupId, g);
    let groups = [...seen.values()];
    // Brokers before v4 cannot filter: do it here when they reported states.
    if (options.states && options.states.length > 0) {
      const wanted = new Set(options.states.map((s) => s.toLowerCase()));
      groups = groups.filter((g) => g.state === '' || wanted.has(g.state.toLowerCase()));
    }
    return groups.sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  }

  /** DescribeGroups at each group's coordinator; a group the coordinator does not know comes back Dead. */
  async describeGroups(groupIds: readonly string[]): Promise<GroupDescription[]> {
    return Promise.all(
      groupIds.map((groupId) =>
        this.atCoordinator(groupId, async (conn, coordinator) => {
          const version = conn.versionFor(ApiKey.DescribeGroups);
          const req: DescribeGroupsRequest = { groups: [groupId], includeAuthorizedOperations: false };
          const res = await conn.request<DescribeGroupsResponse>(ApiKey.DescribeGroups, req, { version });
          const g = res.groups.find((x) => x.groupId === groupId);
          if (!g) throw kafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, `DescribeGroups answered nothing for group ${groupId}`);
          if (g.errorCode === ErrorCode.GROUP_ID_NOT_FOUND) return { groupId, state: 'Dead', protocolType: '', protocol: '', coordinator, members: [] };
          if (g.errorCode !== NO_ERROR) throw kafkaError(g.errorCode, null, `DescribeGroups of group ${groupId}`);
          const consumer = g.protocolType === 'consumer';
          return {
            groupId,
            state: g.groupState,
            protocolType: g.protocolType,
            protocol: g.protocolData,
            coordinator,
            members: g.members.map((m) => ({
              memberId: m.memberId,
              groupInstanceId: m.groupInstanceId,
              clientId: m.clientId,
              clientHost: m.clientHost,
              assignment: consumer ? safeDecode(() => decodeAssignment(m.memberAssignment), []) : [],
              topics: consumer && m.memberMetadata.length > 0 ? safeDecode(() => decodeSubscription(m.memberMetadata), []) : [],
            })),
          };
        }),
      ),
    );
  }

  /** Committed offsets of a group (OffsetFetch): of some partitions, or all the group has (null). Partitions without one are left out. */
  async listGroupOffsets(groupId: string, partitions: readonly TopicPartition[] | null = null): Promise<GroupOffset[]> {
    return this.atCoordinator(groupId, async (conn) => {
      const version = conn.versionFor(ApiKey.OffsetFetch);
      if (partitions === null && version < 2) throw kafkaError(ErrorCode.UNSUPPORTED_VERSION, 'The broker cannot list all offsets of a group (OffsetFetch v2+).');
      const topics = partitions === null ? null : [...groupByTopic(partitions)].map(([name, partitionIndexes]) => ({ name, partitionIndexes }));
      const req = defaultOffsetFetchRequest();
      if (version >= 8) req.groups = [{ groupId, memberId: null, memberEpoch: -1, topics }];
      else {
        req.groupId = groupId;
        req.topics = topics;
      }
      if (version >= 7) req.requireStable = true;
      const res = await conn.request<OffsetFetchResponse>(ApiKey.OffsetFetch, req, { version });
      const groupError = version >= 8 ? (res.groups[0]?.errorCode ?? NO_ERROR) : version >= 2 ? res.errorCode : NO_ERROR;
      if (groupError !== NO_ERROR) throw kafkaError(groupError, null, `OffsetFetch of group ${groupId}`);
      const out: GroupOffset[] = [];
      for (const t of version >= 8 ? (res.groups[0]?.topics ?? []) : res.topics) {
        for (const p of t.partitions) {
          if (p.errorCode !== NO_ERROR) throw kafkaError(p.errorCode, null, `OffsetFetch of ${t.name}-${p.partitionIndex} for group ${groupId}`);
          if (p.committedOffset < 0n) continue;
          out.push({ topic: t.name, partition: p.partitionIndex, offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata: p.metadata });
        }
      }
      return out.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
    });
  }

  /**
   * Commits offsets for a group as Kafka's admin alterConsumerGroupOffsets does: OffsetCommit with
   * generation -1 and no member id, which the coordinator accepts only while the group is Empty
   * (or unknown). Per-partition errors are returned, not thrown.
   */
  async alterGroupOffsets(groupId: string, offsets: readonly (TopicPartition & { offset: bigint; metadata?: string | null })[]): Promise<PartitionResult[]> {
    return this.atCoordinator(groupId, async (conn) => {
      const version = conn.versionFor(ApiKey.OffsetCommit);
      const req = defaultOffsetCommitRequest();
      req.groupId = groupId;
      req.generationIdOrMemberEpoch = -1;
      req.memberId = '';
      req.groupInstanceId = null;
      for (const o of offsets) {
        let t = req.topics.find((x) => x.name === o.topic);
        if (!t) req.topics.push((t = { name: o.topic, partitions: [] }));
        t.partitions.push({ ...defaultOffsetCommitRequestOffsetCommitRequestPartition(), partitionIndex: o.partition, committedOffset: o.offset, committedMetadata: o.metadata ?? '' });
      }
      const res = await conn.request<OffsetCommitResponse>(ApiKey.OffsetCommit, req, { version });
      const results = res.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, error: errorOf(p.errorCode, null) })));
      const moved = results.find((r) => r.error && COORDINATOR_MOVED.has(r.error.code));
      if (moved) throw moved.error!;
      return results;
    });
  }

  /** DeleteGroups at each group's coordinator: GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP... per group. */
  async deleteGroups(groupIds: readonly string[]): Promise<GroupResult[]> {
    return Promise.all(
      groupIds.map((groupId) =>
        this.atCoordinator(groupId, async (conn) => {
          const version = conn.versionFor(ApiKey.DeleteGroups);
          const res = await conn.request<DeleteGroupsResponse>(ApiKey.DeleteGroups, { groupsNames: [groupId] }, { version });
          const r = res.results.find((x) => x.groupId === groupId);
          const error = r ? errorOf(r.errorCode, null) : kafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, 'no answer for this group');
          if (error && COORDINATOR_MOVED.has(error.code)) throw error;
          return { name: groupId, error };
        }),
      ),
    );
  }

  /**
   * OffsetDelete: removes a group's committed offsets of some partitions. A group-level error
   * (GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP...) throws; per-partition errors
   * (GROUP_SUBSCRIBED_TO_TOPIC) are returned.
   */
  async deleteGroupOffsets(groupId: string, partitions: readonly TopicPartition[]): Promise<PartitionResult[]> {
    return this.atCoordinator(groupId, async (conn) => {
      const version = conn.versionFor(ApiKey.OffsetDelete);
      const req: OffsetDeleteRequest = { groupId, topics: [...groupByTopic(partitions)].map(([name, ps]) => ({ name, partitions: ps.map((partitionIndex) => ({ partitionIndex })) })) };
      const res = await conn.request<OffsetDeleteResponse>(ApiKey.OffsetDelete, req, { version });
      if (res.errorCode !== NO_ERROR) throw kafkaError(res.errorCode, null, `OffsetDelete for group ${groupId}`);
      return res.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, error: errorOf(p.errorCode, null) })));
    });
  }

  /** Runs `fn` on a connection to the group's coordinator, finding it again when it moved or was loading. */
  private atCoordinator<T>(groupId: string, fn: (conn: BrokerConnection, coordinator: BrokerNode) => Promise<T>): Promise<T> {
    return this.client.retry(async () => {
      const coordinator = await this.client.findCoordinator(groupId, CoordinatorType.Group);
      const conn = await this.client.connection(coordinator.nodeId);
      return fn(conn, coordinator);
    });
  }

  /**
   * Sends items, then sends again (after a backoff) those that failed with a retriable code,
   * within the client's retries. UNKNOWN_TOPIC_OR_PARTITION is final here: the topic is not there.
   */
  private async perItem<T, R extends { name: string; error: KafkaError | null }>(items: readonly T[], nameOf: (t: T) => string, send: (batch: readonly T[]) => Promise<R[]>): Promise<R[]> {
    const results = new Map<string, R>();
    let remaining = [...items];
    for (let attempt = 0; ; attempt++) {
      const answers = await this.client.retry(() => send(remaining));
      for (const r of answers) results.set(r.name, r);
      const again = remaining.filter((t) => {
        const e = results.get(nameOf(t))?.error;
        return e != null && e.retriable && e.code !== ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      });
      if (again.length === 0 || attempt >= 5) break;
      if (again.some((t) => results.get(nameOf(t))?.error?.code === ErrorCode.NOT_CONTROLLER)) await this.client.refreshMetadata([]);
      await sleep(backoffMs(attempt, { retryBackoffMs: 100, retryBackoffMaxMs: 1000 }));
      remaining = again;
    }
    return items.map((t) => results.get(nameOf(t)) ?? ({ name: nameOf(t), error: kafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, 'no answer for this item') } as unknown as R));
  }
}

function safeDecode<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

function groupByTarget<T extends { type: number; name: string }>(resources: readonly T[]): Map<number | 'any', T[]> {
  const out = new Map<number | 'any', T[]>();
  for (const r of resources) {
    const target = (r.type === ConfigResourceType.Broker || r.type === ConfigResourceType.BrokerLogger) && /^\d+$/.test(r.name) ? Number(r.name) : 'any';
    let list = out.get(target);
    if (!list) out.set(target, (list = []));
    list.push(r);
  }
  return out;
}

function orderLike(specs: readonly { type: number; name: string }[], results: ConfigResourceResult[]): ConfigResourceResult[] {
  return specs.map(
    (s) =>
      results.find((r) => r.type === s.type && r.name === s.name) ?? {
        type: s.type,
        name: s.name,
        error: kafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, 'no answer for this resource'),
        configs: [],
      },
  );
}
