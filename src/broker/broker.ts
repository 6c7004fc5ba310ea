/**
 * A Gregor node in KRaft combined mode (process.roles=broker,controller) with one voter: storage,
 * the metadata log and image, the controller, the partitions it leads, and the listeners.
 *
 * Start-up: format storage if empty -> open log dirs (recovery) -> replay __cluster_metadata into
 * the image -> open partitions -> listen -> register this broker (advertised endpoints with the
 * ports actually bound). Shutdown: stop accepting and answer in-flight requests, snapshot producer
 * state, flush and checkpoint logs, write the clean-shutdown markers.
 */
import { join } from 'node:path';
import type { BrokerConfig } from '../config/broker-configs.js';
import { ConfigSource, type ConfigValue } from '../config/config-def.js';
import {
  controllerListenerNames,
  effectiveAdvertisedBrokerListeners,
  listenerEndpoints,
  SECURITY_PROTOCOLS,
} from '../config/listeners.js';
import { describeTopicConfig, TOPIC_CONFIG_DEF, TopicConfig, topicDefaultsFromBroker, validateTopicConfigs, type TopicConfigName } from '../config/topic-configs.js';
import { HANDLERS } from '../handlers/registry.js';
import type { Logger } from '../logger.js';
import { BOOTSTRAP_METADATA_VERSION, Controller } from '../metadata/controller.js';
import { ConfigResourceType, MetadataImage } from '../metadata/image.js';
import { MetadataRecordKey } from '../protocol/generated/metadata-records.js';
import type { ConfigRecord } from '../protocol/generated/metadata/config-record.js';
import { LocalMetadataLog } from '../metadata/local-metadata-log.js';
import { BrokerStats } from '../metrics/broker-stats.js';
import type { MetricsServer } from '../metrics/metrics-server.js';
import { CLUSTER_METADATA_TOPIC } from '../metadata/topic-name.js';
import { RequestDispatcher } from '../network/request-dispatcher.js';
import { SocketServer, type BoundListener } from '../network/socket-server.js';
import { crc32cImplementation } from '../protocol/crc32c.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { FetchSessionCache } from '../replication/fetch-session.js';
import { ReplicaManager } from '../replication/replica-manager.js';
import { logConfigOf } from '../replication/topic-settings.js';
import type { StorageFs } from '../storage/fs/storage-fs.js';
import { LogManager, type LogDirDescription } from '../storage/log-manager.js';
import { PartitionLog } from '../storage/partition-log.js';
import { TimerScheduler, type Scheduler } from '../storage/scheduler.js';
import { LogCleanupService } from '../storage/cleaner/log-cleanup-service.js';
import { decompressingFindOffsetByTimestampInBatch } from '../storage/compressed-batch-timestamps.js';
import { ConfigAdmin } from './config-admin.js';
import { ProducerIdManager } from './producer-id-manager.js';
import { GroupCoordinator } from '../coordinator/group/group-coordinator.js';
import { groupCoordinatorConfigFrom } from '../coordinator/group/group-coordinator-config.js';
import { BrokerOffsetsTopic } from '../coordinator/group/offsets-topic.js';
import { TransactionCoordinator } from '../coordinator/transaction/transaction-coordinator.js';
import { GROUP_METADATA_TOPIC, TRANSACTION_STATE_TOPIC } from '../metadata/topic-name.js';
import type { BrokerServices, FeatureVersions, TopicConfigEntry } from './services.js';
import { LogDirLock } from './log-dir-lock.js';
import { ensureFormatted } from './storage-format.js';

export interface BrokerOptions {
  config: BrokerConfig;
  fs: StorageFs;
  log: Logger;
  /** Cluster id to format empty storage with (CLUSTER_ID); a random one otherwise. */
  clusterId?: string;
  now?: () => number;
  scheduler?: Scheduler;
  /** With gregor.metrics.port set: also export Node.js process metrics (one broker per process, as the CLI runs it). */
  processMetrics?: boolean;
}

/** The metadata log has a single leader epoch while there is a single voter. */
const METADATA_LEADER_EPOCH = 0;

export class Broker implements BrokerServices {
  readonly nodeId: number;
  readonly clusterId: string;
  readonly image = new MetadataImage();
  readonly controller: Controller;
  readonly replicas: ReplicaManager;
  readonly producerIds: ProducerIdManager;
  readonly fetchSessions: FetchSessionCache;
  /** Consumer groups and committed offsets, on __consumer_offsets (src/coordinator). */
  readonly groupCoordinator: GroupCoordinator;
  /** Transactions, on __transaction_state (src/coordinator/transaction). */
  readonly transactionCoordinator: TransactionCoordinator;
  readonly configAdmin: ConfigAdmin;
  readonly log: Logger;
  readonly logManager: LogManager;
  /** Retention and the log cleaner (src/storage/retention.ts, src/storage/cleaner). */
  readonly logCleanup: LogCleanupService;
  private readonly metadataLog: LocalMetadataLog;
  private readonly dispatcher: RequestDispatcher;
  private readonly socketServer: SocketServer;
  /** Static config plus the dynamic broker configs of the metadata image; rebuilt when those change. */
  private brokerConfig: BrokerConfig;
  private readonly staticConfig: BrokerConfig;
  private topicDefaults: ReadonlyMap<string, ConfigValue>;
  private readonly clock: () => number;
  private shuttingDown = false;
  private dirLock: LogDirLock | null = null;
  private closed: Promise<void> | null = null;
  listeners: BoundListener[] = [];
  /** Counters behind the Prometheus metrics (src/metrics). */
  readonly stats = new BrokerStats();
  private metricsServer: MetricsServer | null = null;

  private constructor(opts: BrokerOptions) {
    const config = opts.config;
    this.staticConfig = config;
    this.brokerConfig = config;
    this.log = opts.log;
    this.clock = opts.now ?? Date.now;
    this.nodeId = config.nodeId;
    const fs = opts.fs;
    const scheduler = opts.scheduler ?? new TimerScheduler();

    const logDirs = config.logDirs;
    const metadataDir = config.metadataLogDir;
    const formatted = ensureFormatted(fs, [...new Set([...logDirs, metadataDir])], this.nodeId, opts.clusterId);
    this.clusterId = formatted.clusterId;
    if (formatted.formatted) this.log.info({ clusterId: this.clusterId, logDirs }, 'formatted storage');
    this.log.info({ crc32c: crc32cImplementation() }, 'CRC-32C implementation');

    this.topicDefaults = topicDefaultsFromBroker(config);
    const topicDefaults = this.topicDefaults;
    const topicConfig = (topic: string) => TopicConfig.create(Object.fromEntries(this.image.topicConfigs(topic)), this.topicDefaults);
    this.logManager = LogManager.open({
      logDirs,
      fs,
      scheduler,
      clock: this.clock,
      logger: this.log,
      defaultConfig: logConfigOf(TopicConfig.create({}, topicDefaults)),
      topicConfig: (topic) => logConfigOf(topicConfig(topic)),
      flushSchedulerIntervalMs: config.getNumber('log.flush.scheduler.interval.ms') ?? undefined,
      recoveryPointCheckpointIntervalMs: config.getNumber('log.flush.offset.checkpoint.interval.ms') ?? undefined,
      logStartOffsetCheckpointIntervalMs: config.getNumber('log.flush.start.offset.checkpoint.interval.ms') ?? undefined,
      highWatermarkCheckpointIntervalMs: config.getNumber('replica.high.watermark.checkpoint.interval.ms') ?? undefined,
      fileDeleteDelayMs: config.getNumber('log.segment.delete.delay.ms') ?? undefined,
      brokerEpoch: () => this.image.brokers.get(this.nodeId)?.brokerEpoch ?? -1n,
      findOffsetByTimestampInBatch: decompressingFindOffsetByTimestampInBatch,
    });

    const metadataPartitionDir = join(metadataDir, `${CLUSTER_METADATA_TOPIC}-0`);
    this.metadataLog = new LocalMetadataLog({
      log: PartitionLog.open({
        dir: metadataPartitionDir,
        topicPartition: { topic: CLUSTER_METADATA_TOPIC, partition: 0 },
        config: { ...logConfigOf(TopicConfig.create({}, topicDefaults)), segmentBytes: 8 * 1024 * 1024 },
        fs,
        clock: this.clock,
        logger: this.log,
      }),
      fs,
      image: this.image,
      leaderEpoch: METADATA_LEADER_EPOCH,
      now: this.clock,
      maxBytesBetweenSnapshots: config.getNumber('metadata.log.max.record.bytes.between.snapshots') ?? 20 * 1024 * 1024,
    });
    this.metadataLog.replay((record, offset) => this.image.apply(record, offset));
    this.applyDynamicBrokerConfigs();

    const directoryId = formatted.directoryIds.get(logDirs[0]!)!;
    this.replicas = new ReplicaManager({
      nodeId: this.nodeId,
      image: this.image,
      logManager: this.logManager,
      fs,
      now: this.clock,
      log: this.log,
      topicConfig,
      producerIdExpirationMs: config.getNumber('producer.id.expiration.ms') ?? 86400000,
      topicStats: (topic) => this.stats.topic(topic),
    });
    this.controller = new Controller({
      nodeId: this.nodeId,
      image: this.image,
      log: this.metadataLog,
      defaultNumPartitions: () => config.get('num.partitions'),
      defaultReplicationFactor: () => config.get('default.replication.factor'),
      validateTopicConfigs: (configs) => {
        const errors = validateTopicConfigs(Object.fromEntries(configs), { defaults: this.topicDefaults });
        return errors.length > 0 ? { name: errors[0]!.name, message: errors[0]!.errorMessage } : null;
      },
      directoryId: () => directoryId,
      onCommit: (records) => {
        if (records.some((r) => r.type === MetadataRecordKey.ConfigRecord && (r.data as ConfigRecord).resourceType === ConfigResourceType.BROKER)) {
          this.applyDynamicBrokerConfigs();
        }
        this.replicas.onMetadataRecords(records);
      },
    });
    this.configAdmin = new ConfigAdmin({
      nodeId: this.nodeId,
      image: this.image,
      controller: this.controller,
      brokerConfig: () => this.brokerConfig,
      topicDefaults: () => this.topicDefaults,
    });
    this.replicas.loadFromImage();
    this.logCleanup = LogCleanupService.start({ logManager: this.logManager, partitions: this.replicas, topicConfig, brokerConfig: (name) => this.config(name), fs, scheduler, clock: this.clock, logger: this.log });
    this.producerIds = new ProducerIdManager(this.controller);
    this.fetchSessions = new FetchSessionCache(config.get('max.incremental.fetch.session.cache.slots'), this.clock);
    this.groupCoordinator = new GroupCoordinator({
      config: groupCoordinatorConfigFrom((name) => config.getNumber(name as never)),
      topic: new BrokerOffsetsTopic(this.image, this.replicas, this.controller, () => ({
        numPartitions: config.get('offsets.topic.num.partitions'),
        replicationFactor: config.get('offsets.topic.replication.factor'),
        segmentBytes: config.get('offsets.topic.segment.bytes'),
      })),
      scheduler,
      now: this.clock,
      log: this.log,
    });
    this.groupCoordinator.startup();
    this.transactionCoordinator = new TransactionCoordinator({
      config: {
        numPartitions: config.get('transaction.state.log.num.partitions'),
        maxTimeoutMs: config.get('transaction.max.timeout.ms'),
        abortTimedOutIntervalMs: config.get('transaction.abort.timed.out.transaction.cleanup.interval.ms'),
        loadBufferSize: config.get('transaction.state.log.load.buffer.size'),
        writeTimeoutMs: config.getNumber('request.timeout.ms') ?? 30000,
      },
      topic: new BrokerOffsetsTopic(
        this.image,
        this.replicas,
        this.controller,
        () => ({
          numPartitions: config.get('transaction.state.log.num.partitions'),
          replicationFactor: config.get('transaction.state.log.replication.factor'),
          segmentBytes: config.get('transaction.state.log.segment.bytes'),
        }),
        // TransactionStateManager.transactionTopicConfigs: compacted, uncompressed, min.insync.replicas from transaction.state.log.min.isr.
        { name: TRANSACTION_STATE_TOPIC, compressionType: 'uncompressed', extraConfigs: [{ name: 'min.insync.replicas', value: String(config.get('transaction.state.log.min.isr')) }] },
      ),
      writeMarker: (topic, partition, producerId, producerEpoch, coordinatorEpoch, commit) => this.writeTxnMarker(topic, partition, producerId, producerEpoch, coordinatorEpoch, commit),
      generateProducerId: () => this.producerIds.generateProducerId(),
      scheduler,
      now: this.clock,
      log: this.log,
    });
    this.transactionCoordinator.startup();

    this.dispatcher = new RequestDispatcher(HANDLERS, this, this.log, this.stats.requests);
    this.socketServer = new SocketServer({
      maxFrameBytes: config.get('socket.request.max.bytes'),
      idleTimeoutMs: config.getNumber('connections.max.idle.ms') ?? 600000,
      maxConnections: config.get('max.connections'),
      dispatcher: this.dispatcher,
      log: this.log,
      stats: this.stats,
    });
  }

  /**
   * A transaction marker for one partition (what WriteTxnMarkers does on the partition leader).
   * Only partitions this broker leads are written: the inter-broker WriteTxnMarkers path is not
   * implemented, so a partition led elsewhere is logged and skipped, like a deleted topic.
   */
  private async writeTxnMarker(topic: string, partition: number, producerId: bigint, producerEpoch: number, coordinatorEpoch: number, commit: boolean): Promise<number> {
    if (topic === GROUP_METADATA_TOPIC) return this.groupCoordinator.completeTransaction(partition, producerId, producerEpoch, coordinatorEpoch, commit);
    const p = this.replicas.getPartition(topic, partition);
    if (!p) {
      if (this.image.topicsByName.get(topic)?.partitions.has(partition)) this.log.warn({ topic, partition }, 'transaction marker for a partition this broker does not lead was skipped');
      return ErrorCode.NONE;
    }
    return p.appendTxnMarker(producerId, producerEpoch, coordinatorEpoch, commit);
  }

  /** Rebuilds the effective config from the static one and the dynamic broker configs in the image. */
  private applyDynamicBrokerConfigs(): void {
    const layer = (name: string) => Object.fromEntries(this.image.brokerConfigs(name));
    this.brokerConfig = this.staticConfig.withDynamic({ clusterDefault: layer(''), perBroker: layer(String(this.nodeId)) });
    this.topicDefaults = topicDefaultsFromBroker(this.brokerConfig);
  }

  /** Opens storage, replays metadata, binds the listeners and registers the broker. */
  static async start(opts: BrokerOptions): Promise<Broker> {
    // Before anything reads or writes the directories (formatting, recovery): see log-dir-lock.ts.
    const dirLock = LogDirLock.acquire(opts.fs, [...opts.config.logDirs, opts.config.metadataLogDir]);
    let broker: Broker;
    try {
      broker = new Broker(opts);
    } catch (err) {
      dirLock.release();
      throw err;
    }
    broker.dirLock = dirLock;
    try {
      await broker.listen();
      await broker.startMetrics(opts.processMetrics ?? false);
    } catch (err) {
      await broker.close();
      throw err;
    }
    return broker;
  }

  private async listen(): Promise<void> {
    const config = this.brokerConfig;
    const controllerNames = new Set(controllerListenerNames(config));
    this.listeners = await this.socketServer.listen(
      listenerEndpoints(config).map((e) => ({ name: e.listenerName, host: e.host ?? '', port: e.port, isController: controllerNames.has(e.listenerName) })),
    );
    const endpoints = effectiveAdvertisedBrokerListeners(config).map((e) => {
      const bound = this.listeners.find((l) => l.name === e.listenerName);
      return {
        name: e.listenerName,
        host: e.host ?? 'localhost',
        port: e.port === 0 && bound ? bound.boundPort : e.port,
        securityProtocol: SECURITY_PROTOCOLS.indexOf(e.securityProtocol),
      };
    });
    this.controller.registerBroker(endpoints, config.get('broker.rack') ?? null);
  }

  /** Serves Prometheus metrics when gregor.metrics.port is set (prom-client is loaded only then). */
  private async startMetrics(processMetrics: boolean): Promise<void> {
    const port = this.brokerConfig.get('gregor.metrics.port');
    if (port === null) return;
    const { createBrokerRegistry, startMetricsServer } = await import('../metrics/index.js');
    const registry = createBrokerRegistry(
      {
        stats: this.stats,
        partitions: () => this.replicas.allPartitions(),
        topicExists: (name) => this.image.topicsByName.has(name),
        topicCount: () => this.image.topicsByName.size,
        partitionCountInCluster: () => {
          let n = 0;
          for (const t of this.image.topicsByName.values()) n += t.partitions.size;
          return n;
        },
        fetchPurgatorySize: () => this.replicas.waitingFetches,
        brokerState: () => (this.shuttingDown ? 7 : 3),
      },
      { processMetrics },
    );
    this.metricsServer = await startMetricsServer({ host: this.brokerConfig.get('gregor.metrics.host'), port, registry, log: this.log });
  }

  /** The Prometheus endpoint as bound, or null when gregor.metrics.port is unset. */
  metricsAddress(): { host: string; port: number; url: string } | null {
    const m = this.metricsServer;
    return m ? { host: m.host, port: m.port, url: m.url } : null;
  }

  /** host:port of a listener as bound (the first non-controller listener by default). */
  address(listenerName?: string): { host: string; port: number } {
    const l = listenerName ? this.listeners.find((x) => x.name === listenerName) : this.listeners.find((x) => !x.isController);
    if (!l) throw new Error(`no listener ${listenerName ?? ''}`);
    return { host: l.host === '' || l.host === '0.0.0.0' ? '127.0.0.1' : l.host, port: l.boundPort };
  }

  // ---- BrokerServices

  config<T = unknown>(name: string): T {
    return this.brokerConfig.get(name as never) as T;
  }

  now(): number {
    return this.clock();
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  apiVersions(isControllerListener: boolean) {
    return this.dispatcher.apiVersions(isControllerListener);
  }

  features(): FeatureVersions {
    return {
      supported: [{ name: 'metadata.version', minVersion: 1, maxVersion: BOOTSTRAP_METADATA_VERSION }],
      finalized: [...this.image.features].map(([name, level]) => ({ name, minVersionLevel: level, maxVersionLevel: level })),
      epoch: this.image.lastOffset,
    };
  }

  controllerId(): number {
    return this.nodeId;
  }

  describeTopicConfigs(overrides: ReadonlyMap<string, string>): TopicConfigEntry[] {
    const topic = TopicConfig.create(Object.fromEntries(overrides), this.topicDefaults);
    return [...TOPIC_CONFIG_DEF.names()].sort().map((name) => {
      const d = describeTopicConfig(name as TopicConfigName, topic, this.brokerConfig);
      return { name: d.name, value: d.value, readOnly: d.readOnly, configSource: d.source ?? ConfigSource.DEFAULT_CONFIG, isSensitive: d.isSensitive };
    });
  }

  describeLogDirs(): LogDirDescription[] {
    return this.logManager.describeLogDirs();
  }

  autoCreateTopics(names: string[]): Map<string, number> {
    const out = new Map<string, number>();
    if (!this.brokerConfig.get('auto.create.topics.enable')) {
      for (const n of names) out.set(n, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      return out;
    }
    const results = this.controller.createTopics(
      names.map((name) => ({ name, numPartitions: -1, replicationFactor: -1, assignments: [], configs: [] })),
      false,
    );
    for (const r of results) {
      if (r.errorCode !== ErrorCode.NONE) this.log.warn({ topic: r.name, error: r.errorMessage }, 'auto-creation failed');
      out.set(r.name, r.errorCode === ErrorCode.TOPIC_ALREADY_EXISTS ? ErrorCode.NONE : r.errorCode);
    }
    return out;
  }

  // ---- lifecycle

  /** Stops accepting, answers in-flight requests, then flushes and closes storage. Idempotent. */
  close(): Promise<void> {
    this.closed ??= this.shutdown();
    return this.closed;
  }

  private async shutdown(): Promise<void> {
    this.shuttingDown = true;
    await this.metricsServer?.close();
    this.replicas.wakeAll();
    // Parked JoinGroup / SyncGroup requests are answered NOT_COORDINATOR before the listeners drain.
    this.transactionCoordinator.close();
    this.groupCoordinator.close();
    await this.socketServer.close();
    await this.logCleanup.close();
    this.replicas.close();
    this.logManager.close();
    this.metadataLog.close();
    this.dirLock?.release();
    this.log.info('shut down cleanly');
  }
}
