/**
 * Topic-level configuration: Apache Kafka 4.1's topic configs (LogConfig / TopicConfig) with their
 * types, defaults, valid values and broker synonyms (ServerTopicConfigSynonyms), documentation
 * written for Gregor, and validation with Kafka's messages (LogConfig.validate).
 *
 * A topic config's value comes from, in order: the topic's own override (TOPIC_CONFIG), then its
 * broker synonyms (dynamic per broker, dynamic cluster default, static, broker default), e.g.
 * retention.ms <- log.retention.ms <- log.retention.minutes <- log.retention.hours.
 *
 * Kafka 4.0 removed message.format.version, message.timestamp.difference.max.ms and
 * message.downconversion.enable; like Kafka 4.x, creating a topic with them fails with
 * "Unknown topic config name: ...".
 */
import {
  ConfigDefinitions,
  ConfigError,
  ConfigSource,
  type ConfigSpec,
  type ConfigType,
  type ConfigValue,
  type SpecValue,
  atLeast,
  between,
  customValidator,
  formatValue,
  validList,
  validString,
} from './config-def.js';
import { type BrokerConfig, COMPRESSION_TYPES, type ConfigEntryDescription, type ConfigSynonymEntry } from './broker-configs.js';

const LONG_MAX = '9223372036854775807';

const gzipLevel = customValidator('[1,...,9] or -1', (name, value) => {
  const level = value as number;
  if (level > 9 || (level < 1 && level !== -1)) {
    throw ConfigError.invalid(name, value, 'Value must be between 1 and 9 or equal to -1');
  }
});

/** ThrottledReplicaListValidator: "*" or partitionId:brokerId entries. */
const throttledReplicas = customValidator('[partitionId]:[brokerId],[partitionId]:[brokerId],...', (name, value) => {
  const proposed = (value as readonly string[]).map((s) => s.trim());
  if (!(proposed.every((s) => /^([0-9]+:[0-9]+)?$/.test(s)) || proposed.join('') === '*')) {
    throw ConfigError.invalid(
      name,
      proposed,
      `${name} must be the literal '*' or a list of replicas in the following format: [partitionId]:[brokerId],[partitionId]:[brokerId],...`,
    );
  }
});

export const TOPIC_CONFIG_SPECS = {
  'cleanup.policy': {
    type: 'list', default: 'delete', validator: validList({ validStrings: ['compact', 'delete'] }), importance: 'medium',
    doc: "Retention policy of old segments: 'delete' (default) drops them by time or size, 'compact' keeps the latest value of each key, 'delete,compact' does both.",
  },
  'compression.gzip.level': {
    type: 'int', default: '-1', validator: gzipLevel, importance: 'medium',
    doc: 'Compression level when compression.type is gzip.',
  },
  'compression.lz4.level': {
    type: 'int', default: '9', validator: between(1, 17), importance: 'medium',
    doc: 'Compression level when compression.type is lz4.',
  },
  'compression.type': {
    type: 'string', default: 'producer', validator: validString(...COMPRESSION_TYPES), importance: 'medium',
    doc: "Final compression of the topic: gzip, snappy, lz4, zstd, 'uncompressed', or 'producer' to keep the producer's codec.",
  },
  'compression.zstd.level': {
    type: 'int', default: '3', validator: between(-131072, 22), importance: 'medium',
    doc: 'Compression level when compression.type is zstd.',
  },
  'delete.retention.ms': {
    type: 'long', default: '86400000', validator: atLeast(0), importance: 'medium',
    doc: 'How long tombstones are kept on a compacted topic; also bounds how long a consumer reading from offset 0 has to see a consistent snapshot.',
  },
  'file.delete.delay.ms': {
    type: 'long', default: '60000', validator: atLeast(0), importance: 'medium',
    doc: 'Time between deleting a segment and removing its files.',
  },
  'flush.messages': {
    type: 'long', default: LONG_MAX, validator: atLeast(1), importance: 'medium',
    doc: 'Force an fsync after this many messages; replication is the recommended way to get durability.',
  },
  'flush.ms': {
    type: 'long', default: LONG_MAX, validator: atLeast(0), importance: 'medium',
    doc: 'Force an fsync after this much time; checked every log.flush.scheduler.interval.ms.',
  },
  'follower.replication.throttled.replicas': {
    type: 'list', default: '', validator: throttledReplicas, importance: 'medium',
    doc: "Replicas whose replication is throttled on the follower side: partitionId:brokerId entries or '*'.",
  },
  'index.interval.bytes': {
    type: 'int', default: '4096', validator: atLeast(0), importance: 'medium',
    doc: 'Bytes of log between two offset (and time) index entries.',
  },
  'leader.replication.throttled.replicas': {
    type: 'list', default: '', validator: throttledReplicas, importance: 'medium',
    doc: "Replicas whose replication is throttled on the leader side: partitionId:brokerId entries or '*'.",
  },
  'local.retention.bytes': {
    type: 'long', default: '-2', validator: atLeast(-2), importance: 'medium',
    doc: 'Tiered storage: local bytes kept per partition; -2 means retention.bytes.',
  },
  'local.retention.ms': {
    type: 'long', default: '-2', validator: atLeast(-2), importance: 'medium',
    doc: 'Tiered storage: how long local segments are kept; -2 means retention.ms.',
  },
  'max.compaction.lag.ms': {
    type: 'long', default: LONG_MAX, validator: atLeast(1), importance: 'medium',
    doc: 'Longest time a record may stay ineligible for compaction.',
  },
  'max.message.bytes': {
    type: 'int', default: '1048588', validator: atLeast(0), importance: 'medium',
    doc: 'Largest record batch (after compression) accepted for this topic.',
  },
  'message.timestamp.after.max.ms': {
    type: 'long', default: '3600000', validator: atLeast(0), importance: 'medium',
    doc: 'With CreateTime, how far in the future of the broker clock a record timestamp may be.',
  },
  'message.timestamp.before.max.ms': {
    type: 'long', default: LONG_MAX, validator: atLeast(0), importance: 'medium',
    doc: 'With CreateTime, how far in the past of the broker clock a record timestamp may be.',
  },
  'message.timestamp.type': {
    type: 'string', default: 'CreateTime', validator: validString('CreateTime', 'LogAppendTime'), importance: 'medium',
    doc: 'Record timestamps are the producer create time (CreateTime) or the broker append time (LogAppendTime).',
  },
  'min.cleanable.dirty.ratio': {
    type: 'double', default: '0.5', validator: between(0, 1), importance: 'medium',
    doc: 'Minimum share of uncompacted log before the cleaner compacts it (unless the compaction lag settings force it earlier).',
  },
  'min.compaction.lag.ms': {
    type: 'long', default: '0', validator: atLeast(0), importance: 'medium',
    doc: 'Shortest time a record stays uncompacted.',
  },
  'min.insync.replicas': {
    type: 'int', default: '1', validator: atLeast(1), importance: 'medium',
    doc: 'With acks=all, the minimum number of in-sync replicas (leader included) for a write to succeed; fewer gives NotEnoughReplicas.',
  },
  preallocate: {
    type: 'boolean', default: 'false', importance: 'medium',
    doc: 'Preallocate segment files when they are created.',
  },
  'remote.log.copy.disable': {
    type: 'boolean', default: 'false', importance: 'medium',
    doc: 'Tiered storage: stop uploading and make tiered data read-only.',
  },
  'remote.log.delete.on.disable': {
    type: 'boolean', default: 'false', importance: 'medium',
    doc: 'Tiered storage: delete tiered data when remote.storage.enable goes from true to false.',
  },
  'remote.storage.enable': {
    type: 'boolean', default: 'false', importance: 'medium',
    doc: 'Tiered storage for this topic (not supported by Gregor).',
  },
  'retention.bytes': {
    type: 'long', default: '-1', importance: 'medium',
    doc: 'Maximum size of each partition before old segments are deleted under the delete policy; -1 for no limit.',
  },
  'retention.ms': {
    type: 'long', default: '604800000', validator: atLeast(-1), importance: 'medium',
    doc: 'How long records are kept under the delete policy; -1 for no time limit.',
  },
  'segment.bytes': {
    type: 'int', default: '1073741824', validator: atLeast(1048576), importance: 'medium',
    doc: 'Size of a segment file; retention and compaction work a segment at a time.',
  },
  'segment.index.bytes': {
    type: 'int', default: '10485760', validator: atLeast(4), importance: 'medium',
    doc: 'Size of the preallocated offset index of a segment.',
  },
  'segment.jitter.ms': {
    type: 'long', default: '0', validator: atLeast(0), importance: 'medium',
    doc: 'Maximum random jitter subtracted from the segment roll time.',
  },
  'segment.ms': {
    type: 'long', default: '604800000', validator: atLeast(1), importance: 'medium',
    doc: 'Roll a new segment after this time even if the current one is not full, so retention can apply.',
  },
  'unclean.leader.election.enable': {
    type: 'boolean', default: 'false', importance: 'medium',
    doc: 'Allow a replica outside the ISR to become leader as a last resort, at the risk of losing data.',
  },
} as const satisfies Record<string, ConfigSpec>;

export type TopicConfigSpecs = typeof TOPIC_CONFIG_SPECS;
export type TopicConfigName = keyof TopicConfigSpecs & string;
export type TopicConfigValue<K extends TopicConfigName> = SpecValue<TopicConfigSpecs[K]>;

export const TOPIC_CONFIG_DEF = new ConfigDefinitions(TOPIC_CONFIG_SPECS);

export function isTopicConfigName(name: string): name is TopicConfigName {
  return TOPIC_CONFIG_DEF.has(name);
}

/** Topic configs that Kafka 4.0 removed. */
export const REMOVED_TOPIC_CONFIGS: readonly string[] = [
  'message.format.version',
  'message.timestamp.difference.max.ms',
  'message.downconversion.enable',
];

/** How a broker synonym's value becomes the topic value (log.retention.hours -> retention.ms). */
export type SynonymConverter = 'none' | 'hours-to-ms' | 'minutes-to-ms';

export interface TopicConfigSynonym {
  readonly name: string;
  readonly converter: SynonymConverter;
}

/** ServerTopicConfigSynonyms.ALL_TOPIC_CONFIG_SYNONYMS (without the removed message.format.version). */
export const TOPIC_CONFIG_SYNONYMS: Readonly<Record<string, readonly TopicConfigSynonym[]>> = {
  'segment.bytes': [{ name: 'log.segment.bytes', converter: 'none' }],
  'segment.ms': [
    { name: 'log.roll.ms', converter: 'none' },
    { name: 'log.roll.hours', converter: 'hours-to-ms' },
  ],
  'segment.jitter.ms': [
    { name: 'log.roll.jitter.ms', converter: 'none' },
    { name: 'log.roll.jitter.hours', converter: 'hours-to-ms' },
  ],
  'segment.index.bytes': [{ name: 'log.index.size.max.bytes', converter: 'none' }],
  'flush.messages': [{ name: 'log.flush.interval.messages', converter: 'none' }],
  'flush.ms': [
    { name: 'log.flush.interval.ms', converter: 'none' },
    { name: 'log.flush.scheduler.interval.ms', converter: 'none' },
  ],
  'retention.bytes': [{ name: 'log.retention.bytes', converter: 'none' }],
  'retention.ms': [
    { name: 'log.retention.ms', converter: 'none' },
    { name: 'log.retention.minutes', converter: 'minutes-to-ms' },
    { name: 'log.retention.hours', converter: 'hours-to-ms' },
  ],
  'max.message.bytes': [{ name: 'message.max.bytes', converter: 'none' }],
  'index.interval.bytes': [{ name: 'log.index.interval.bytes', converter: 'none' }],
  'delete.retention.ms': [{ name: 'log.cleaner.delete.retention.ms', converter: 'none' }],
  'min.compaction.lag.ms': [{ name: 'log.cleaner.min.compaction.lag.ms', converter: 'none' }],
  'max.compaction.lag.ms': [{ name: 'log.cleaner.max.compaction.lag.ms', converter: 'none' }],
  'file.delete.delay.ms': [{ name: 'log.segment.delete.delay.ms', converter: 'none' }],
  'min.cleanable.dirty.ratio': [{ name: 'log.cleaner.min.cleanable.ratio', converter: 'none' }],
  'cleanup.policy': [{ name: 'log.cleanup.policy', converter: 'none' }],
  'unclean.leader.election.enable': [{ name: 'unclean.leader.election.enable', converter: 'none' }],
  'min.insync.replicas': [{ name: 'min.insync.replicas', converter: 'none' }],
  'compression.type': [{ name: 'compression.type', converter: 'none' }],
  'compression.gzip.level': [{ name: 'compression.gzip.level', converter: 'none' }],
  'compression.lz4.level': [{ name: 'compression.lz4.level', converter: 'none' }],
  'compression.zstd.level': [{ name: 'compression.zstd.level', converter: 'none' }],
  preallocate: [{ name: 'log.preallocate', converter: 'none' }],
  'message.timestamp.type': [{ name: 'log.message.timestamp.type', converter: 'none' }],
  'message.timestamp.before.max.ms': [{ name: 'log.message.timestamp.before.max.ms', converter: 'none' }],
  'message.timestamp.after.max.ms': [{ name: 'log.message.timestamp.after.max.ms', converter: 'none' }],
  'local.retention.ms': [{ name: 'log.local.retention.ms', converter: 'none' }],
  'local.retention.bytes': [{ name: 'log.local.retention.bytes', converter: 'none' }],
};

/** The highest-priority broker config behind a topic config ("Server Default Property"), if any. */
export function serverDefaultProperty(topicConfigName: string): string | undefined {
  return TOPIC_CONFIG_SYNONYMS[topicConfigName]?.[0]?.name;
}

/**
 * KafkaConfig.extractLogConfigMap: the broker-level default of every topic config, already
 * resolved through the synonyms (e.g. retention.ms from log.retention.hours). Configs without a
 * broker synonym keep their topic default.
 */
export function topicDefaultsFromBroker(broker: BrokerConfig): Map<TopicConfigName, ConfigValue> {
  const out = new Map<TopicConfigName, ConfigValue>();
  for (const key of TOPIC_CONFIG_DEF.keys.values()) out.set(key.name as TopicConfigName, key.defaultValue);
  const set = (name: TopicConfigName, value: ConfigValue): void => void out.set(name, value);
  set('segment.bytes', broker.get('log.segment.bytes'));
  set('segment.ms', broker.logRollTimeMillis);
  set('segment.jitter.ms', broker.logRollTimeJitterMillis);
  set('segment.index.bytes', broker.get('log.index.size.max.bytes'));
  set('flush.messages', broker.get('log.flush.interval.messages'));
  set('flush.ms', broker.logFlushIntervalMs);
  set('retention.bytes', broker.get('log.retention.bytes'));
  set('retention.ms', broker.logRetentionTimeMillis);
  set('max.message.bytes', broker.get('message.max.bytes'));
  set('index.interval.bytes', broker.get('log.index.interval.bytes'));
  set('delete.retention.ms', broker.get('log.cleaner.delete.retention.ms'));
  set('min.compaction.lag.ms', broker.get('log.cleaner.min.compaction.lag.ms'));
  set('max.compaction.lag.ms', broker.get('log.cleaner.max.compaction.lag.ms'));
  set('file.delete.delay.ms', broker.get('log.segment.delete.delay.ms'));
  set('min.cleanable.dirty.ratio', broker.get('log.cleaner.min.cleanable.ratio'));
  set('cleanup.policy', broker.get('log.cleanup.policy'));
  set('min.insync.replicas', broker.get('min.insync.replicas'));
  set('compression.type', broker.get('compression.type'));
  set('compression.gzip.level', broker.get('compression.gzip.level'));
  set('compression.lz4.level', broker.get('compression.lz4.level'));
  set('compression.zstd.level', broker.get('compression.zstd.level'));
  set('unclean.leader.election.enable', broker.get('unclean.leader.election.enable'));
  set('preallocate', broker.get('log.preallocate'));
  set('message.timestamp.type', broker.get('log.message.timestamp.type'));
  set('message.timestamp.before.max.ms', broker.get('log.message.timestamp.before.max.ms'));
  set('message.timestamp.after.max.ms', broker.get('log.message.timestamp.after.max.ms'));
  set('local.retention.ms', broker.get('log.local.retention.ms'));
  set('local.retention.bytes', broker.get('log.local.retention.bytes'));
  return out;
}

/** An effective topic configuration (Kafka's LogConfig): overrides on top of defaults. */
export class TopicConfig {
  /** The topic's own overrides, as given. */
  readonly overrides: Readonly<Record<string, string>>;
  private readonly values: Map<string, ConfigValue>;

  private constructor(overrides: Record<string, string>, values: Map<string, ConfigValue>) {
    this.overrides = Object.freeze(overrides);
    this.values = values;
  }

  /**
   * Builds the effective config of a topic. `defaults` are the broker-derived defaults
   * (`topicDefaultsFromBroker(broker)`), or Kafka's plain topic defaults when omitted.
   * Throws ConfigError like `validateTopicConfigs` would report first.
   */
  static create(overrides: Readonly<Record<string, string>>, defaults?: ReadonlyMap<string, ConfigValue>): TopicConfig {
    const errors = validateTopicConfigs(overrides, { defaults });
    if (errors.length > 0) {
      const first = errors[0]!;
      throw new ConfigError(first.errorMessage, first.name);
    }
    const values = new Map<string, ConfigValue>();
    for (const key of TOPIC_CONFIG_DEF.keys.values()) {
      const raw = overrides[key.name];
      values.set(key.name, raw !== undefined ? parseTopicValue(key.name, raw) : (defaults?.get(key.name) ?? key.defaultValue));
    }
    return new TopicConfig({ ...overrides }, values);
  }

  get<K extends TopicConfigName>(name: K): TopicConfigValue<K> {
    return this.values.get(name) as TopicConfigValue<K>;
  }

  /** DescribeConfigs' value string (ConfigDef.convertToString). */
  valueString(name: TopicConfigName): string | null {
    return formatValue(TOPIC_CONFIG_DEF.key(name)!.type, this.values.get(name) ?? null);
  }

  get compact(): boolean {
    return this.get('cleanup.policy').some((p) => p.toLowerCase() === 'compact');
  }

  get delete(): boolean {
    return this.get('cleanup.policy').some((p) => p.toLowerCase() === 'delete');
  }
}

function parseTopicValue(name: string, raw: string): ConfigValue {
  return TOPIC_CONFIG_DEF.parseOne(name, raw);
}

export interface TopicConfigError {
  readonly name: string;
  readonly errorMessage: string;
}

/**
 * Validates topic config overrides like Kafka's ControllerConfigurationValidator + LogConfig.validate
 * (CreateTopics, AlterConfigs, IncrementalAlterConfigs on a TOPIC): null values, unknown names,
 * unparseable or out-of-range values, then the cross-config rules. Kafka stops at the first error;
 * the errors come back in that same order, so `[0]` is the one Kafka reports (error code
 * INVALID_CONFIG with this message).
 *
 * `defaults` are the broker-derived topic defaults (`topicDefaultsFromBroker`) used for the
 * cross-config checks; `existing` the topic's current overrides (for turning remote storage off).
 */
export function validateTopicConfigs(
  configs: Readonly<Record<string, string | null | undefined>>,
  opts: {
    defaults?: ReadonlyMap<string, ConfigValue>;
    existing?: Readonly<Record<string, string>>;
    remoteLogStorageSystemEnabled?: boolean;
  } = {},
): TopicConfigError[] {
  const errors: TopicConfigError[] = [];
  const nulls = Object.entries(configs)
    .filter(([, v]) => v === null || v === undefined)
    .map(([k]) => k);
  if (nulls.length > 0) {
    errors.push({ name: nulls[0]!, errorMessage: `Null value not supported for topic configs: ${nulls.join(',')}` });
  }
  const given: Record<string, string> = {};
  for (const [name, value] of Object.entries(configs)) {
    if (value === null || value === undefined) continue;
    if (!TOPIC_CONFIG_DEF.has(name)) {
      errors.push({ name, errorMessage: `Unknown topic config name: ${name}` });
      continue;
    }
    given[name] = value;
  }
  const parsed = new Map<string, ConfigValue>();
  for (const key of TOPIC_CONFIG_DEF.keys.values()) {
    const raw = given[key.name];
    try {
      const value = raw !== undefined ? parseTopicValue(key.name, raw) : (opts.defaults?.get(key.name) ?? key.defaultValue);
      parsed.set(key.name, value);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      errors.push({ name: key.name, errorMessage: e.message });
    }
  }
  if (errors.length > 0) return errors;

  const minLag = parsed.get('min.compaction.lag.ms') as bigint;
  const maxLag = parsed.get('max.compaction.lag.ms') as bigint;
  if (minLag > maxLag) {
    errors.push({
      name: 'min.compaction.lag.ms',
      errorMessage: `conflict topic config setting min.compaction.lag.ms (${minLag}) > max.compaction.lag.ms (${maxLag})`,
    });
    return errors;
  }
  const remoteEnabled = parsed.get('remote.storage.enable') as boolean;
  if (remoteEnabled) {
    errors.push(...validateRemoteStorage(parsed, opts.remoteLogStorageSystemEnabled ?? false));
  } else {
    const wasEnabled = (opts.existing?.['remote.storage.enable'] ?? 'false').toLowerCase() === 'true';
    if (wasEnabled && !(parsed.get('remote.log.delete.on.disable') as boolean)) {
      errors.push({
        name: 'remote.storage.enable',
        errorMessage:
          'It is invalid to disable remote storage without deleting remote data. If you want to keep the remote data and turn to read only, please set `remote.storage.enable=true,remote.log.copy.disable=true`. If you want to disable remote storage and delete all remote data, please set `remote.storage.enable=false,remote.log.delete.on.disable=true`.',
      });
    }
  }
  return errors;
}

function validateRemoteStorage(parsed: Map<string, ConfigValue>, systemEnabled: boolean): TopicConfigError[] {
  if (!systemEnabled) {
    return [
      {
        name: 'remote.storage.enable',
        errorMessage: 'Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage.',
      },
    ];
  }
  const policy = parsed.get('cleanup.policy') as readonly string[];
  if (policy.length > 0 && (policy.length !== 1 || policy[0] !== 'delete')) {
    return [
      {
        name: 'cleanup.policy',
        errorMessage: 'Remote log storage only supports topics with cleanup.policy=delete or cleanup.policy being an empty list.',
      },
    ];
  }
  const retentionBytes = parsed.get('retention.bytes') as bigint;
  const localBytes = parsed.get('local.retention.bytes') as bigint;
  if (retentionBytes > -1n && localBytes !== -2n) {
    if (localBytes === -1n) {
      return [invalid('local.retention.bytes', localBytes, `Value must not be -1 as retention.bytes value is set as ${retentionBytes}.`)];
    }
    if (localBytes > retentionBytes) {
      return [invalid('local.retention.bytes', localBytes, `Value must not be more than retention.bytes property value: ${retentionBytes}`)];
    }
  }
  const retentionMs = parsed.get('retention.ms') as bigint;
  const localMs = parsed.get('local.retention.ms') as bigint;
  if (retentionMs !== -1n && localMs !== -2n) {
    if (localMs === -1n) {
      return [invalid('local.retention.ms', localMs, `Value must not be -1 as retention.ms value is set as ${retentionMs}.`)];
    }
    if (localMs > retentionMs) {
      return [invalid('local.retention.ms', localMs, `Value must not be more than retention.ms property value: ${retentionMs}`)];
    }
  }
  if (parsed.get('remote.log.copy.disable') as boolean) {
    if (localBytes !== -2n && localBytes !== retentionBytes) {
      return [
        {
          name: 'local.retention.bytes',
          errorMessage:
            'When `remote.log.copy.disable` is set to true, the `local.retention.bytes` and `retention.bytes` must be set to the identical value because there will be no more logs copied to the remote storage.',
        },
      ];
    }
    if (localMs !== -2n && localMs !== retentionMs) {
      return [
        {
          name: 'local.retention.ms',
          errorMessage:
            'When `remote.log.copy.disable` is set to true, the `local.retention.ms` and `retention.ms` must be set to the identical value because there will be no more logs copied to the remote storage.',
        },
      ];
    }
  }
  return [];
}

function invalid(name: string, value: bigint, reason: string): TopicConfigError {
  return { name, errorMessage: ConfigError.invalid(name, value, reason).message };
}

/**
 * DescribeConfigs for a TOPIC resource (ConfigHelper.createTopicConfigEntry): the effective value,
 * its source (TOPIC_CONFIG when overridden, else the first broker synonym that is set, else
 * DEFAULT_CONFIG) and the synonyms in precedence order.
 */
export function describeTopicConfig(
  name: TopicConfigName,
  topic: TopicConfig,
  broker: BrokerConfig,
  opts: { includeSynonyms?: boolean; includeDocumentation?: boolean } = {},
): ConfigEntryDescription {
  const key = TOPIC_CONFIG_DEF.key(name)!;
  const isSensitive = key.type === 'password';
  const value = isSensitive ? null : topic.valueString(name);
  const server = serverDefaultProperty(name);
  const synonyms: ConfigSynonymEntry[] = server ? broker.topicDefaultSynonyms(server, isSensitive) : [];
  const all: ConfigSynonymEntry[] =
    topic.overrides[name] !== undefined ? [{ name, value, source: ConfigSource.TOPIC_CONFIG }, ...synonyms] : synonyms;
  return {
    name,
    value,
    readOnly: false,
    source: all[0]?.source ?? ConfigSource.DEFAULT_CONFIG,
    isSensitive,
    synonyms: opts.includeSynonyms ? all : [],
    configType: key.type,
    documentation: opts.includeDocumentation ? key.documentation : null,
  };
}

/** Type of a topic config name (LogConfig.configType). */
export function topicConfigType(name: string): ConfigType | undefined {
  return TOPIC_CONFIG_DEF.key(name)?.type;
}
