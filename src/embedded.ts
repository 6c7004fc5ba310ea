/**
 * The embedding API: a full broker inside the calling process, on an ephemeral port, with its
 * storage in memory (default) or in a directory. Several can run in one process.
 */
import { loadBrokerConfig } from './config/sources.js';
import { Broker } from './broker/broker.js';
import { createLogger, silentLogger } from './logger.js';
import { MemoryStorageFs } from './storage/fs/memory-fs.js';
import { NodeStorageFs } from './storage/fs/node-fs.js';
import { ErrorCode, errorInfo } from './protocol/error-codes.js';

export interface StartBrokerOptions {
  /** Directory for the log; storage is in memory when omitted. */
  logDir?: string;
  /** Port of the PLAINTEXT listener; 0 (default) picks a free one. */
  port?: number;
  /** Host to bind and advertise (default 127.0.0.1). */
  host?: string;
  /** Any Kafka broker config by name, e.g. { 'num.partitions': 3, 'auto.create.topics.enable': false }. */
  config?: Record<string, string | number | boolean>;
  /** Cluster id for new storage (random by default). */
  clusterId?: string;
  /** pino log level (default 'silent'). */
  logLevel?: string;
  /**
   * Serve Prometheus metrics on this port (0: a free one; see `metricsUrl`), bound to `host`.
   * Off by default. Same as config { 'gregor.metrics.port': n }.
   */
  metricsPort?: number;
}

export interface CreateTopicOptions {
  partitions?: number;
  replicationFactor?: number;
  configs?: Record<string, string>;
}

export interface RunningBroker {
  /** "host:port" of the PLAINTEXT listener, for a client's bootstrap servers. */
  readonly bootstrap: string;
  readonly host: string;
  readonly port: number;
  readonly clusterId: string;
  /** http://host:port/metrics when metrics are on (`metricsPort` or gregor.metrics.port), else null. */
  readonly metricsUrl: string | null;
  /** Creates a topic directly through the controller (no client needed). */
  createTopic(name: string, options?: CreateTopicOptions): Promise<void>;
  /** Stops the broker and releases every socket, timer and file. */
  close(): Promise<void>;
  /** The broker itself, for tests that look inside. */
  readonly broker: Broker;
}

const MEMORY_ROOT = '/gregor-memory';

export async function startBroker(options: StartBrokerOptions = {}): Promise<RunningBroker> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  const logDir = options.logDir ?? `${MEMORY_ROOT}/data`;
  const defaults: Record<string, string> = {
    'process.roles': 'broker,controller',
    'node.id': '1',
    listeners: `PLAINTEXT://${host}:${port},CONTROLLER://${host}:0`,
    'advertised.listeners': `PLAINTEXT://${host}:${port}`,
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'controller.quorum.bootstrap.servers': `${host}:9093`,
    'log.dirs': logDir,
    'offsets.topic.replication.factor': '1',
    'transaction.state.log.replication.factor': '1',
    'transaction.state.log.min.isr': '1',
    'group.initial.rebalance.delay.ms': '0',
    'gregor.metrics.host': host,
    ...(options.metricsPort === undefined ? {} : { 'gregor.metrics.port': String(options.metricsPort) }),
  };
  const given = Object.fromEntries(Object.entries(options.config ?? {}).map(([k, v]) => [k, String(v)]));
  const { config, warnings } = loadBrokerConfig({ properties: { ...defaults, ...given } });
  const log = options.logLevel && options.logLevel !== 'silent' ? createLogger({ level: options.logLevel }) : silentLogger();
  for (const w of warnings) log.warn(w);
  const fs = options.logDir ? new NodeStorageFs() : new MemoryStorageFs();
  const broker = await Broker.start({ config, fs, log, clusterId: options.clusterId });
  const address = broker.address('PLAINTEXT');
  return {
    bootstrap: `${address.host}:${address.port}`,
    host: address.host,
    port: address.port,
    clusterId: broker.clusterId,
    metricsUrl: broker.metricsAddress()?.url ?? null,
    broker,
    async createTopic(name, o = {}) {
      const [result] = broker.controller.createTopics(
        [
          {
            name,
            numPartitions: o.partitions ?? -1,
            replicationFactor: o.replicationFactor ?? -1,
            assignments: [],
            configs: Object.entries(o.configs ?? {}).map(([k, value]) => ({ name: k, value })),
          },
        ],
        false,
      );
      if (result && result.errorCode !== ErrorCode.NONE) throw new Error(`${errorInfo(result.errorCode).name}: ${result.errorMessage}`);
    },
    close: () => broker.close(),
  };
}
