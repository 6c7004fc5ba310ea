/**
 * The cluster-level client: bootstrap servers, a metadata cache (brokers, controller, topics with
 * partition leaders), one connection per broker, coordinator lookup, and retries with backoff.
 * Producer, Fetcher, Consumer and Admin are built on it; so will broker-to-broker traffic be.
 *
 * Bootstrap works as in Kafka's clients: any reachable bootstrap server answers Metadata, after
 * which brokers are addressed by node id through the endpoints Metadata advertised. Connections
 * are keyed by address, so the bootstrap connection is reused when it is one of the brokers.
 */
import { ErrorCode } from '../protocol/error-codes.js';
import { ApiKey } from '../protocol/generated/api-messages.js';
import type { FindCoordinatorRequest, FindCoordinatorResponse } from '../protocol/generated/api/10-find-coordinator.js';
import { defaultMetadataRequest, type MetadataRequest, type MetadataResponse } from '../protocol/generated/api/03-metadata.js';
import { ZERO_UUID } from '../protocol/primitives/uuid.js';
import { BrokerConnection, type ConnectionOptions, type RequestOptions } from './connection.js';
import { ClientClosedError, ClientError, ConnectionError, KafkaError, isRetriable, kafkaError } from './errors.js';
import { withRetries, type RetryOptions } from './retry.js';

export interface ClientOptions extends Omit<ConnectionOptions, 'host' | 'port'> {
  /** "host:port" entries, as an array or one comma-separated string. */
  bootstrapServers: string | readonly string[];
  /** Retries of a retriable failure (default 5). */
  retries?: number;
  /** First backoff (Kafka's retry.backoff.ms, 100). */
  retryBackoffMs?: number;
  /** Largest backoff (Kafka's retry.backoff.max.ms, 1000). */
  retryBackoffMaxMs?: number;
  /** Time budget of one operation with its retries (Kafka's default.api.timeout.ms, 60 s). */
  apiTimeoutMs?: number;
  /** Metadata older than this is refreshed before use (metadata.max.age.ms, 5 min). */
  metadataMaxAgeMs?: number;
}

export interface HostPort {
  host: string;
  port: number;
}

export interface BrokerNode extends HostPort {
  nodeId: number;
  rack: string | null;
}

export interface PartitionMetadata {
  partition: number;
  errorCode: number;
  /** -1 when the partition has no leader. */
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  offlineReplicas: number[];
}

export interface TopicMetadata {
  name: string;
  topicId: string;
  errorCode: number;
  isInternal: boolean;
  /** Sorted by partition index. */
  partitions: PartitionMetadata[];
}

export interface ClusterMetadata {
  clusterId: string | null;
  controllerId: number;
  brokers: Map<number, BrokerNode>;
  /** Topics of the last answer(s); a full refresh replaces them all. */
  topics: Map<string, TopicMetadata>;
}

export interface MetadataOptions {
  /** Let the broker create missing topics (auto.create.topics.enable); default false. */
  allowAutoTopicCreation?: boolean;
}

/** FindCoordinator key types. */
export const CoordinatorType = { Group: 0, Transaction: 1 } as const;

/** Parses "host:port[,host:port...]" (IPv6 as [::1]:9092); throws ClientError on a bad entry. */
export function parseBootstrapServers(servers: string | readonly string[]): HostPort[] {
  const entries = (typeof servers === 'string' ? servers.split(',') : servers.flatMap((s) => s.split(','))).map((s) => s.trim()).filter((s) => s !== '');
  if (entries.length === 0) throw new ClientError('no bootstrap servers given');
  return entries.map((entry) => {
    const m = /^(?:\[([^\]]+)\]|([^:\s]+)):(\d{1,5})$/.exec(entry);
    const port = m ? Number(m[3]) : NaN;
    if (!m || port < 1 || port > 65535) throw new ClientError(`invalid bootstrap server '${entry}': expected HOST:PORT`);
    return { host: m[1] ?? m[2]!, port };
  });
}

const DEFAULT_RETRY = { retries: 5, retryBackoffMs: 100, retryBackoffMaxMs: 1000, apiTimeoutMs: 60_000 };

export class KafkaClient {
  readonly bootstrap: readonly HostPort[];
  private readonly connectionOptions: Omit<ConnectionOptions, 'host' | 'port'>;
  private readonly retryDefaults: RetryOptions;
  private readonly metadataMaxAgeMs: number;
  private readonly connections = new Map<string, Promise<BrokerConnection>>();
  /** Extra connections opened for a named channel (see connection()). */
  private readonly channelConnections = new Map<string, Promise<BrokerConnection>>();
  private metadataCache: ClusterMetadata = { clusterId: null, controllerId: -1, brokers: new Map(), topics: new Map() };
  private readonly topicFetchedAt = new Map<string, number>();
  private closed = false;

  constructor(options: ClientOptions) {
    this.bootstrap = parseBootstrapServers(options.bootstrapServers);
    const { bootstrapServers: _b, retries, retryBackoffMs, retryBackoffMaxMs, apiTimeoutMs, metadataMaxAgeMs, ...connectionOptions } = options;
    this.connectionOptions = connectionOptions;
    this.retryDefaults = {
      retries: retries ?? DEFAULT_RETRY.retries,
      retryBackoffMs: retryBackoffMs ?? DEFAULT_RETRY.retryBackoffMs,
      retryBackoffMaxMs: retryBackoffMaxMs ?? DEFAULT_RETRY.retryBackoffMaxMs,
      timeoutMs: apiTimeoutMs ?? DEFAULT_RETRY.apiTimeoutMs,
    };
    this.metadataMaxAgeMs = metadataMaxAgeMs ?? 300_000;
  }

  /** The last metadata seen (brokers, controller, topics). */
  get cluster(): ClusterMetadata {
    return this.metadataCache;
  }

  get clientId(): string {
    return this.connectionOptions.clientId ?? 'gregor';
  }

  /** Runs `fn` with this client's retry settings (retriable errors, exponential backoff). */
  retry<T>(fn: (attempt: number) => Promise<T>, options: Partial<RetryOptions> = {}): Promise<T> {
    return withRetries(fn, { ...this.retryDefaults, ...options });
  }

  /**
   * A connection to a broker by node id (opened on first use, reused afterwards). A `channel`
   * names a separate connection to the same broker, so that requests that wait long on the broker
   * side (JoinGroup, long-poll Fetch) do not hold up others behind them: a broker answers the
   * requests of one connection in order. Kafka's consumer talks to its group coordinator this way.
   */
  async connection(nodeId: number, channel?: string): Promise<BrokerConnection> {
    let node = this.metadataCache.brokers.get(nodeId);
    if (!node) {
      await this.refreshMetadata([]);
      node = this.metadataCache.brokers.get(nodeId);
    }
    if (!node) throw new ClientError(`broker ${nodeId} is not in the cluster metadata`);
    return this.connectTo(node, channel);
  }

  /** A connection to some broker: an open one with the fewest pending requests, else a bootstrap server. */
  async anyConnection(): Promise<BrokerConnection> {
    this.checkOpen();
    let best: BrokerConnection | undefined;
    for (const p of this.connections.values()) {
      const c = await p.catch(() => undefined);
      if (c && !c.isClosed && (!best || c.pendingRequests < best.pendingRequests)) best = c;
    }
    if (best) return best;
    const known = [...this.metadataCache.brokers.values()];
    return this.connectToFirst(known.length > 0 ? [...known, ...this.bootstrap] : this.bootstrap);
  }

  /** A connection to the active controller as Metadata reports it, or any broker (which forwards). */
  async controllerConnection(): Promise<BrokerConnection> {
    if (this.metadataCache.controllerId < 0) await this.refreshMetadata([]);
    const id = this.metadataCache.controllerId;
    if (id >= 0 && this.metadataCache.brokers.has(id)) return this.connection(id);
    return this.anyConnection();
  }

  /** One request to a broker (node id), the controller, or any broker. No retries. */
  async send<Res>(target: number | 'any' | 'controller', apiKey: number, body: unknown, options?: RequestOptions): Promise<Res> {
    const conn = target === 'any' ? await this.anyConnection() : target === 'controller' ? await this.controllerConnection() : await this.connection(target);
    return conn.request<Res>(apiKey, body, options);
  }

  /** The negotiated version of an API on some broker (opening a connection if needed). */
  async versionFor(apiKey: number, target: number | 'any' | 'controller' = 'any'): Promise<number> {
    const conn = target === 'any' ? await this.anyConnection() : target === 'controller' ? await this.controllerConnection() : await this.connection(target);
    return conn.versionFor(apiKey);
  }

  /** Whether a broker (default: any) supports an API at all. */
  async supports(apiKey: number, target: number | 'any' = 'any'): Promise<boolean> {
    const conn = target === 'any' ? await this.anyConnection() : await this.connection(target);
    return conn.supports(apiKey);
  }

  /**
   * Fetches metadata for some topics (null: all topics, []: brokers only) and updates the cache.
   * Connection failures are retried with backoff; topic-level errors are left in the answer.
   */
  async refreshMetadata(topics: readonly string[] | null, options: MetadataOptions = {}): Promise<ClusterMetadata> {
    return this.retry(async () => {
      const conn = await this.anyConnection();
      const version = conn.versionFor(ApiKey.Metadata);
      const req: MetadataRequest = defaultMetadataRequest();
      req.topics = topics === null ? (version === 0 ? [] : null) : topics.map((name) => ({ topicId: ZERO_UUID, name }));
      if (version >= 4) req.allowAutoTopicCreation = options.allowAutoTopicCreation ?? false;
      const res = await conn.request<MetadataResponse>(ApiKey.Metadata, req, { version });
      return this.applyMetadata(res, topics === null);
    });
  }

  /**
   * Metadata of one topic, from the cache when fresh and complete, else from a broker; retries
   * while the topic's leaders are being elected (LEADER_NOT_AVAILABLE and other retriable codes).
   * Throws KafkaError for UNKNOWN_TOPIC_OR_PARTITION and other topic errors.
   */
  async topicMetadata(topic: string, options: MetadataOptions & { maxAgeMs?: number } = {}): Promise<TopicMetadata> {
    const cached = this.metadataCache.topics.get(topic);
    const fetchedAt = this.topicFetchedAt.get(topic) ?? 0;
    if (cached && cached.errorCode === ErrorCode.NONE && Date.now() - fetchedAt < (options.maxAgeMs ?? this.metadataMaxAgeMs) && cached.partitions.every((p) => p.leader >= 0)) {
      return cached;
    }
    // Connection failures are retried inside refreshMetadata; here only topic-level codes are.
    // An unknown topic is final unless the broker may be creating it.
    const shouldRetry = (err: unknown) =>
      err instanceof KafkaError && err.retriable && (err.code !== ErrorCode.UNKNOWN_TOPIC_OR_PARTITION || options.allowAutoTopicCreation === true);
    return this.retry(async () => {
      const md = await this.refreshMetadata([topic], options);
      const t = md.topics.get(topic);
      if (!t) throw new ClientError(`no metadata for topic ${topic}`);
      if (t.errorCode !== ErrorCode.NONE) throw kafkaError(t.errorCode, null, `topic ${topic}`);
      const leaderless = t.partitions.find((p) => p.errorCode !== ErrorCode.NONE);
      if (leaderless) throw kafkaError(leaderless.errorCode, null, `${topic}-${leaderless.partition}`);
      return t;
    }, { shouldRetry });
  }

  /** The leader of a partition (refreshing metadata when unknown); throws if it has none. */
  async leaderFor(topic: string, partition: number, options?: MetadataOptions): Promise<number> {
    const t = await this.topicMetadata(topic, options);
    const p = t.partitions.find((x) => x.partition === partition);
    if (!p) throw kafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Partition ${partition} of topic ${topic} does not exist (the topic has ${t.partitions.length} partitions).`);
    if (p.leader < 0) throw kafkaError(ErrorCode.LEADER_NOT_AVAILABLE, null, `${topic}-${partition}`);
    return p.leader;
  }

  /** Forgets cached metadata of topics (or all) so the next use asks a broker again. */
  invalidateMetadata(topics?: readonly string[]): void {
    if (!topics) this.topicFetchedAt.clear();
    else for (const t of topics) this.topicFetchedAt.delete(t);
  }

  /** The coordinator of a group or transactional id (FindCoordinator), retrying while it loads. */
  async findCoordinator(key: string, keyType: number = CoordinatorType.Group): Promise<BrokerNode> {
    // A coordinator may take a while to load (COORDINATOR_NOT_AVAILABLE, COORDINATOR_LOAD_IN_PROGRESS):
    // those codes are retried within the API timeout; other failures as many times as usual.
    let otherFailures = 0;
    const shouldRetry = (err: unknown) => (err instanceof KafkaError ? err.retriable : isRetriable(err) && ++otherFailures <= this.retryDefaults.retries);
    return this.retry(async () => {
      const conn = await this.anyConnection();
      const version = conn.versionFor(ApiKey.FindCoordinator);
      const req: FindCoordinatorRequest = { key: '', keyType: 0, coordinatorKeys: [] };
      if (version >= 4) req.coordinatorKeys = [key];
      else req.key = key;
      if (version >= 1) req.keyType = keyType;
      const res = await conn.request<FindCoordinatorResponse>(ApiKey.FindCoordinator, req, { version });
      const c = version >= 4 ? res.coordinators.find((x) => x.key === key) : res;
      if (!c) throw new ClientError(`FindCoordinator answered no coordinator for ${key}`);
      if (c.errorCode !== ErrorCode.NONE) throw kafkaError(c.errorCode, c.errorMessage, `coordinator for ${key}`);
      const node: BrokerNode = { nodeId: c.nodeId, host: c.host, port: c.port, rack: null };
      if (!this.metadataCache.brokers.has(node.nodeId)) this.metadataCache.brokers.set(node.nodeId, node);
      return node;
    }, { retries: Number.MAX_SAFE_INTEGER, shouldRetry });
  }

  /** Closes every connection; pending requests fail with ClientClosedError. */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.connections.values(), ...this.channelConnections.values()];
    this.connections.clear();
    this.channelConnections.clear();
    for (const p of all) {
      const c = await p.catch(() => undefined);
      c?.close();
    }
  }

  private checkOpen(): void {
    if (this.closed) throw new ClientClosedError('the client is closed');
  }

  private connectTo(hp: HostPort, channel?: string): Promise<BrokerConnection> {
    this.checkOpen();
    const map = channel === undefined ? this.connections : this.channelConnections;
    const key = channel === undefined ? `${hp.host}:${hp.port}` : `${hp.host}:${hp.port}/${channel}`;
    const existing = map.get(key);
    if (existing) return existing;
    const opening = BrokerConnection.connect({ ...this.connectionOptions, host: hp.host, port: hp.port });
    map.set(key, opening);
    opening.then(
      (conn) => {
        if (this.closed) conn.close();
        conn.onClose(() => {
          if (map.get(key) === opening) map.delete(key);
        });
      },
      () => {
        if (map.get(key) === opening) map.delete(key);
      },
    );
    return opening;
  }

  /** Tries addresses in order; throws the last ConnectionError when none answers. */
  private async connectToFirst(candidates: readonly HostPort[]): Promise<BrokerConnection> {
    let last: unknown = new ClientError('no brokers to connect to');
    const seen = new Set<string>();
    for (const hp of candidates) {
      const key = `${hp.host}:${hp.port}`;
      if (seen.has(key)) continue;
      seen.add(key);
      try {
        return await this.connectTo(hp);
      } catch (err) {
        if (!(err instanceof ConnectionError) && !isRetriable(err)) throw err;
        last = err;
      }
    }
    throw last;
  }

  private applyMetadata(res: MetadataResponse, full: boolean): ClusterMetadata {
    const now = Date.now();
    const brokers = new Map<number, BrokerNode>(res.brokers.map((b) => [b.nodeId, { nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack }]));
    const topics = full ? new Map<string, TopicMetadata>() : new Map(this.metadataCache.topics);
    if (full) this.topicFetchedAt.clear();
    for (const t of res.topics) {
      if (t.name === null) continue;
      topics.set(t.name, {
        name: t.name,
        topicId: t.topicId,
        errorCode: t.errorCode,
        isInternal: t.isInternal,
        partitions: t.partitions
          .map((p) => ({
            partition: p.partitionIndex,
            errorCode: p.errorCode,
            leader: p.leaderId,
            leaderEpoch: p.leaderEpoch,
            replicas: p.replicaNodes,
            isr: p.isrNodes,
            offlineReplicas: p.offlineReplicas,
          }))
          .sort((a, b) => a.partition - b.partition),
      });
      if (t.errorCode === ErrorCode.NONE) this.topicFetchedAt.set(t.name, now);
      else this.topicFetchedAt.delete(t.name);
    }
    this.metadataCache = { clusterId: res.clusterId, controllerId: res.controllerId, brokers, topics };
    return this.metadataCache;
  }
}
