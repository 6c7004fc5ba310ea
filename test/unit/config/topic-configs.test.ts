import { describe, expect, it } from 'vitest';
import { BrokerConfig } from '../../../src/config/broker-configs.js';
import { ConfigSource } from '../../../src/config/config-def.js';
import {
  REMOVED_TOPIC_CONFIGS,
  TOPIC_CONFIG_DEF,
  TOPIC_CONFIG_SYNONYMS,
  TopicConfig,
  describeTopicConfig,
  serverDefaultProperty,
  topicDefaultsFromBroker,
  validateTopicConfigs,
} from '../../../src/config/topic-configs.js';

const BASE = {
  'process.roles': 'broker,controller',
  'node.id': '1',
  'controller.quorum.voters': '1@localhost:9093',
  listeners: 'PLAINTEXT://:9092,CONTROLLER://:9093',
  'controller.listener.names': 'CONTROLLER',
};

describe('topic config definitions', () => {
  it('has every Kafka 4.1 topic config with its default', () => {
    expect(TOPIC_CONFIG_DEF.names().sort()).toEqual(
      [
        'cleanup.policy',
        'compression.gzip.level',
        'compression.lz4.level',
        'compression.type',
        'compression.zstd.level',
        'delete.retention.ms',
        'file.delete.delay.ms',
        'flush.messages',
        'flush.ms',
        'follower.replication.throttled.replicas',
        'index.interval.bytes',
        'leader.replication.throttled.replicas',
        'local.retention.bytes',
        'local.retention.ms',
        'max.compaction.lag.ms',
        'max.message.bytes',
        'message.timestamp.after.max.ms',
        'message.timestamp.before.max.ms',
        'message.timestamp.type',
        'min.cleanable.dirty.ratio',
        'min.compaction.lag.ms',
        'min.insync.replicas',
        'preallocate',
        'remote.log.copy.disable',
        'remote.log.delete.on.disable',
        'remote.storage.enable',
        'retention.bytes',
        'retention.ms',
        'segment.bytes',
        'segment.index.bytes',
        'segment.jitter.ms',
        'segment.ms',
        'unclean.leader.election.enable',
      ].sort(),
    );
    const t = TopicConfig.create({});
    expect(t.get('retention.ms')).toBe(604800000n);
    expect(t.get('max.compaction.lag.ms')).toBe(9223372036854775807n);
    expect(t.get('segment.bytes')).toBe(1073741824);
    expect(t.get('max.message.bytes')).toBe(1048588);
    expect(t.get('min.cleanable.dirty.ratio')).toBe(0.5);
    expect(t.get('cleanup.policy')).toEqual(['delete']);
    expect(t.valueString('flush.ms')).toBe('9223372036854775807');
  });

  it('maps topic configs to broker synonyms', () => {
    expect(serverDefaultProperty('retention.ms')).toBe('log.retention.ms');
    expect(TOPIC_CONFIG_SYNONYMS['retention.ms']?.map((s) => s.name)).toEqual(['log.retention.ms', 'log.retention.minutes', 'log.retention.hours']);
    expect(serverDefaultProperty('segment.ms')).toBe('log.roll.ms');
    expect(serverDefaultProperty('max.message.bytes')).toBe('message.max.bytes');
    expect(serverDefaultProperty('min.cleanable.dirty.ratio')).toBe('log.cleaner.min.cleanable.ratio');
    expect(serverDefaultProperty('file.delete.delay.ms')).toBe('log.segment.delete.delay.ms');
    expect(serverDefaultProperty('remote.storage.enable')).toBeUndefined();
    for (const [topic, synonyms] of Object.entries(TOPIC_CONFIG_SYNONYMS)) {
      expect(TOPIC_CONFIG_DEF.has(topic), topic).toBe(true);
      for (const s of synonyms) expect(BrokerConfig.create(BASE).describe(s.name).configType, s.name).not.toBe('unknown');
    }
  });

  it('takes broker defaults through the synonyms', () => {
    const broker = BrokerConfig.create({ ...BASE, 'log.retention.hours': '1', 'log.cleanup.policy': 'compact', 'log.roll.ms': '1000' });
    const t = TopicConfig.create({ 'segment.ms': '5000' }, topicDefaultsFromBroker(broker));
    expect(t.get('retention.ms')).toBe(3600000n);
    expect(t.get('segment.ms')).toBe(5000n);
    expect(t.compact).toBe(true);
    expect(t.delete).toBe(false);
  });
});

describe('validateTopicConfigs', () => {
  it('accepts valid overrides', () => {
    expect(validateTopicConfigs({ 'cleanup.policy': 'compact,delete', 'retention.ms': '-1', 'min.insync.replicas': '2', 'compression.type': 'lz4' })).toEqual([]);
  });

  it('rejects unknown and removed names', () => {
    expect(validateTopicConfigs({ 'retention.msx': '1' })).toEqual([{ name: 'retention.msx', errorMessage: 'Unknown topic config name: retention.msx' }]);
    for (const name of REMOVED_TOPIC_CONFIGS) {
      expect(validateTopicConfigs({ [name]: 'x' })[0]?.errorMessage).toBe(`Unknown topic config name: ${name}`);
    }
  });

  it('rejects null values', () => {
    expect(validateTopicConfigs({ 'retention.ms': null, 'segment.ms': null })[0]).toEqual({
      name: 'retention.ms',
      errorMessage: 'Null value not supported for topic configs: retention.ms,segment.ms',
    });
  });

  it('reports parse and range errors with Kafka messages', () => {
    expect(validateTopicConfigs({ 'retention.ms': 'forever' })).toEqual([
      { name: 'retention.ms', errorMessage: 'Invalid value forever for configuration retention.ms: Not a number of type LONG' },
    ]);
    expect(validateTopicConfigs({ 'retention.ms': '-2' })[0]?.errorMessage).toBe(
      'Invalid value -2 for configuration retention.ms: Value must be at least -1',
    );
    expect(validateTopicConfigs({ 'segment.bytes': '1024' })[0]?.errorMessage).toBe(
      'Invalid value 1024 for configuration segment.bytes: Value must be at least 1048576',
    );
    expect(validateTopicConfigs({ 'cleanup.policy': 'compacted' })[0]?.errorMessage).toBe(
      'Invalid value compacted for configuration cleanup.policy: String must be one of: compact, delete',
    );
    expect(validateTopicConfigs({ 'min.cleanable.dirty.ratio': '1.5' })[0]?.errorMessage).toBe(
      'Invalid value 1.5 for configuration min.cleanable.dirty.ratio: Value must be no more than 1',
    );
    expect(validateTopicConfigs({ 'min.insync.replicas': '0' })[0]?.errorMessage).toBe(
      'Invalid value 0 for configuration min.insync.replicas: Value must be at least 1',
    );
    expect(validateTopicConfigs({ 'message.timestamp.type': 'createtime' })[0]?.errorMessage).toBe(
      'Invalid value createtime for configuration message.timestamp.type: String must be one of: CreateTime, LogAppendTime',
    );
    expect(validateTopicConfigs({ 'compression.zstd.level': '23' })[0]?.errorMessage).toBe(
      'Invalid value 23 for configuration compression.zstd.level: Value must be no more than 22',
    );
    expect(validateTopicConfigs({ preallocate: 'maybe' })[0]?.errorMessage).toBe(
      'Invalid value maybe for configuration preallocate: Expected value to be either true or false',
    );
    expect(validateTopicConfigs({ 'leader.replication.throttled.replicas': '0:1,x' })[0]?.errorMessage).toBe(
      "Invalid value [0:1, x] for configuration leader.replication.throttled.replicas: leader.replication.throttled.replicas must be the literal '*' or a list of replicas in the following format: [partitionId]:[brokerId],[partitionId]:[brokerId],...",
    );
    expect(validateTopicConfigs({ 'leader.replication.throttled.replicas': '*' })).toEqual([]);
  });

  it('checks min.compaction.lag.ms against max.compaction.lag.ms, including broker defaults', () => {
    expect(validateTopicConfigs({ 'min.compaction.lag.ms': '10', 'max.compaction.lag.ms': '5' })).toEqual([
      { name: 'min.compaction.lag.ms', errorMessage: 'conflict topic config setting min.compaction.lag.ms (10) > max.compaction.lag.ms (5)' },
    ]);
    const broker = BrokerConfig.create({ ...BASE, 'log.cleaner.max.compaction.lag.ms': '100' });
    expect(validateTopicConfigs({ 'min.compaction.lag.ms': '200' }, { defaults: topicDefaultsFromBroker(broker) })[0]?.errorMessage).toBe(
      'conflict topic config setting min.compaction.lag.ms (200) > max.compaction.lag.ms (100)',
    );
  });

  it('refuses tiered storage when the broker does not enable it', () => {
    expect(validateTopicConfigs({ 'remote.storage.enable': 'true' })[0]?.errorMessage).toBe(
      'Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage.',
    );
    expect(
      validateTopicConfigs({ 'remote.storage.enable': 'true', 'retention.bytes': '100', 'local.retention.bytes': '200' }, { remoteLogStorageSystemEnabled: true })[0]
        ?.errorMessage,
    ).toBe('Invalid value 200 for configuration local.retention.bytes: Value must not be more than retention.bytes property value: 100');
  });

  it('TopicConfig.create throws the first error', () => {
    expect(() => TopicConfig.create({ 'segment.ms': '0' })).toThrow('Invalid value 0 for configuration segment.ms: Value must be at least 1');
  });
});

describe('DescribeConfigs for a topic', () => {
  it('reports TOPIC_CONFIG for overrides, broker synonyms otherwise', () => {
    const broker = BrokerConfig.create({ ...BASE, 'log.retention.hours': '24' }, { clusterDefault: { 'log.retention.ms': '7200000' } });
    const defaults = topicDefaultsFromBroker(broker);
    const plain = TopicConfig.create({}, defaults);
    expect(describeTopicConfig('retention.ms', plain, broker, { includeSynonyms: true })).toMatchObject({
      value: '7200000',
      source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG,
      synonyms: [
        { name: 'log.retention.ms', value: '7200000', source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG },
        { name: 'log.retention.hours', value: '24', source: ConfigSource.STATIC_BROKER_CONFIG },
        { name: 'log.retention.hours', value: '168', source: ConfigSource.DEFAULT_CONFIG },
      ],
    });
    const overridden = TopicConfig.create({ 'retention.ms': '1000' }, defaults);
    const d = describeTopicConfig('retention.ms', overridden, broker, { includeSynonyms: true });
    expect(d.source).toBe(ConfigSource.TOPIC_CONFIG);
    expect(d.synonyms[0]).toEqual({ name: 'retention.ms', value: '1000', source: ConfigSource.TOPIC_CONFIG });
  });

  it('falls back to DEFAULT_CONFIG when no synonym is set (Kafka drops synonyms before the primary name)', () => {
    const broker = BrokerConfig.create(BASE);
    const t = TopicConfig.create({}, topicDefaultsFromBroker(broker));
    const d = describeTopicConfig('retention.ms', t, broker, { includeSynonyms: true });
    expect(d).toMatchObject({ value: '604800000', source: ConfigSource.DEFAULT_CONFIG, synonyms: [] });
    expect(describeTopicConfig('cleanup.policy', t, broker, { includeSynonyms: true })).toMatchObject({
      value: 'delete',
      source: ConfigSource.DEFAULT_CONFIG,
      synonyms: [{ name: 'log.cleanup.policy', value: 'delete', source: ConfigSource.DEFAULT_CONFIG }],
    });
    expect(describeTopicConfig('remote.storage.enable', t, broker)).toMatchObject({ value: 'false', source: ConfigSource.DEFAULT_CONFIG });
  });
});
