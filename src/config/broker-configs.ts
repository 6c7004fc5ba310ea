/**
 * Broker configuration definitions: Apache Kafka 4.1's names, types, defaults, valid values,
 * importance and dynamic update modes (from Kafka's generated broker config table, KafkaConfig,
 * ServerLogConfigs, SocketServerConfigs, KRaftConfigs, QuorumConfig, GroupCoordinatorConfig,
 * TransactionLogConfigs, ReplicationConfigs, CleanerConfig, QuotaConfig), documentation written
 * for Gregor. Configs Gregor has no use for at all (share groups, streams groups, tiered storage
 * plugins, Kerberos/OAuth, delegation tokens) are left out, so setting one gives an
 * "isn't a known config" warning; `listener.name.<listener>.<config>` keys are kept silently.
 *
 * Precedence inside the broker (Kafka's KafkaConfig): log.retention.ms > log.retention.minutes >
 * log.retention.hours; log.roll.ms > log.roll.hours; log.roll.jitter.ms > log.roll.jitter.hours;
 * log.flush.interval.ms > log.flush.scheduler.interval.ms; log.dirs > log.dir; node.id and broker.id
 * are copies of each other when only one is given (KafkaConfig.populateSynonyms).
 *
 * `BrokerConfig` holds the static properties (file + env + overrides) and optionally the dynamic
 * layers written by AlterConfigs (cluster default and per broker), and answers typed `get(name)` and
 * DescribeConfigs-shaped `describe(name)` with source and synonyms.
 */
import {
  ConfigDefinitions,
  ConfigError,
  ConfigSource,
  type ConfigSourceId,
  type ConfigSpec,
  type ConfigType,
  type ConfigValue,
  type SpecValue,
  atLeast,
  between,
  caseInsensitiveValidString,
  customValidator,
  formatValue,
  longToNumber,
  nonNullString,
  validList,
  validString,
} from './config-def.js';
import { parseQuorumBootstrapServers, parseQuorumVoters } from './listeners.js';

const LONG_MAX = '9223372036854775807';
const INT_MAX = '2147483647';

const gzipLevel = customValidator('[1,...,9] or -1', (name, value) => {
  const level = value as number;
  if (level > 9 || (level < 1 && level !== -1)) {
    throw ConfigError.invalid(name, value, 'Value must be between 1 and 9 or equal to -1');
  }
});

/** A port (0 = any free one), or null for "off". */
const optionalPort = customValidator('null or [0,...,65535]', (name, value, type) => {
  if (value !== null) between(0, 65535).ensureValid(name, value, type);
});

const quorumVoters = customValidator('non-empty list', (_name, value) => {
  parseQuorumVoters(value as readonly string[]);
});

const quorumBootstrapServers = customValidator('non-empty list', (_name, value) => {
  parseQuorumBootstrapServers(value as readonly string[]);
});

export const COMPRESSION_TYPES = ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'] as const;

/** Every broker config Gregor knows, keyed by Kafka's name. */
export const BROKER_CONFIG_SPECS = {
  // ----- KRaft / server basics -----
  'node.id': {
    type: 'int', validator: atLeast(0), importance: 'high', mode: 'read-only',
    doc: 'Id of this node in the cluster, used by both roles in process.roles. Required in KRaft mode.',
  },
  'process.roles': {
    type: 'list', validator: validList({ validStrings: ['broker', 'controller'], emptyAllowed: false }), importance: 'high', mode: 'read-only',
    doc: "Roles this process plays: 'broker', 'controller', or both ('broker,controller', combined mode).",
  },
  'broker.id': {
    type: 'int', default: '-1', importance: 'high', mode: 'read-only',
    doc: 'Id of this broker; in KRaft mode it must equal node.id (each is copied from the other when only one is set).',
  },
  'controller.listener.names': {
    type: 'string', default: null, importance: 'high', mode: 'read-only',
    doc: 'Comma-separated names of the listeners used by the controller. Brokers use the first one to reach the controller quorum.',
  },
  'controller.quorum.voters': {
    type: 'list', default: '', validator: quorumVoters, importance: 'high', mode: 'read-only',
    doc: 'Static controller quorum as comma-separated {id}@{host}:{port} entries, e.g. 1@localhost:9093,2@localhost:9094.',
  },
  'controller.quorum.bootstrap.servers': {
    type: 'list', default: '', validator: quorumBootstrapServers, importance: 'high', mode: 'read-only',
    doc: 'Comma-separated {host}:{port} controller endpoints used to discover a dynamic (KIP-853) quorum.',
  },
  'controller.quorum.election.backoff.max.ms': {
    type: 'int', default: '1000', validator: atLeast(0), importance: 'high', mode: 'read-only',
    doc: 'Upper bound of the exponential backoff before a new election, which avoids gridlocked elections.',
  },
  'controller.quorum.election.timeout.ms': {
    type: 'int', default: '1000', validator: atLeast(0), importance: 'high', mode: 'read-only',
    doc: 'How long a voter waits without fetching from the leader before it starts an election.',
  },
  'controller.quorum.fetch.timeout.ms': {
    type: 'int', default: '2000', validator: atLeast(0), importance: 'high', mode: 'read-only',
    doc: 'How long without a successful fetch before a voter becomes a candidate; also how long a leader may go without fetches from a majority before resigning.',
  },
  'controller.quorum.append.linger.ms': {
    type: 'int', default: '25', validator: atLeast(0), importance: 'medium', mode: 'read-only',
    doc: 'How long the quorum leader lets writes accumulate before flushing them to disk.',
  },
  'controller.quorum.request.timeout.ms': {
    type: 'int', default: '2000', validator: atLeast(0), importance: 'medium', mode: 'read-only',
    doc: 'How long a quorum request may wait for its response before it is retried or failed.',
  },
  'controller.quorum.retry.backoff.ms': {
    type: 'int', default: '20', validator: atLeast(0), importance: 'low', mode: 'read-only',
    doc: 'Initial wait before retrying a failed quorum request; it grows exponentially.',
  },
  'broker.heartbeat.interval.ms': {
    type: 'int', default: '2000', importance: 'medium', mode: 'read-only',
    doc: 'Time between two heartbeats from a broker to the active controller.',
  },
  'broker.session.timeout.ms': {
    type: 'int', default: '9000', importance: 'medium', mode: 'read-only',
    doc: 'How long a broker keeps its lease without heartbeats (configured on the controller).',
  },
  'initial.broker.registration.timeout.ms': {
    type: 'int', default: '60000', importance: 'medium', mode: 'read-only',
    doc: 'How long a starting broker waits to register with the controller quorum before it gives up and exits.',
  },
  'broker.rack': {
    type: 'string', default: null, importance: 'medium', mode: 'read-only',
    doc: 'Rack of this broker, used to spread replicas across racks, e.g. us-east-1d.',
  },
  'metadata.log.dir': {
    type: 'string', default: null, importance: 'high', mode: 'read-only',
    doc: 'Directory of the cluster metadata log. Defaults to the first directory of log.dirs.',
  },
  'metadata.log.max.record.bytes.between.snapshots': {
    type: 'long', default: '20971520', validator: atLeast(1), importance: 'high', mode: 'read-only',
    doc: 'New metadata log bytes after the latest snapshot that trigger a new snapshot.',
  },
  'metadata.log.max.snapshot.interval.ms': {
    type: 'long', default: '3600000', validator: atLeast(0), importance: 'high', mode: 'read-only',
    doc: 'Longest time committed metadata records may stay out of a snapshot; 0 disables time-based snapshots.',
  },
  'metadata.log.segment.bytes': {
    type: 'int', default: '1073741824', validator: atLeast(8388608), importance: 'high', mode: 'read-only',
    doc: 'Maximum size of one metadata log segment file.',
  },
  'metadata.log.segment.ms': {
    type: 'long', default: '604800000', importance: 'high', mode: 'read-only',
    doc: 'Maximum age of the active metadata log segment before a new one is rolled.',
  },
  'metadata.max.retention.bytes': {
    type: 'long', default: '104857600', importance: 'high', mode: 'read-only',
    doc: 'Soft limit on the combined size of metadata log segments and snapshots before old ones are deleted.',
  },
  'metadata.max.retention.ms': {
    type: 'long', default: '604800000', importance: 'high', mode: 'read-only',
    doc: 'Soft limit on the age of metadata log segments and snapshots before they are deleted.',
  },
  'metadata.max.idle.interval.ms': {
    type: 'int', default: '500', validator: atLeast(0), importance: 'low', mode: 'read-only',
    doc: 'How often the active controller appends a no-op record to the metadata log; 0 disables it.',
  },

  // ----- Listeners and sockets -----
  listeners: {
    type: 'string', default: 'PLAINTEXT://:9092', importance: 'high', mode: 'per-broker',
    doc: 'Comma-separated NAME://host:port URIs to listen on. An empty host binds the default interface, 0.0.0.0 all IPv4 interfaces; IPv6 hosts go in brackets. Names that are not security protocols need listener.security.protocol.map. Names and ports must be unique (one IPv4 and one IPv6 listener may share a port).',
  },
  'advertised.listeners': {
    type: 'string', default: null, importance: 'high', mode: 'read-only',
    doc: 'Listener addresses published to clients and other brokers when they differ from listeners (NAT, containers, cloud). Defaults to listeners. 0.0.0.0 cannot be advertised; ports may repeat here.',
  },
  'listener.security.protocol.map': {
    type: 'string', default: 'SASL_SSL:SASL_SSL,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT', importance: 'low', mode: 'per-broker',
    doc: 'NAME:PROTOCOL pairs mapping listener names to security protocols, e.g. INTERNAL:SSL,EXTERNAL:SSL. Per-listener security settings use the prefix listener.name.<lowercase name>. When unset, controller listener names map to PLAINTEXT if no other protocol is in use.',
  },
  'inter.broker.listener.name': {
    type: 'string', default: null, importance: 'medium', mode: 'read-only',
    doc: 'Listener used between brokers. When unset, the listener named after security.inter.broker.protocol. Not to be set together with security.inter.broker.protocol.',
  },
  'security.inter.broker.protocol': {
    type: 'string', default: 'PLAINTEXT', validator: validString('PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'), importance: 'medium', mode: 'read-only',
    doc: 'Security protocol between brokers. Not to be set together with inter.broker.listener.name.',
  },
  'early.start.listeners': {
    type: 'string', default: null, importance: 'high', mode: 'read-only',
    doc: 'Listeners that may start before the authorizer is ready; defaults to the controller listeners. Never list a listener that takes external traffic.',
  },
  'socket.send.buffer.bytes': {
    type: 'int', default: '102400', importance: 'high', mode: 'read-only',
    doc: 'SO_SNDBUF of server sockets; -1 keeps the operating system default.',
  },
  'socket.receive.buffer.bytes': {
    type: 'int', default: '102400', importance: 'high', mode: 'read-only',
    doc: 'SO_RCVBUF of server sockets; -1 keeps the operating system default.',
  },
  'socket.request.max.bytes': {
    type: 'int', default: '104857600', validator: atLeast(1), importance: 'high', mode: 'read-only',
    doc: 'Largest request frame accepted on a socket; bigger frames close the connection before any allocation.',
  },
  'socket.listen.backlog.size': {
    type: 'int', default: '50', validator: atLeast(1), importance: 'medium', mode: 'read-only',
    doc: 'Maximum number of pending connections on a listening socket.',
  },
  'socket.connection.setup.timeout.ms': {
    type: 'long', default: '10000', importance: 'medium', mode: 'read-only',
    doc: 'Initial time allowed to establish an outgoing connection (to other brokers or controllers).',
  },
  'socket.connection.setup.timeout.max.ms': {
    type: 'long', default: '30000', importance: 'medium', mode: 'read-only',
    doc: 'Cap of the exponentially growing outgoing connection setup timeout.',
  },
  'max.connections': {
    type: 'int', default: INT_MAX, validator: atLeast(0), importance: 'medium', mode: 'cluster-wide',
    doc: 'Maximum number of connections to the broker at any time, on top of the per-IP limits.',
  },
  'max.connections.per.ip': {
    type: 'int', default: INT_MAX, validator: atLeast(0), importance: 'medium', mode: 'cluster-wide',
    doc: 'Maximum number of connections from one IP address; 0 is allowed only with max.connections.per.ip.overrides.',
  },
  'max.connections.per.ip.overrides': {
    type: 'string', default: '', importance: 'medium', mode: 'cluster-wide',
    doc: 'Per-IP or per-host exceptions to max.connections.per.ip, e.g. hostName:100,127.0.0.1:200.',
  },
  'max.connection.creation.rate': {
    type: 'int', default: INT_MAX, validator: atLeast(0), importance: 'medium', mode: 'cluster-wide',
    doc: 'Maximum rate of new connections per second accepted by the broker.',
  },
  'connections.max.idle.ms': {
    type: 'long', default: '600000', importance: 'medium', mode: 'read-only',
    doc: 'Connections idle for longer than this are closed.',
  },
  'connections.max.reauth.ms': {
    type: 'long', default: '0', importance: 'medium', mode: 'read-only',
    doc: 'When positive, the longest SASL session lifetime before a client must re-authenticate.',
  },
  'connection.failed.authentication.delay.ms': {
    type: 'int', default: '100', validator: atLeast(0), importance: 'low', mode: 'read-only',
    doc: 'Delay before closing a connection whose authentication failed; must be less than connections.max.idle.ms.',
  },
  'num.network.threads': {
    type: 'int', default: '3', validator: atLeast(1), importance: 'high', mode: 'cluster-wide',
    doc: 'Threads for network I/O in Kafka; accepted for compatibility (Gregor serves sockets on the event loop).',
  },
  'num.io.threads': {
    type: 'int', default: '8', validator: atLeast(1), importance: 'high', mode: 'cluster-wide',
    doc: 'Threads processing requests in Kafka; accepted for compatibility.',
  },
  'background.threads': {
    type: 'int', default: '10', validator: atLeast(1), importance: 'high', mode: 'cluster-wide',
    doc: 'Threads for background tasks in Kafka; accepted for compatibility.',
  },
  'queued.max.requests': {
    type: 'int', default: '500', validator: atLeast(1), importance: 'high', mode: 'read-only',
    doc: 'Requests that may be queued before reading from sockets pauses.',
  },
  'queued.max.request.bytes': {
    type: 'long', default: '-1', importance: 'medium', mode: 'read-only',
    doc: 'Bytes of queued requests before reading pauses; -1 for no limit. When set, at least socket.request.max.bytes.',
  },
  'request.timeout.ms': {
    type: 'int', default: '30000', importance: 'high', mode: 'read-only',
    doc: 'How long an outgoing request from this node may wait for its response.',
  },
  'max.request.partition.size.limit': {
    type: 'int', default: '2000', validator: atLeast(1), importance: 'medium', mode: 'read-only',
    doc: 'Maximum number of partitions served in one request.',
  },
  'max.incremental.fetch.session.cache.slots': {
    type: 'int', default: '1000', validator: atLeast(0), importance: 'medium', mode: 'read-only',
    doc: 'Maximum number of incremental fetch sessions kept by the broker.',
  },
  'fetch.max.bytes': {
    type: 'int', default: '57671680', validator: atLeast(1024), importance: 'medium', mode: 'read-only',
    doc: 'Largest fetch response the broker returns.',
  },
  'fetch.purgatory.purge.interval.requests': {
    type: 'int', default: '1000', importance: 'medium', mode: 'read-only',
    doc: 'Requests between purges of the delayed-fetch waiting list.',
  },
  'producer.purgatory.purge.interval.requests': {
    type: 'int', default: '1000', importance: 'medium', mode: 'read-only',
    doc: 'Requests between purges of the delayed-produce waiting list.',
  },
  'delete.records.purgatory.purge.interval.requests': {
    type: 'int', default: '1', importance: 'medium', mode: 'read-only',
    doc: 'Requests between purges of the delayed-delete-records waiting list.',
  },
  'telemetry.max.bytes': {
    type: 'int', default: '1048576', validator: atLeast(1), importance: 'low', mode: 'read-only',
    doc: 'Largest client telemetry payload (after compression) accepted from a client.',
  },

  // ----- Topics and logs -----
  'auto.create.topics.enable': {
    type: 'boolean', default: 'true', importance: 'high', mode: 'read-only',
    doc: 'Create a topic automatically when a client asks for metadata of, or produces to, a topic that does not exist.',
  },
  'delete.topic.enable': {
    type: 'boolean', default: 'true', importance: 'high', mode: 'read-only',
    doc: 'Allow topics to be deleted; when false, DeleteTopics requests are refused.',
  },
  'num.partitions': {
    type: 'int', default: '1', validator: atLeast(1), importance: 'medium', mode: 'read-only',
    doc: 'Partitions of auto-created topics and of topics created with -1 partitions.',
  },
  'default.replication.factor': {
    type: 'int', default: '1', importance: 'medium', mode: 'read-only',
    doc: 'Replication factor of auto-created topics and of topics created with -1 as replication factor.',
  },
  'min.insync.replicas': {
    type: 'int', default: '1', validator: atLeast(1), importance: 'high', mode: 'cluster-wide',
    doc: 'With acks=all, the minimum number of in-sync replicas (leader included) for a write to succeed; fewer gives NotEnoughReplicas. Messages are visible to consumers only once replicated to the whole ISR.',
  },
  'log.dir': {
    type: 'string', default: '/tmp/kafka-logs', importance: 'high', mode: 'read-only',
    doc: 'Directory of the log data, used when log.dirs is not set.',
  },
  'log.dirs': {
    type: 'string', default: null, importance: 'high', mode: 'read-only',
    doc: 'Comma-separated directories where log data is stored; when unset, log.dir is used.',
  },
  'log.segment.bytes': {
    type: 'int', default: '1073741824', validator: atLeast(1048576), importance: 'high', mode: 'cluster-wide',
    doc: 'Maximum size of a single log segment file.',
  },
  'log.roll.ms': {
    type: 'long', default: null, importance: 'high', mode: 'cluster-wide',
    doc: 'Maximum age of the active segment before a new one is rolled, in milliseconds; when unset, log.roll.hours is used.',
  },
  'log.roll.hours': {
    type: 'int', default: '168', validator: atLeast(1), importance: 'high', mode: 'read-only',
    doc: 'Maximum age of the active segment before a new one is rolled, in hours; log.roll.ms takes precedence.',
  },
  'log.roll.jitter.ms': {
    type: 'long', default: null, importance: 'high', mode: 'cluster-wide',
    doc: 'Maximum random jitter subtracted from the roll time, in milliseconds; when unset, log.roll.jitter.hours is used.',
  },
  'log.roll.jitter.hours': {
    type: 'int', default: '0', validator: atLeast(0), importance: 'high', mode: 'read-only',
    doc: 'Maximum random jitter subtracted from the roll time, in hours; log.roll.jitter.ms takes precedence.',
  },
  'log.retention.ms': {
    type: 'long', default: null, importance: 'high', mode: 'cluster-wide',
    doc: 'How long to keep a log segment before deleting it, in milliseconds; -1 for no time limit. When unset, log.retention.minutes is used.',
  },
  'log.retention.minutes': {
    type: 'int', default: null, importance: 'high', mode: 'read-only',
    doc: 'How long to keep a log segment, in minutes; log.retention.ms takes precedence, and when unset log.retention.hours is used.',
  },
  'log.retention.hours': {
    type: 'int', default: '168', importance: 'high', mode: 'read-only',
    doc: 'How long to keep a log segment, in hours; used when neither log.retention.ms nor log.retention.minutes is set.',
  },
  'log.retention.bytes': {
    type: 'long', default: '-1', importance: 'high', mode: 'cluster-wide',
    doc: 'Maximum size of a partition log before old segments are deleted; -1 for no size limit.',
  },
  'log.retention.check.interval.ms': {
    type: 'long', default: '300000', validator: atLeast(1), importance: 'medium', mode: 'read-only',
    doc: 'How often the broker looks for log segments to delete.',
  },
  'log.cleanup.policy': {
    type: 'list', default: 'delete', validator: validList({ validStrings: ['compact', 'delete'] }), importance: 'medium', mode: 'cluster-wide',
    doc: 'Default cleanup policy for segments beyond retention: delete, compact, or both (comma-separated).',
  },
  'log.index.interval.bytes': {
    type: 'int', default: '4096', validator: atLeast(0), importance: 'medium', mode: 'cluster-wide',
    doc: 'Bytes of log between two offset index entries.',
  },
  'log.index.size.max.bytes': {
    type: 'int', default: '10485760', validator: atLeast(4), importance: 'medium', mode: 'cluster-wide',
    doc: 'Maximum size of an offset index file.',
  },
  'log.flush.interval.messages': {
    type: 'long', default: LONG_MAX, validator: atLeast(1), importance: 'high', mode: 'cluster-wide',
    doc: 'Messages appended to a partition before it is fsynced.',
  },
  'log.flush.interval.ms': {
    type: 'long', default: null, importance: 'high', mode: 'cluster-wide',
    doc: 'Longest time a message may stay unflushed; when unset, log.flush.scheduler.interval.ms is used.',
  },
  'log.flush.scheduler.interval.ms': {
    type: 'long', default: LONG_MAX, importance: 'high', mode: 'read-only',
    doc: 'How often the flusher checks whether a log needs to be fsynced.',
  },
  'log.flush.offset.checkpoint.interval.ms': {
    type: 'int', default: '60000', validator: atLeast(0), importance: 'high', mode: 'read-only',
    doc: 'How often the recovery point (last flushed offset) is checkpointed.',
  },
  'log.flush.start.offset.checkpoint.interval.ms': {
    type: 'int', default: '60000', validator: atLeast(0), importance: 'high', mode: 'read-only',
    doc: 'How often log start offsets are checkpointed.',
  },
  'log.segment.delete.delay.ms': {
    type: 'long', default: '60000', validator: atLeast(0), importance: 'high', mode: 'cluster-wide',
    doc: 'Time between marking a segment deleted and removing its files.',
  },
  'log.preallocate': {
    type: 'boolean', default: 'false', importance: 'medium', mode: 'cluster-wide',
    doc: 'Preallocate segment files when they are created.',
  },
  'log.message.timestamp.type': {
    type: 'string', default: 'CreateTime', validator: validString('CreateTime', 'LogAppendTime'), importance: 'medium', mode: 'cluster-wide',
    doc: 'Whether record timestamps are the producer create time or the broker append time: CreateTime or LogAppendTime.',
  },
  'log.message.timestamp.before.max.ms': {
    type: 'long', default: LONG_MAX, validator: atLeast(0), importance: 'medium', mode: 'cluster-wide',
    doc: 'With CreateTime, how far a record timestamp may lie in the past of the broker clock before the batch is rejected.',
  },
  'log.message.timestamp.after.max.ms': {
    type: 'long', default: '3600000', validator: atLeast(0), importance: 'medium', mode: 'cluster-wide',
    doc: 'With CreateTime, how far a record timestamp may lie in the future of the broker clock before the batch is rejected.',
  },
  'log.local.retention.ms': {
    type: 'long', default: '-2', validator: atLeast(-2), importance: 'medium', mode: 'cluster-wide',
    doc: 'Tiered storage: how long local segments are kept; -2 means log.retention.ms.',
  },
  'log.local.retention.bytes': {
    type: 'long', default: '-2', validator: atLeast(-2), importance: 'medium', mode: 'cluster-wide',
    doc: 'Tiered storage: size of local segments kept per partition; -2 means log.retention.bytes.',
  },
  'log.dir.failure.timeout.ms': {
    type: 'long', default: '30000', validator: atLeast(1), importance: 'low', mode: 'read-only',
    doc: 'How long a broker may fail to report a failed log directory to the controller before it shuts down.',
  },
  'log.initial.task.delay.ms': {
    type: 'long', default: '30000', validator: atLeast(0), importance: 'low', mode: 'read-only', internal: true,
    doc: 'Delay before the log manager starts its periodic tasks (testing only).',
  },
  'num.recovery.threads.per.data.dir': {
    type: 'int', default: '2', validator: atLeast(1), importance: 'high', mode: 'cluster-wide',
    doc: 'Threads per data directory for log recovery at startup and flushing at shutdown.',
  },
  'message.max.bytes': {
    type: 'int', default: '1048588', validator: atLeast(0), importance: 'high', mode: 'cluster-wide',
    doc: 'Largest record batch (after compression) the broker accepts; per topic with max.message.bytes.',
  },
  'compression.type': {
    type: 'string', default: 'producer', validator: validString(...COMPRESSION_TYPES), importance: 'high', mode: 'cluster-wide',
    doc: "Final compression of topic data: gzip, snappy, lz4, zstd, 'uncompressed', or 'producer' to keep the producer's codec.",
  },
  'compression.gzip.level': {
    type: 'int', default: '-1', validator: gzipLevel, importance: 'medium', mode: 'cluster-wide',
    doc: "Compression level when compression.type is 'gzip'.",
  },
  'compression.lz4.level': {
    type: 'int', default: '9', validator: between(1, 17), importance: 'medium', mode: 'cluster-wide',
    doc: "Compression level when compression.type is 'lz4'.",
  },
  'compression.zstd.level': {
    type: 'int', default: '3', validator: between(-131072, 22), importance: 'medium', mode: 'cluster-wide',
    doc: "Compression level when compression.type is 'zstd'.",
  },
  'create.topic.policy.class.name': {
    type: 'class', default: null, importance: 'low', mode: 'read-only',
    doc: 'Policy class validating topic creation (runs on the controller).',
  },
  'alter.config.policy.class.name': {
    type: 'class', default: null, importance: 'low', mode: 'read-only',
    doc: 'Policy class validating config changes (runs on the controller).',
  },

  // ----- Log cleaner (compaction) -----
  'log.cleaner.enable': {
    type: 'boolean', default: 'true', importance: 'medium', mode: 'read-only',
    doc: 'Run the log cleaner that compacts topics with cleanup.policy=compact (including __consumer_offsets). Deprecated: do not set it to false.',
  },
  'log.cleaner.threads': {
    type: 'int', default: '1', validator: atLeast(0), importance: 'medium', mode: 'cluster-wide',
    doc: 'Background threads for log cleaning.',
  },
  'log.cleaner.backoff.ms': {
    type: 'long', default: '15000', validator: atLeast(0), importance: 'medium', mode: 'cluster-wide',
    doc: 'Sleep time of the cleaner when there is no log to clean.',
  },
  'log.cleaner.dedupe.buffer.size': {
    type: 'long', default: '134217728', importance: 'medium', mode: 'cluster-wide',
    doc: 'Memory for key deduplication across all cleaner threads (at least 1 MiB per thread).',
  },
  'log.cleaner.io.buffer.size': {
    type: 'int', default: '524288', validator: atLeast(0), importance: 'medium', mode: 'cluster-wide',
    doc: 'Memory for cleaner I/O buffers across all cleaner threads.',
  },
  'log.cleaner.io.buffer.load.factor': {
    type: 'double', default: '0.9', importance: 'medium', mode: 'cluster-wide',
    doc: 'How full the dedupe buffer may become; higher cleans more at once with more hash collisions.',
  },
  'log.cleaner.io.max.bytes.per.second': {
    type: 'double', default: '1.7976931348623157E308', importance: 'medium', mode: 'cluster-wide',
    doc: 'Throttle on the combined read and write rate of the cleaner.',
  },
  'log.cleaner.delete.retention.ms': {
    type: 'long', default: '86400000', validator: atLeast(0), importance: 'medium', mode: 'cluster-wide',
    doc: 'How long tombstones are kept on compacted topics; also how long a consumer starting at offset 0 has to read a consistent snapshot.',
  },
  'log.cleaner.min.compaction.lag.ms': {
    type: 'long', default: '0', validator: atLeast(0), importance: 'medium', mode: 'cluster-wide',
    doc: 'Minimum time a record stays uncompacted.',
  },
  'log.cleaner.max.compaction.lag.ms': {
    type: 'long', default: LONG_MAX, validator: atLeast(1), importance: 'medium', mode: 'cluster-wide',
    doc: 'Maximum time a record stays ineligible for compaction.',
  },
  'log.cleaner.min.cleanable.ratio': {
    type: 'double', default: '0.5', validator: between(0, 1), importance: 'medium', mode: 'cluster-wide',
    doc: 'Minimum dirty-to-total ratio of a log before it is cleaned (unless the compaction lag settings force it).',
  },

  // ----- Replication -----
  'unclean.leader.election.enable': {
    type: 'boolean', default: 'false', importance: 'high', mode: 'cluster-wide',
    doc: 'Allow a replica outside the ISR to become leader as a last resort, at the risk of losing data.',
  },
  'replica.lag.time.max.ms': {
    type: 'long', default: '30000', importance: 'high', mode: 'read-only',
    doc: 'A follower that has not fetched, or not caught up to the log end, for this long is removed from the ISR.',
  },
  'replica.fetch.min.bytes': {
    type: 'int', default: '1', importance: 'high', mode: 'read-only',
    doc: 'Minimum bytes a follower fetch waits for (up to replica.fetch.wait.max.ms).',
  },
  'replica.fetch.wait.max.ms': {
    type: 'int', default: '500', importance: 'high', mode: 'read-only',
    doc: 'Maximum wait of a follower fetch; keep it below replica.lag.time.max.ms.',
  },
  'replica.fetch.max.bytes': {
    type: 'int', default: '1048576', validator: atLeast(0), importance: 'medium', mode: 'read-only',
    doc: 'Bytes per partition a follower asks for (a larger first batch is still returned).',
  },
  'replica.fetch.response.max.bytes': {
    type: 'int', default: '10485760', validator: atLeast(0), importance: 'medium', mode: 'read-only',
    doc: 'Bytes per follower fetch response (a larger first batch is still returned).',
  },
  'replica.fetch.backoff.ms': {
    type: 'int', default: '1000', validator: atLeast(0), importance: 'medium', mode: 'read-only',
    doc: 'Sleep after a follower fetch error.',
  },
  'replica.socket.timeout.ms': {
    type: 'int', default: '30000', importance: 'high', mode: 'read-only',
    doc: 'Socket timeout of follower fetches; at least replica.fetch.wait.max.ms.',
  },
  'replica.socket.receive.buffer.bytes': {
    type: 'int', default: '65536', importance: 'high', mode: 'read-only',
    doc: 'Receive buffer of follower fetch connections.',
  },
  'replica.high.watermark.checkpoint.interval.ms': {
    type: 'long', default: '5000', importance: 'high', mode: 'read-only',
    doc: 'How often high watermarks are checkpointed to disk.',
  },
  'replica.selector.class': {
    type: 'string', default: null, importance: 'medium', mode: 'read-only',
    doc: 'Class choosing the preferred read replica; by default consumers read from the leader.',
  },
  'num.replica.fetchers': {
    type: 'int', default: '1', importance: 'high', mode: 'cluster-wide',
    doc: 'Fetcher threads per source broker in Kafka; accepted for compatibility.',
  },
  'num.replica.alter.log.dirs.threads': {
    type: 'int', default: null, importance: 'high', mode: 'read-only',
    doc: 'Threads moving replicas between log directories; defaults to the number of log directories.',
  },
  'auto.leader.rebalance.enable': {
    type: 'boolean', default: 'true', importance: 'high', mode: 'read-only',
    doc: 'Periodically move leadership back to preferred replicas when leaders are imbalanced.',
  },
  'leader.imbalance.check.interval.seconds': {
    type: 'long', default: '300', validator: atLeast(1), importance: 'high', mode: 'read-only',
    doc: 'How often the controller checks leader balance.',
  },
  'controller.socket.timeout.ms': {
    type: 'int', default: '30000', importance: 'medium', mode: 'read-only',
    doc: 'Socket timeout of controller-to-broker channels.',
  },
  'controlled.shutdown.enable': {
    type: 'boolean', default: 'true', importance: 'medium', mode: 'read-only',
    doc: 'Move leadership away from a broker before it shuts down.',
  },

  // ----- Group coordinator -----
  'group.initial.rebalance.delay.ms': {
    type: 'int', default: '3000', importance: 'medium', mode: 'read-only',
    doc: 'How long the coordinator waits for more members to join a new classic group before the first rebalance.',
  },
  'group.min.session.timeout.ms': {
    type: 'int', default: '6000', importance: 'medium', mode: 'read-only',
    doc: 'Smallest session timeout a classic group member may ask for.',
  },
  'group.max.session.timeout.ms': {
    type: 'int', default: '1800000', importance: 'medium', mode: 'read-only',
    doc: 'Largest session timeout a classic group member may ask for.',
  },
  'group.max.size': {
    type: 'int', default: INT_MAX, validator: atLeast(1), importance: 'medium', mode: 'read-only',
    doc: 'Maximum number of members of a classic group.',
  },
  'group.coordinator.threads': {
    type: 'int', default: '4', validator: atLeast(1), importance: 'high', mode: 'read-only',
    doc: 'Group coordinator threads in Kafka; accepted for compatibility.',
  },
  'group.coordinator.append.linger.ms': {
    type: 'int', default: '5', validator: atLeast(0), importance: 'medium', mode: 'read-only',
    doc: 'How long the coordinator lets writes accumulate before flushing; transactional writes are not delayed.',
  },
  'group.coordinator.rebalance.protocols': {
    type: 'list', default: 'classic,consumer,streams', validator: validList({ validStrings: ['consumer', 'classic', 'share', 'streams'] }), importance: 'medium', mode: 'read-only',
    doc: "Enabled rebalance protocols; 'classic' cannot be disabled.",
  },
  'group.consumer.assignors': {
    type: 'list', default: 'uniform,range', importance: 'medium', mode: 'read-only',
    doc: 'Server-side assignors of consumer groups (KIP-848); the first is the default. Built in: uniform, range.',
  },
  'group.consumer.heartbeat.interval.ms': {
    type: 'int', default: '5000', validator: atLeast(1), importance: 'medium', mode: 'read-only',
    doc: 'Heartbeat interval given to consumer group members.',
  },
  'group.consumer.min.heartbeat.interval.ms': {
    type: 'int', default: '5000', validator: atLeast(1), importance: 'medium', mode: 'read-only',
    doc: 'Smallest heartbeat interval of consumer group members.',
  },
  'group.consumer.max.heartbeat.interval.ms': {
    type: 'int', default: '15000', validator: atLeast(1), importance: 'medium', mode: 'read-only',
    doc: 'Largest heartbeat interval of consumer group members.',
  },
  'group.consumer.session.timeout.ms': {
    type: 'int', default: '45000', validator: atLeast(1), importance: 'medium', mode: 'read-only',
    doc: 'Session timeout of consumer group members.',
  },
  'group.consumer.min.session.timeout.ms': {
    type: 'int', default: '45000', validator: atLeast(1), importance: 'medium', mode: 'read-only',
    doc: 'Smallest session timeout of consumer group members.',
  },
  'group.consumer.max.session.timeout.ms': {
    type: 'int', default: '60000', validator: atLeast(1), importance: 'medium', mode: 'read-only',
    doc: 'Largest session timeout of consumer group members.',
  },
  'group.consumer.max.size': {
    type: 'int', default: INT_MAX, validator: atLeast(1), importance: 'medium', mode: 'read-only',
    doc: 'Maximum number of members of a consumer group (group.max.size applies to classic groups).',
  },
  'group.consumer.migration.policy': {
    type: 'string', default: 'bidirectional', validator: caseInsensitiveValidString('DISABLED', 'DOWNGRADE', 'UPGRADE', 'BIDIRECTIONAL'), importance: 'medium', mode: 'read-only',
    doc: 'Which conversions between non-empty classic and consumer groups are allowed: bidirectional, upgrade, downgrade or disabled.',
  },
  'offset.metadata.max.bytes': {
    type: 'int', default: '4096', importance: 'high', mode: 'read-only',
    doc: 'Largest metadata string stored with a committed offset.',
  },
  'offsets.commit.timeout.ms': {
    type: 'int', default: '5000', validator: atLeast(1), importance: 'high', mode: 'read-only',
    doc: 'How long a coordinator write waits for the offsets topic replicas before it fails.',
  },
  'offsets.load.buffer.size': {
    type: 'int', default: '5242880', validator: atLeast(1), importance: 'high', mode: 'read-only',
    doc: 'Batch size when loading group state from the offsets topic.',
  },
  'offsets.retention.check.interval.ms': {
    type: 'long', default: '600000', validator: atLeast(1), importance: 'high', mode: 'read-only',
    doc: 'How often expired offsets are removed.',
  },
  'offsets.retention.minutes': {
    type: 'int', default: '10080', validator: atLeast(1), importance: 'high', mode: 'read-only',
    doc: 'How long committed offsets are kept after a group becomes empty (or, for standalone consumers, after the last commit).',
  },
  'offsets.topic.compression.codec': {
    type: 'int', default: '0', importance: 'high', mode: 'read-only',
    doc: 'Compression codec id for the offsets topic (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd).',
  },
  'offsets.topic.num.partitions': {
    type: 'int', default: '50', validator: atLeast(1), importance: 'high', mode: 'read-only',
    doc: 'Partitions of __consumer_offsets (do not change after deployment).',
  },
  'offsets.topic.replication.factor': {
    type: 'short', default: '3', validator: atLeast(1), importance: 'high', mode: 'read-only',
    doc: 'Replication factor of __consumer_offsets; creating it fails until the cluster has this many brokers. Use 1 for a single node.',
  },
  'offsets.topic.segment.bytes': {
    type: 'int', default: '104857600', validator: atLeast(1), importance: 'high', mode: 'read-only',
    doc: 'Segment size of __consumer_offsets, small for faster compaction and loading.',
  },

  // ----- Transactions and idempotence -----
  'transaction.max.timeout.ms': {
    type: 'int', default: '900000', validator: atLeast(1), importance: 'high', mode: 'read-only',
    doc: 'Largest transaction timeout a producer may ask for in InitProducerId.',
  },
  'transaction.state.log.load.buffer.size': {
    type: 'int', default: '5242880', validator: atLeast(1), importance: 'high', mode: 'read-only',
    doc: 'Batch size when loading transaction state from __transaction_state.',
  },
  'transaction.state.log.min.isr': {
    type: 'int', default: '2', validator: atLeast(1), importance: 'high', mode: 'read-only',
    doc: 'min.insync.replicas of __transaction_state. Use 1 for a single node.',
  },
  'transaction.state.log.num.partitions': {
    type: 'int', default: '50', validator: atLeast(1), importance: 'high', mode: 'read-only',
    doc: 'Partitions of __transaction_state (do not change after deployment).',
  },
  'transaction.state.log.replication.factor': {
    type: 'short', default: '3', validator: atLeast(1), importance: 'high', mode: 'read-only',
    doc: 'Replication factor of __transaction_state; creating it fails until the cluster has this many brokers. Use 1 for a single node.',
  },
  'transaction.state.log.segment.bytes': {
    type: 'int', default: '104857600', validator: atLeast(1), importance: 'high', mode: 'read-only',
    doc: 'Segment size of __transaction_state.',
  },
  'transactional.id.expiration.ms': {
    type: 'int', default: '604800000', validator: atLeast(1), importance: 'high', mode: 'read-only',
    doc: 'A transactional id without transaction activity for this long expires (never while a transaction is open).',
  },
  'transaction.abort.timed.out.transaction.cleanup.interval.ms': {
    type: 'int', default: '10000', validator: atLeast(1), importance: 'low', mode: 'read-only',
    doc: 'How often timed-out transactions are rolled back.',
  },
  'transaction.remove.expired.transaction.cleanup.interval.ms': {
    type: 'int', default: '3600000', validator: atLeast(1), importance: 'low', mode: 'read-only',
    doc: 'How often transactional ids expired by transactional.id.expiration.ms are removed.',
  },
  'transaction.partition.verification.enable': {
    type: 'boolean', default: 'true', importance: 'low', mode: 'cluster-wide',
    doc: 'Check that a partition was added to the transaction before accepting transactional writes to it.',
  },
  'transaction.two.phase.commit.enable': {
    type: 'boolean', default: 'false', importance: 'low', mode: 'read-only',
    doc: 'Allow two-phase-commit transactions driven by an external coordinator.',
  },
  'add.partitions.to.txn.retry.backoff.ms': {
    type: 'int', default: '20', validator: atLeast(1), importance: 'high', mode: 'read-only',
    doc: 'Server-side retry backoff when adding a partition to a transaction.',
  },
  'add.partitions.to.txn.retry.backoff.max.ms': {
    type: 'int', default: '100', validator: atLeast(0), importance: 'high', mode: 'read-only',
    doc: 'Maximum server-side retry time for adding partitions to a transaction.',
  },
  'producer.id.expiration.ms': {
    type: 'int', default: '86400000', validator: atLeast(1), importance: 'low', mode: 'cluster-wide',
    doc: 'How long a partition leader keeps the state of an idle producer id (never while its transaction is open).',
  },
  'producer.id.expiration.check.interval.ms': {
    type: 'int', default: '600000', validator: atLeast(1), importance: 'low', mode: 'read-only', internal: true,
    doc: 'How often expired producer ids are removed (testing only).',
  },

  // ----- Security -----
  'sasl.enabled.mechanisms': {
    type: 'list', default: 'GSSAPI', importance: 'medium', mode: 'per-broker',
    doc: 'SASL mechanisms enabled on the broker, e.g. PLAIN,SCRAM-SHA-256,SCRAM-SHA-512.',
  },
  'sasl.mechanism.inter.broker.protocol': {
    type: 'string', default: 'GSSAPI', importance: 'medium', mode: 'per-broker',
    doc: 'SASL mechanism between brokers.',
  },
  'sasl.mechanism.controller.protocol': {
    type: 'string', default: 'GSSAPI', importance: 'high', mode: 'read-only',
    doc: 'SASL mechanism towards the controllers.',
  },
  'sasl.jaas.config': {
    type: 'password', default: null, importance: 'medium', mode: 'per-broker',
    doc: 'JAAS login module configuration; for brokers, prefix it with the listener and lower-case mechanism, e.g. listener.name.sasl_plaintext.plain.sasl.jaas.config.',
  },
  'sasl.server.max.receive.size': {
    type: 'int', default: '524288', importance: 'medium', mode: 'read-only',
    doc: 'Largest frame accepted before and during the initial SASL authentication.',
  },
  'principal.builder.class': {
    type: 'class', default: 'org.apache.kafka.common.security.authenticator.DefaultKafkaPrincipalBuilder', importance: 'medium', mode: 'per-broker',
    doc: 'Builds the principal used for authorization; by default from the TLS distinguished name or SASL authentication id, ANONYMOUS otherwise.',
  },
  'authorizer.class.name': {
    type: 'string', default: '', validator: nonNullString, importance: 'low', mode: 'read-only',
    doc: 'Authorizer class; empty disables authorization. org.apache.kafka.metadata.authorizer.StandardAuthorizer enables ACLs.',
  },
  'ssl.client.auth': {
    type: 'string', default: 'none', validator: validString('required', 'requested', 'none'), importance: 'medium', mode: 'per-broker',
    doc: 'Whether TLS clients must (required), may (requested) or need not (none) present a certificate.',
  },
  'ssl.protocol': {
    type: 'string', default: 'TLSv1.3', importance: 'medium', mode: 'per-broker',
    doc: 'TLS protocol used to build the TLS context.',
  },
  'ssl.enabled.protocols': {
    type: 'list', default: 'TLSv1.2,TLSv1.3', importance: 'medium', mode: 'per-broker',
    doc: 'TLS protocol versions enabled.',
  },
  'ssl.cipher.suites': {
    type: 'list', default: '', importance: 'medium', mode: 'per-broker',
    doc: 'Enabled cipher suites; empty enables all available ones.',
  },
  'ssl.keystore.type': {
    type: 'string', default: 'JKS', importance: 'medium', mode: 'per-broker',
    doc: 'Key store format: JKS, PKCS12 or PEM.',
  },
  'ssl.keystore.location': {
    type: 'string', default: null, importance: 'medium', mode: 'per-broker',
    doc: 'Path of the key store file.',
  },
  'ssl.keystore.password': {
    type: 'password', default: null, importance: 'medium', mode: 'per-broker',
    doc: 'Password of the key store file (not used with PEM).',
  },
  'ssl.key.password': {
    type: 'password', default: null, importance: 'medium', mode: 'per-broker',
    doc: 'Password of the private key in the key store or in ssl.keystore.key.',
  },
  'ssl.keystore.key': {
    type: 'password', default: null, importance: 'medium', mode: 'per-broker',
    doc: 'PEM private key (PKCS#8) given inline.',
  },
  'ssl.keystore.certificate.chain': {
    type: 'password', default: null, importance: 'medium', mode: 'per-broker',
    doc: 'PEM certificate chain given inline.',
  },
  'ssl.truststore.type': {
    type: 'string', default: 'JKS', importance: 'medium', mode: 'per-broker',
    doc: 'Trust store format: JKS, PKCS12 or PEM.',
  },
  'ssl.truststore.location': {
    type: 'string', default: null, importance: 'medium', mode: 'per-broker',
    doc: 'Path of the trust store file.',
  },
  'ssl.truststore.password': {
    type: 'password', default: null, importance: 'medium', mode: 'per-broker',
    doc: 'Password of the trust store file; without it the file is used without an integrity check.',
  },
  'ssl.truststore.certificates': {
    type: 'password', default: null, importance: 'medium', mode: 'per-broker',
    doc: 'PEM trusted certificates given inline.',
  },
  'ssl.keymanager.algorithm': {
    type: 'string', default: 'SunX509', importance: 'medium', mode: 'per-broker',
    doc: 'Key manager algorithm (JVM setting, accepted for compatibility).',
  },
  'ssl.trustmanager.algorithm': {
    type: 'string', default: 'PKIX', importance: 'medium', mode: 'per-broker',
    doc: 'Trust manager algorithm (JVM setting, accepted for compatibility).',
  },
  'ssl.provider': {
    type: 'string', default: null, importance: 'medium', mode: 'per-broker',
    doc: 'Security provider (JVM setting, accepted for compatibility).',
  },
  'ssl.endpoint.identification.algorithm': {
    type: 'string', default: 'https', importance: 'low', mode: 'per-broker',
    doc: "Host name verification of server certificates on outgoing connections; 'https' checks, empty does not.",
  },
  'ssl.principal.mapping.rules': {
    type: 'string', default: 'DEFAULT', importance: 'low', mode: 'read-only',
    doc: 'Rules mapping a client certificate distinguished name to a short principal name.',
  },
  'ssl.secure.random.implementation': {
    type: 'string', default: null, importance: 'low', mode: 'per-broker',
    doc: 'SecureRandom implementation (JVM setting, accepted for compatibility).',
  },
  'ssl.engine.factory.class': {
    type: 'class', default: null, importance: 'low', mode: 'per-broker',
    doc: 'Custom TLS engine factory class (JVM setting, accepted for compatibility).',
  },
  'ssl.allow.dn.changes': {
    type: 'boolean', default: 'false', importance: 'low', mode: 'read-only',
    doc: 'Allow the certificate distinguished name to change when certificates are reloaded.',
  },
  'ssl.allow.san.changes': {
    type: 'boolean', default: 'false', importance: 'low', mode: 'read-only',
    doc: 'Allow the certificate subject alternative names to change when certificates are reloaded.',
  },
  'security.providers': {
    type: 'string', default: null, importance: 'low', mode: 'read-only',
    doc: 'Security provider creator classes (JVM setting, accepted for compatibility).',
  },

  // ----- Quotas and metrics -----
  'quota.window.num': {
    type: 'int', default: '11', validator: atLeast(1), importance: 'low', mode: 'read-only',
    doc: 'Samples kept for client quotas.',
  },
  'quota.window.size.seconds': {
    type: 'int', default: '1', validator: atLeast(1), importance: 'low', mode: 'read-only',
    doc: 'Span of one client quota sample.',
  },
  'replication.quota.window.num': {
    type: 'int', default: '11', validator: atLeast(1), importance: 'low', mode: 'read-only',
    doc: 'Samples kept for replication quotas.',
  },
  'replication.quota.window.size.seconds': {
    type: 'int', default: '1', validator: atLeast(1), importance: 'low', mode: 'read-only',
    doc: 'Span of one replication quota sample.',
  },
  'controller.quota.window.num': {
    type: 'int', default: '11', validator: atLeast(1), importance: 'low', mode: 'read-only',
    doc: 'Samples kept for controller mutation quotas.',
  },
  'controller.quota.window.size.seconds': {
    type: 'int', default: '1', validator: atLeast(1), importance: 'low', mode: 'read-only',
    doc: 'Span of one controller mutation quota sample.',
  },
  'client.quota.callback.class': {
    type: 'class', default: null, importance: 'low', mode: 'read-only',
    doc: 'Custom client quota callback class.',
  },
  'metric.reporters': {
    type: 'list', default: 'org.apache.kafka.common.metrics.JmxReporter', importance: 'low', mode: 'cluster-wide',
    doc: 'Metrics reporter classes (JVM setting, accepted for compatibility; Gregor exposes Prometheus metrics).',
  },
  'metrics.num.samples': {
    type: 'int', default: '2', validator: atLeast(1), importance: 'low', mode: 'read-only',
    doc: 'Samples kept to compute metrics.',
  },
  'metrics.recording.level': {
    type: 'string', default: 'INFO', importance: 'low', mode: 'read-only',
    doc: 'Highest metrics recording level: INFO, DEBUG or TRACE.',
  },
  'metrics.sample.window.ms': {
    type: 'long', default: '30000', validator: atLeast(1), importance: 'low', mode: 'read-only',
    doc: 'Time window of one metrics sample.',
  },
  'kafka.metrics.reporters': {
    type: 'list', default: '', importance: 'low', mode: 'read-only',
    doc: 'Yammer metrics reporter classes (JVM setting, accepted for compatibility).',
  },
  'kafka.metrics.polling.interval.secs': {
    type: 'int', default: '10', validator: atLeast(1), importance: 'low', mode: 'read-only',
    doc: 'Polling interval of kafka.metrics.reporters.',
  },
  // Gregor's own settings (not Kafka's): internal, so a DescribeConfigs listing every broker
  // config shows exactly Kafka's names; still accepted without an unknown-config warning and
  // describable by name. In docker: KAFKA_GREGOR_METRICS_PORT / KAFKA_GREGOR_METRICS_HOST.
  'gregor.metrics.port': {
    type: 'int', default: null, validator: optionalPort, importance: 'low', mode: 'read-only', internal: true,
    doc: 'Port of the Prometheus metrics endpoint (GET /metrics); unset (the default) disables it, 0 picks a free port. The JMX exporter is often run on 7071.',
  },
  'gregor.metrics.host': {
    type: 'string', default: '0.0.0.0', importance: 'low', mode: 'read-only', internal: true,
    doc: 'Address the Prometheus metrics endpoint binds (0.0.0.0: every IPv4 interface).',
  },

  // ----- Tiered storage (switch only) -----
  'remote.log.storage.system.enable': {
    type: 'boolean', default: 'false', importance: 'medium', mode: 'read-only',
    doc: 'Enable tiered storage on this broker (not supported by Gregor; topics cannot enable remote.storage.enable while it is false).',
  },

  // ----- Internal -----
  'unstable.api.versions.enable': {
    type: 'boolean', default: 'false', importance: 'high', mode: 'read-only', internal: true,
    doc: 'Advertise unreleased API versions (testing only).',
  },
  'unstable.feature.versions.enable': {
    type: 'boolean', default: 'false', importance: 'high', mode: 'read-only', internal: true,
    doc: 'Allow unreleased feature versions (testing only).',
  },
} as const satisfies Record<string, ConfigSpec>;

export type BrokerConfigSpecs = typeof BROKER_CONFIG_SPECS;
export type BrokerConfigName = keyof BrokerConfigSpecs & string;
export type BrokerConfigValue<K extends BrokerConfigName> = SpecValue<BrokerConfigSpecs[K]>;

export const BROKER_CONFIG_DEF = new ConfigDefinitions(BROKER_CONFIG_SPECS);

export function isBrokerConfigName(name: string): name is BrokerConfigName {
  return BROKER_CONFIG_DEF.has(name);
}

/**
 * Settings read by the ACL authorizer (StandardAuthorizer) rather than defined in KafkaConfig:
 * accepted without an "unknown config" warning, kept as raw strings (`raw(name)`).
 */
export const AUTHORIZER_CONFIGS: readonly string[] = ['super.users', 'allow.everyone.if.no.acl.found'];

/** `listener.name.<listener>.<config>`: per-listener overrides, kept as raw strings (Kafka's ListenerConfigRegex). */
export const LISTENER_CONFIG_PREFIX = /^listener\.name\.([^.]*)\.(.*)$/;

/** SASL configs that are given per listener and mechanism: listener.name.<l>.<mechanism>.<config>. */
const LISTENER_MECHANISM_CONFIGS = [
  'sasl.jaas.config',
  'sasl.login.class',
  'sasl.login.callback.handler.class',
  'sasl.server.callback.handler.class',
  'connections.max.reauth.ms',
];

/** Dynamic update mode of a name, including listener-prefixed names. */
export function brokerConfigUpdateMode(name: string): 'read-only' | 'per-broker' | 'cluster-wide' {
  const key = BROKER_CONFIG_DEF.key(name);
  if (key) return key.updateMode;
  const m = LISTENER_CONFIG_PREFIX.exec(name);
  if (m) {
    const base = m[2] ?? '';
    const mechanismBase = LISTENER_MECHANISM_CONFIGS.find((c) => base.endsWith(`.${c}`));
    const baseKey = BROKER_CONFIG_DEF.key(mechanismBase ?? base);
    if (baseKey && baseKey.updateMode !== 'read-only') return 'per-broker';
  }
  return 'read-only';
}

/**
 * DynamicBrokerConfig.brokerConfigSynonyms: the names that can provide a broker config's value, in
 * precedence order. Listener-prefixed names fall back to their base config.
 */
export function brokerConfigSynonyms(name: string, matchListenerOverride = true): string[] {
  switch (name) {
    case 'log.roll.ms':
    case 'log.roll.hours':
      return ['log.roll.ms', 'log.roll.hours'];
    case 'log.roll.jitter.ms':
    case 'log.roll.jitter.hours':
      return ['log.roll.jitter.ms', 'log.roll.jitter.hours'];
    case 'log.flush.interval.ms':
      return ['log.flush.interval.ms', 'log.flush.scheduler.interval.ms'];
    case 'log.retention.ms':
    case 'log.retention.minutes':
    case 'log.retention.hours':
      return ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours'];
  }
  const m = matchListenerOverride ? LISTENER_CONFIG_PREFIX.exec(name) : null;
  if (m) {
    const base = m[2] ?? '';
    const mechanismConfig = LISTENER_MECHANISM_CONFIGS.find((c) => name.endsWith(`.${c}`));
    return [name, mechanismConfig ?? base];
  }
  return [name];
}

/** One synonym of a DescribeConfigs entry. */
export interface ConfigSynonymEntry {
  readonly name: string;
  readonly value: string | null;
  readonly source: ConfigSourceId;
}

/** A DescribeConfigs result entry. */
export interface ConfigEntryDescription {
  readonly name: string;
  /** null for sensitive configs (passwords, unknown names) and unset nullable ones. */
  readonly value: string | null;
  readonly readOnly: boolean;
  readonly source: ConfigSourceId;
  readonly isSensitive: boolean;
  readonly synonyms: readonly ConfigSynonymEntry[];
  readonly configType: ConfigType | 'unknown';
  readonly documentation: string | null;
}

/** Dynamic broker configs as written by AlterConfigs: cluster-wide defaults and this broker's own. */
export interface DynamicBrokerConfigs {
  readonly clusterDefault?: Readonly<Record<string, string>>;
  readonly perBroker?: Readonly<Record<string, string>>;
}

/** A config value as the embedding API may pass it. */
export type BrokerConfigInputValue = string | number | bigint | boolean | readonly string[] | undefined;

/** Typed values to the strings a properties file would hold (lists joined with commas); undefined entries dropped. */
export function stringifyProps(props: Readonly<Record<string, BrokerConfigInputValue>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? v.join(',') : String(v);
  }
  return out;
}

/** KafkaConfig.populateSynonyms: node.id and broker.id each default to the other. */
export function populateSynonyms(props: Readonly<Record<string, string>>): Record<string, string> {
  const out = { ...props };
  if (out['broker.id'] === undefined && out['node.id'] !== undefined) out['broker.id'] = out['node.id'];
  else if (out['broker.id'] !== undefined && out['node.id'] === undefined) out['node.id'] = out['broker.id'];
  return out;
}

const HOUR_MS = 3_600_000n;
const MINUTE_MS = 60_000n;

/**
 * A broker's effective configuration: static properties (file, KAFKA_* env, --override) plus
 * optional dynamic layers. Construct with `BrokerConfig.create`, which parses and checks every value
 * (types, ranges, required keys) and Kafka's cross-config rules that do not involve listeners;
 * `validateKRaftConfig` in listeners.ts checks listeners, roles and quorum.
 */
export class BrokerConfig {
  /** Static properties as given (after node.id/broker.id copying): what DescribeConfigs calls STATIC_BROKER_CONFIG. */
  readonly originals: Readonly<Record<string, string>>;
  readonly dynamicDefault: Readonly<Record<string, string>>;
  readonly dynamicBroker: Readonly<Record<string, string>>;
  private readonly parsed: Map<string, ConfigValue>;
  private readonly effective: Readonly<Record<string, string>>;

  private constructor(originals: Record<string, string>, dynamic: DynamicBrokerConfigs) {
    this.originals = Object.freeze(originals);
    this.dynamicDefault = Object.freeze(filterDynamic(dynamic.clusterDefault ?? {}, false));
    this.dynamicBroker = Object.freeze(filterDynamic(dynamic.perBroker ?? {}, true));
    this.effective = Object.freeze({ ...this.originals, ...this.dynamicDefault, ...this.dynamicBroker });
    this.parsed = BROKER_CONFIG_DEF.parse(this.effective);
    validateBrokerValues(this);
  }

  /**
   * Parses and validates `props`; throws ConfigError with Kafka's message on the first problem.
   * Values may be given typed (numbers, booleans, bigints, string arrays), as Kafka's ConfigDef
   * accepts; they are turned into the strings a properties file would hold.
   */
  static create(props: Readonly<Record<string, BrokerConfigInputValue>>, dynamic: DynamicBrokerConfigs = {}): BrokerConfig {
    return new BrokerConfig(populateSynonyms(stringifyProps(props)), dynamic);
  }

  /** The effective raw strings (static, then dynamic default, then dynamic per broker), as given. */
  get values(): Readonly<Record<string, string>> {
    return this.effective;
  }

  /** The same static config with new dynamic layers (Kafka applies AlterConfigs this way). */
  withDynamic(dynamic: DynamicBrokerConfigs): BrokerConfig {
    return new BrokerConfig({ ...this.originals }, dynamic);
  }

  /** The typed effective value of a known config. */
  get<K extends BrokerConfigName>(name: K): BrokerConfigValue<K> {
    return this.parsed.get(name) as BrokerConfigValue<K>;
  }

  /** A numeric config as a JS number: longs saturate at ±2^53 (Long.MAX_VALUE means "never"); null stays null. */
  getNumber(name: BrokerConfigName): number | null {
    const v = this.parsed.get(name);
    if (v === null || v === undefined) return null;
    if (typeof v === 'bigint') return longToNumber(v);
    if (typeof v === 'number') return v;
    throw new TypeError(`${name} is not numeric`);
  }

  /** Whether the name was given explicitly (statically or dynamically). */
  isSet(name: string): boolean {
    return this.effective[name] !== undefined;
  }

  /** The raw effective string of a name as it was given (any name, known or not). */
  raw(name: string): string | undefined {
    return this.effective[name];
  }

  /** DescribeConfigs' value string of a known config (null when unset-nullable or sensitive). */
  valueString(name: BrokerConfigName): string | null {
    const key = BROKER_CONFIG_DEF.key(name)!;
    return formatValue(key.type, this.parsed.get(name) ?? null);
  }

  /** Given names that are neither known configs, nor listener.name.* overrides, nor authorizer settings. */
  unknownKeys(): string[] {
    return Object.keys(this.effective).filter(
      (k) => !BROKER_CONFIG_DEF.has(k) && !LISTENER_CONFIG_PREFIX.test(k) && !AUTHORIZER_CONFIGS.includes(k),
    );
  }

  /** Listener-prefixed overrides for one listener, with the prefix removed (KafkaConfig.valuesWithPrefixOverride). */
  listenerOverrides(listenerName: string): Record<string, string> {
    const prefix = `listener.name.${listenerName.toLowerCase()}.`;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.effective)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
    return out;
  }

  // ----- Derived values (KafkaConfig accessors) -----

  get nodeId(): number {
    return this.get('node.id');
  }

  /** log.dirs, else log.dir, split on commas. */
  get logDirs(): string[] {
    const dirs = this.get('log.dirs') ?? this.get('log.dir');
    return dirs.split(/\s*,\s*/).filter((d) => d !== '');
  }

  /** metadata.log.dir, else the first log directory. */
  get metadataLogDir(): string {
    return this.get('metadata.log.dir') ?? this.logDirs[0]!;
  }

  /** log.retention.ms > log.retention.minutes > log.retention.hours; any negative value means -1 (forever). */
  get logRetentionTimeMillis(): bigint {
    const ms = this.get('log.retention.ms');
    const minutes = this.get('log.retention.minutes');
    const millis = ms ?? (minutes !== null ? BigInt(minutes) * MINUTE_MS : BigInt(this.get('log.retention.hours')) * HOUR_MS);
    return millis < 0n ? -1n : millis;
  }

  /** log.roll.ms > log.roll.hours. */
  get logRollTimeMillis(): bigint {
    return this.get('log.roll.ms') ?? BigInt(this.get('log.roll.hours')) * HOUR_MS;
  }

  /** log.roll.jitter.ms > log.roll.jitter.hours. */
  get logRollTimeJitterMillis(): bigint {
    return this.get('log.roll.jitter.ms') ?? BigInt(this.get('log.roll.jitter.hours')) * HOUR_MS;
  }

  /** log.flush.interval.ms > log.flush.scheduler.interval.ms. */
  get logFlushIntervalMs(): bigint {
    return this.get('log.flush.interval.ms') ?? this.get('log.flush.scheduler.interval.ms');
  }

  // ----- DescribeConfigs -----

  /** Where each name's values come from, in DescribeConfigs order, for `name` and its synonyms. */
  private synonymEntries(name: string, synonyms: readonly string[], sensitive: boolean): ConfigSynonymEntry[] {
    const defaults = BROKER_DEFAULT_STRINGS;
    const out: ConfigSynonymEntry[] = [];
    const layers: Array<[(n: string) => string | undefined, ConfigSourceId]> = [
      [(n) => this.dynamicBroker[n], ConfigSource.DYNAMIC_BROKER_CONFIG],
      [(n) => this.dynamicDefault[n], ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG],
      [(n) => this.originals[n], ConfigSource.STATIC_BROKER_CONFIG],
      [(n) => defaults.get(n), ConfigSource.DEFAULT_CONFIG],
    ];
    for (const [lookup, source] of layers) {
      for (const s of synonyms) {
        const v = lookup(s);
        if (v !== undefined) out.push({ name: s, value: sensitive ? null : v, source });
      }
    }
    const first = out.findIndex((e) => e.name === name);
    return first < 0 ? [] : out.slice(first); // Kafka: dropWhile(_.name != name)
  }

  /** Synonyms (with sources) that provide a topic config's broker default, for a TOPIC DescribeConfigs entry. */
  topicDefaultSynonyms(serverConfigName: string, sensitive: boolean): ConfigSynonymEntry[] {
    return this.synonymEntries(serverConfigName, brokerConfigSynonyms(serverConfigName, true), sensitive);
  }

  /**
   * DescribeConfigs for a BROKER resource (ConfigHelper.createBrokerConfigEntry). With
   * `perBroker: false` (the cluster default resource, empty name) only DYNAMIC_DEFAULT_BROKER_CONFIG
   * synonyms are reported.
   */
  describe(name: string, opts: { perBroker?: boolean; includeSynonyms?: boolean; includeDocumentation?: boolean } = {}): ConfigEntryDescription {
    const perBroker = opts.perBroker ?? true;
    const allNames = brokerConfigSynonyms(name, true);
    const key = BROKER_CONFIG_DEF.key(name) ?? BROKER_CONFIG_DEF.key(allNames[allNames.length - 1] ?? name);
    const configType: ConfigType | 'unknown' = key ? key.type : 'unknown';
    const isSensitive = configType === 'unknown' || configType === 'password';
    let value: string | null;
    if (isSensitive) value = null;
    else if (!perBroker) value = this.dynamicDefault[name] ?? null;
    else if (BROKER_CONFIG_DEF.has(name)) value = this.valueString(name as BrokerConfigName);
    else value = this.effective[name] ?? null;
    const allSynonyms = this.synonymEntries(name, allNames, isSensitive).filter(
      (s) => perBroker || s.source === ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG,
    );
    return {
      name,
      value,
      readOnly: !allNames.some((n) => brokerConfigUpdateMode(n) !== 'read-only'),
      source: allSynonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG,
      isSensitive,
      synonyms: opts.includeSynonyms ? allSynonyms : [],
      configType,
      documentation: opts.includeDocumentation ? (BROKER_CONFIG_DEF.key(name)?.documentation ?? null) : null,
    };
  }

  /**
   * Names a BROKER DescribeConfigs lists (ConfigHelper.allConfigs): every given name plus every
   * non-internal known config; for the cluster-default resource (`perBroker: false`) only the
   * dynamic cluster defaults.
   */
  describableNames(opts: { perBroker?: boolean } = {}): string[] {
    if (opts.perBroker === false) return Object.keys(this.dynamicDefault).sort();
    const names = new Set<string>(Object.keys(this.effective));
    for (const key of BROKER_CONFIG_DEF.keys.values()) if (!key.internal) names.add(key.name);
    return [...names].sort();
  }
}

const BROKER_DEFAULT_STRINGS = BROKER_CONFIG_DEF.defaultStrings();

function filterDynamic(props: Readonly<Record<string, string>>, perBroker: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(props)) {
    const mode = brokerConfigUpdateMode(k);
    if (mode === 'cluster-wide' || (perBroker && mode === 'per-broker')) out[k] = v;
  }
  return out;
}

function req(condition: boolean, message: string, key?: string): void {
  if (!condition) throw new ConfigError(`requirement failed: ${message}`, key);
}

/** The part of KafkaConfig.validateValues that does not involve listeners, in Kafka's order. */
function validateBrokerValues(c: BrokerConfig): void {
  if (c.get('node.id') !== c.get('broker.id')) {
    throw new ConfigError('You must set `node.id` to the same value as `broker.id`.', 'node.id');
  }
  req(c.logRollTimeMillis >= 1n, 'log.roll.ms must be greater than or equal to 1', 'log.roll.ms');
  req(c.logRollTimeJitterMillis >= 0n, 'log.roll.jitter.ms must be greater than or equal to 0', 'log.roll.jitter.ms');
  const retention = c.logRetentionTimeMillis;
  req(retention >= 1n || retention === -1n, 'log.retention.ms must be unlimited (-1) or, greater than or equal to 1', 'log.retention.ms');
  req(c.logDirs.length > 0, 'At least one log directory must be defined via log.dirs or log.dir.', 'log.dirs');
  const cleanerThreads = BigInt(c.get('log.cleaner.threads'));
  // Kafka divides by the thread count; with 0 threads the JVM throws, here it is simply not checked.
  if (cleanerThreads > 0n) {
    req(
      c.get('log.cleaner.dedupe.buffer.size') / cleanerThreads > 1024n * 1024n,
      'log.cleaner.dedupe.buffer.size must be at least 1MB per cleaner thread.',
      'log.cleaner.dedupe.buffer.size',
    );
  }
  req(
    c.get('replica.fetch.wait.max.ms') <= c.get('replica.socket.timeout.ms'),
    'replica.socket.timeout.ms should always be at least replica.fetch.wait.max.ms to prevent unnecessary socket timeouts',
    'replica.socket.timeout.ms',
  );
  req(
    BigInt(c.get('replica.fetch.wait.max.ms')) <= c.get('replica.lag.time.max.ms'),
    'replica.fetch.wait.max.ms should always be less than or equal to replica.lag.time.max.ms to prevent frequent changes in ISR',
    'replica.fetch.wait.max.ms',
  );
  const queuedMaxBytes = c.get('queued.max.request.bytes');
  req(
    queuedMaxBytes <= 0n || queuedMaxBytes >= BigInt(c.get('socket.request.max.bytes')),
    'queued.max.request.bytes must be larger or equal to socket.request.max.bytes',
    'queued.max.request.bytes',
  );
  const overrides = c.get('max.connections.per.ip.overrides');
  if (c.get('max.connections.per.ip') === 0) {
    req(
      overrides.trim() !== '',
      'max.connections.per.ip can be set to zero only if max.connections.per.ip.overrides property is set.',
      'max.connections.per.ip',
    );
  }
  if (overrides.trim() !== '') {
    const invalid: string[] = [];
    for (const entry of overrides.split(/\s*,\s*/)) {
      const colon = entry.lastIndexOf(':');
      const host = colon < 0 ? entry : entry.slice(0, colon).trim();
      const count = colon < 0 ? '' : entry.slice(colon + 1).trim();
      if (colon < 0 || !/^[+-]?[0-9]+$/.test(count)) {
        throw new ConfigError(
          `Error parsing configuration property 'max.connections.per.ip.overrides': invalid entry '${entry}'`,
          'max.connections.per.ip.overrides',
        );
      }
      if (!/^[0-9a-zA-Z\-%._:]*$/.test(host)) invalid.push(host);
    }
    if (invalid.length > 0) {
      throw new ConfigError(`max.connections.per.ip.overrides contains invalid addresses : ${invalid.join(',')}`, 'max.connections.per.ip.overrides');
    }
  }
  const idle = c.get('connections.max.idle.ms');
  if (idle >= 0n) {
    const delay = c.get('connection.failed.authentication.delay.ms');
    req(
      BigInt(delay) < idle,
      `connection.failed.authentication.delay.ms=${delay} should always be less than connections.max.idle.ms=${idle} to prevent failed authentication responses from timing out`,
      'connection.failed.authentication.delay.ms',
    );
  }
  const protocols = c.get('group.coordinator.rebalance.protocols');
  if (!protocols.some((p) => p.toUpperCase() === 'CLASSIC')) {
    throw new ConfigError("Disabling the 'CLASSIC' protocol is not supported.", 'group.coordinator.rebalance.protocols');
  }
  // GroupCoordinatorConfig checks (Java Utils.require: the message has no prefix).
  const check = (condition: boolean, message: string): void => {
    if (!condition) throw new ConfigError(message);
  };
  check(
    c.get('group.consumer.max.heartbeat.interval.ms') >= c.get('group.consumer.min.heartbeat.interval.ms'),
    'group.consumer.max.heartbeat.interval.ms must be greater than or equal to group.consumer.min.heartbeat.interval.ms',
  );
  check(
    c.get('group.consumer.heartbeat.interval.ms') >= c.get('group.consumer.min.heartbeat.interval.ms'),
    'group.consumer.heartbeat.interval.ms must be greater than or equal to group.consumer.min.heartbeat.interval.ms',
  );
  check(
    c.get('group.consumer.heartbeat.interval.ms') <= c.get('group.consumer.max.heartbeat.interval.ms'),
    'group.consumer.heartbeat.interval.ms must be less than or equal to group.consumer.max.heartbeat.interval.ms',
  );
  check(
    c.get('group.consumer.max.session.timeout.ms') >= c.get('group.consumer.min.session.timeout.ms'),
    'group.consumer.max.session.timeout.ms must be greater than or equal to group.consumer.min.session.timeout.ms',
  );
  check(
    c.get('group.consumer.session.timeout.ms') >= c.get('group.consumer.min.session.timeout.ms'),
    'group.consumer.session.timeout.ms must be greater than or equal to group.consumer.min.session.timeout.ms',
  );
  check(
    c.get('group.consumer.session.timeout.ms') <= c.get('group.consumer.max.session.timeout.ms'),
    'group.consumer.session.timeout.ms must be less than or equal to group.consumer.max.session.timeout.ms',
  );
  check(
    c.get('group.consumer.heartbeat.interval.ms') < c.get('group.consumer.session.timeout.ms'),
    'group.consumer.heartbeat.interval.ms must be less than group.consumer.session.timeout.ms',
  );
}
