import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  BROKER_CONFIG_DEF,
  BrokerConfig,
  brokerConfigSynonyms,
  brokerConfigUpdateMode,
} from '../../../src/config/broker-configs.js';
import { ConfigError, ConfigSource, Password } from '../../../src/config/config-def.js';
import { loadBrokerConfig } from '../../../src/config/sources.js';

const BASE = {
  'process.roles': 'broker,controller',
  'node.id': '1',
  'controller.quorum.voters': '1@localhost:9093',
  listeners: 'PLAINTEXT://:9092,CONTROLLER://:9093',
  'controller.listener.names': 'CONTROLLER',
};

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('broker config definitions', () => {
  it('has Kafka 4.1 defaults', () => {
    const c = BrokerConfig.create(BASE);
    expect(c.get('num.partitions')).toBe(1);
    expect(c.get('default.replication.factor')).toBe(1);
    expect(c.get('min.insync.replicas')).toBe(1);
    expect(c.get('auto.create.topics.enable')).toBe(true);
    expect(c.get('delete.topic.enable')).toBe(true);
    expect(c.get('log.segment.bytes')).toBe(1073741824);
    expect(c.get('log.retention.hours')).toBe(168);
    expect(c.get('log.retention.ms')).toBeNull();
    expect(c.get('log.retention.bytes')).toBe(-1n);
    expect(c.get('log.cleanup.policy')).toEqual(['delete']);
    expect(c.get('log.flush.interval.messages')).toBe(9223372036854775807n);
    expect(c.get('log.message.timestamp.after.max.ms')).toBe(3600000n);
    expect(c.get('log.cleaner.io.max.bytes.per.second')).toBe(Number.MAX_VALUE);
    expect(c.get('message.max.bytes')).toBe(1048588);
    expect(c.get('socket.request.max.bytes')).toBe(104857600);
    expect(c.get('num.recovery.threads.per.data.dir')).toBe(2);
    expect(c.get('offsets.topic.num.partitions')).toBe(50);
    expect(c.get('offsets.topic.replication.factor')).toBe(3);
    expect(c.get('offsets.retention.minutes')).toBe(10080);
    expect(c.get('group.initial.rebalance.delay.ms')).toBe(3000);
    expect(c.get('group.min.session.timeout.ms')).toBe(6000);
    expect(c.get('group.max.session.timeout.ms')).toBe(1800000);
    expect(c.get('transaction.state.log.min.isr')).toBe(2);
    expect(c.get('transaction.max.timeout.ms')).toBe(900000);
    expect(c.get('transactional.id.expiration.ms')).toBe(604800000);
    expect(c.get('producer.id.expiration.ms')).toBe(86400000);
    expect(c.get('producer.id.expiration.check.interval.ms')).toBe(600000);
    expect(c.get('fetch.max.bytes')).toBe(57671680);
    expect(c.get('compression.type')).toBe('producer');
    expect(c.get('compression.gzip.level')).toBe(-1);
    expect(c.get('unstable.api.versions.enable')).toBe(false);
    expect(c.get('metadata.max.retention.bytes')).toBe(104857600n);
    expect(c.get('log.dirs')).toBeNull();
    expect(c.logDirs).toEqual(['/tmp/kafka-logs']);
  });

  it('copies node.id to broker.id and requires them to match', () => {
    expect(BrokerConfig.create(BASE).get('broker.id')).toBe(1);
    expect(BrokerConfig.create({ ...BASE, 'node.id': undefined as unknown as string, 'broker.id': '4' }).nodeId).toBe(4);
    expect(message(() => BrokerConfig.create({ ...BASE, 'broker.id': '2' }))).toBe('You must set `node.id` to the same value as `broker.id`.');
  });

  it('requires node.id and process.roles', () => {
    const { 'node.id': _n, ...noNode } = BASE;
    expect(message(() => BrokerConfig.create(noNode))).toBe('Missing required configuration "node.id" which has no default value.');
    const { 'process.roles': _r, ...noRoles } = BASE;
    expect(message(() => BrokerConfig.create(noRoles))).toBe('Missing required configuration "process.roles" which has no default value.');
  });

  it('reports invalid values with Kafka wording', () => {
    expect(message(() => BrokerConfig.create({ ...BASE, 'num.partitions': 'abc' }))).toBe(
      'Invalid value abc for configuration num.partitions: Not a number of type INT',
    );
    expect(message(() => BrokerConfig.create({ ...BASE, 'num.partitions': '0' }))).toBe(
      'Invalid value 0 for configuration num.partitions: Value must be at least 1',
    );
    expect(message(() => BrokerConfig.create({ ...BASE, 'log.segment.bytes': '1000' }))).toBe(
      'Invalid value 1000 for configuration log.segment.bytes: Value must be at least 1048576',
    );
    expect(message(() => BrokerConfig.create({ ...BASE, 'compression.type': 'brotli' }))).toBe(
      'Invalid value brotli for configuration compression.type: String must be one of: uncompressed, zstd, lz4, snappy, gzip, producer',
    );
    expect(message(() => BrokerConfig.create({ ...BASE, 'compression.gzip.level': '0' }))).toBe(
      'Invalid value 0 for configuration compression.gzip.level: Value must be between 1 and 9 or equal to -1',
    );
    expect(message(() => BrokerConfig.create({ ...BASE, 'auto.create.topics.enable': 'yes' }))).toBe(
      'Invalid value yes for configuration auto.create.topics.enable: Expected value to be either true or false',
    );
    expect(message(() => BrokerConfig.create({ ...BASE, 'group.coordinator.rebalance.protocols': 'consumer' }))).toBe(
      "Disabling the 'CLASSIC' protocol is not supported.",
    );
  });

  it('applies the cross-config rules of KafkaConfig.validateValues', () => {
    expect(message(() => BrokerConfig.create({ ...BASE, 'log.retention.ms': '0' }))).toBe(
      'requirement failed: log.retention.ms must be unlimited (-1) or, greater than or equal to 1',
    );
    expect(message(() => BrokerConfig.create({ ...BASE, 'log.roll.ms': '0' }))).toBe(
      'requirement failed: log.roll.ms must be greater than or equal to 1',
    );
    expect(message(() => BrokerConfig.create({ ...BASE, 'log.dirs': ' , ' }))).toBe(
      'requirement failed: At least one log directory must be defined via log.dirs or log.dir.',
    );
    expect(message(() => BrokerConfig.create({ ...BASE, 'replica.fetch.wait.max.ms': '40000' }))).toContain(
      'replica.socket.timeout.ms should always be at least replica.fetch.wait.max.ms',
    );
    expect(message(() => BrokerConfig.create({ ...BASE, 'queued.max.request.bytes': '10' }))).toBe(
      'requirement failed: queued.max.request.bytes must be larger or equal to socket.request.max.bytes',
    );
    expect(message(() => BrokerConfig.create({ ...BASE, 'max.connections.per.ip': '0' }))).toBe(
      'requirement failed: max.connections.per.ip can be set to zero only if max.connections.per.ip.overrides property is set.',
    );
    expect(BrokerConfig.create({ ...BASE, 'max.connections.per.ip': '0', 'max.connections.per.ip.overrides': '127.0.0.1:10' }).get('max.connections.per.ip')).toBe(0);
  });

  it('resolves synonyms: retention ms > minutes > hours, roll ms > hours, flush ms > scheduler', () => {
    expect(BrokerConfig.create(BASE).logRetentionTimeMillis).toBe(604800000n);
    expect(BrokerConfig.create({ ...BASE, 'log.retention.hours': '1' }).logRetentionTimeMillis).toBe(3600000n);
    expect(BrokerConfig.create({ ...BASE, 'log.retention.hours': '1', 'log.retention.minutes': '2' }).logRetentionTimeMillis).toBe(120000n);
    expect(BrokerConfig.create({ ...BASE, 'log.retention.minutes': '2', 'log.retention.ms': '5' }).logRetentionTimeMillis).toBe(5n);
    expect(BrokerConfig.create({ ...BASE, 'log.retention.ms': '-1' }).logRetentionTimeMillis).toBe(-1n);
    expect(BrokerConfig.create({ ...BASE, 'log.retention.hours': '-5' }).logRetentionTimeMillis).toBe(-1n);
    expect(BrokerConfig.create(BASE).logRollTimeMillis).toBe(604800000n);
    expect(BrokerConfig.create({ ...BASE, 'log.roll.hours': '2', 'log.roll.ms': '1000' }).logRollTimeMillis).toBe(1000n);
    expect(BrokerConfig.create({ ...BASE, 'log.roll.hours': '2' }).logRollTimeMillis).toBe(7200000n);
    expect(BrokerConfig.create(BASE).logFlushIntervalMs).toBe(9223372036854775807n);
    expect(BrokerConfig.create({ ...BASE, 'log.flush.interval.ms': '1000' }).logFlushIntervalMs).toBe(1000n);
    expect(BrokerConfig.create({ ...BASE, 'log.dirs': 'a, b', 'log.dir': 'c' }).logDirs).toEqual(['a', 'b']);
    expect(BrokerConfig.create({ ...BASE, 'log.dirs': 'a,b' }).metadataLogDir).toBe('a');
    expect(brokerConfigSynonyms('log.retention.hours')).toEqual(['log.retention.ms', 'log.retention.minutes', 'log.retention.hours']);
    expect(brokerConfigSynonyms('listener.name.internal.ssl.keystore.location')).toEqual([
      'listener.name.internal.ssl.keystore.location',
      'ssl.keystore.location',
    ]);
    expect(brokerConfigSynonyms('listener.name.sasl_ssl.plain.sasl.jaas.config')).toEqual([
      'listener.name.sasl_ssl.plain.sasl.jaas.config',
      'sasl.jaas.config',
    ]);
  });

  it('gives numbers for timers with getNumber', () => {
    const c = BrokerConfig.create(BASE);
    expect(c.getNumber('log.flush.scheduler.interval.ms')).toBe(Number.MAX_SAFE_INTEGER);
    expect(c.getNumber('replica.lag.time.max.ms')).toBe(30000);
    expect(c.getNumber('log.retention.ms')).toBeNull();
  });

  it('knows the dynamic update modes', () => {
    expect(brokerConfigUpdateMode('log.retention.ms')).toBe('cluster-wide');
    expect(brokerConfigUpdateMode('log.retention.hours')).toBe('read-only');
    expect(brokerConfigUpdateMode('listeners')).toBe('per-broker');
    expect(brokerConfigUpdateMode('num.partitions')).toBe('read-only');
    expect(brokerConfigUpdateMode('listener.name.internal.ssl.keystore.location')).toBe('per-broker');
    expect(brokerConfigUpdateMode('no.such.config')).toBe('read-only');
  });

  it('hides passwords', () => {
    const c = BrokerConfig.create({ ...BASE, 'ssl.keystore.password': 'secret' });
    const pw = c.get('ssl.keystore.password');
    expect(pw).toBeInstanceOf(Password);
    expect(pw?.value).toBe('secret');
    const d = c.describe('ssl.keystore.password', { includeSynonyms: true });
    expect(d.value).toBeNull();
    expect(d.isSensitive).toBe(true);
    expect(d.synonyms).toEqual([{ name: 'ssl.keystore.password', value: null, source: ConfigSource.STATIC_BROKER_CONFIG }]);
  });

  it('lists unknown keys but not listener overrides or authorizer settings', () => {
    const c = BrokerConfig.create({
      ...BASE,
      'zookeeper.connect': 'x',
      'listener.name.internal.ssl.keystore.location': '/k',
      'super.users': 'User:admin',
    });
    expect(c.unknownKeys()).toEqual(['zookeeper.connect']);
    expect(c.listenerOverrides('INTERNAL')).toEqual({ 'ssl.keystore.location': '/k' });
    expect(c.raw('super.users')).toBe('User:admin');
  });

  it('every non-internal definition has documentation, importance and a mode', () => {
    for (const key of BROKER_CONFIG_DEF.keys.values()) {
      expect(key.documentation.length, key.name).toBeGreaterThan(10);
      expect(['high', 'medium', 'low']).toContain(key.importance);
      expect(['read-only', 'per-broker', 'cluster-wide']).toContain(key.updateMode);
    }
  });
});

describe('DescribeConfigs for a broker', () => {
  it('reports DEFAULT_CONFIG for an unset config and STATIC_BROKER_CONFIG for a set one', () => {
    const c = BrokerConfig.create({ ...BASE, 'num.partitions': '3' });
    expect(c.describe('num.partitions', { includeSynonyms: true })).toMatchObject({
      value: '3',
      source: ConfigSource.STATIC_BROKER_CONFIG,
      readOnly: true,
      configType: 'int',
      synonyms: [
        { name: 'num.partitions', value: '3', source: ConfigSource.STATIC_BROKER_CONFIG },
        { name: 'num.partitions', value: '1', source: ConfigSource.DEFAULT_CONFIG },
      ],
    });
    expect(c.describe('default.replication.factor')).toMatchObject({ value: '1', source: ConfigSource.DEFAULT_CONFIG, synonyms: [] });
  });

  it('orders synonyms dynamic broker > dynamic default > static > default', () => {
    const c = BrokerConfig.create({ ...BASE, 'log.retention.hours': '24' }, {
      clusterDefault: { 'log.retention.ms': '1000' },
      perBroker: { 'log.retention.ms': '2000' },
    });
    expect(c.logRetentionTimeMillis).toBe(2000n);
    const d = c.describe('log.retention.ms', { includeSynonyms: true });
    expect(d.value).toBe('2000');
    expect(d.source).toBe(ConfigSource.DYNAMIC_BROKER_CONFIG);
    expect(d.readOnly).toBe(false);
    expect(d.synonyms).toEqual([
      { name: 'log.retention.ms', value: '2000', source: ConfigSource.DYNAMIC_BROKER_CONFIG },
      { name: 'log.retention.ms', value: '1000', source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG },
      { name: 'log.retention.hours', value: '24', source: ConfigSource.STATIC_BROKER_CONFIG },
      { name: 'log.retention.hours', value: '168', source: ConfigSource.DEFAULT_CONFIG },
    ]);
    // the cluster-default resource only shows dynamic default synonyms
    expect(c.describe('log.retention.ms', { perBroker: false, includeSynonyms: true }).synonyms).toEqual([
      { name: 'log.retention.ms', value: '1000', source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG },
    ]);
  });

  it('drops higher-precedence synonyms when describing a lower one (Kafka dropWhile)', () => {
    const c = BrokerConfig.create({ ...BASE, 'log.retention.ms': '5', 'log.retention.hours': '24' });
    expect(c.describe('log.retention.hours', { includeSynonyms: true }).synonyms).toEqual([
      { name: 'log.retention.hours', value: '24', source: ConfigSource.STATIC_BROKER_CONFIG },
      { name: 'log.retention.hours', value: '168', source: ConfigSource.DEFAULT_CONFIG },
    ]);
  });

  it('describes the cluster-default resource from the dynamic defaults only', () => {
    const c = BrokerConfig.create(BASE, { clusterDefault: { 'log.retention.ms': '1000' }, perBroker: { 'log.retention.ms': '2000' } });
    expect(c.describableNames({ perBroker: false })).toEqual(['log.retention.ms']);
    expect(c.describe('log.retention.ms', { perBroker: false })).toMatchObject({
      value: '1000',
      source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG,
    });
  });

  it('checks the consumer group timeouts like GroupCoordinatorConfig', () => {
    expect(message(() => BrokerConfig.create({ ...BASE, 'group.consumer.heartbeat.interval.ms': '50000' }))).toBe(
      'group.consumer.heartbeat.interval.ms must be less than or equal to group.consumer.max.heartbeat.interval.ms',
    );
  });

  it('ignores read-only and per-broker configs in the wrong dynamic layer', () => {
    const c = BrokerConfig.create(BASE, { clusterDefault: { 'num.partitions': '9', listeners: 'PLAINTEXT://:1' }, perBroker: { 'num.partitions': '8' } });
    expect(c.get('num.partitions')).toBe(1);
    expect(c.get('listeners')).toBe('PLAINTEXT://:9092,CONTROLLER://:9093');
  });

  it('treats unknown names as sensitive and lists every non-internal config', () => {
    const c = BrokerConfig.create({ ...BASE, 'zookeeper.connect': 'x' });
    expect(c.describe('zookeeper.connect')).toMatchObject({ value: null, isSensitive: true, configType: 'unknown', readOnly: true });
    const names = c.describableNames();
    expect(names).toContain('zookeeper.connect');
    expect(names).toContain('num.partitions');
    expect(names).not.toContain('unstable.api.versions.enable');
  });

  it('prints values the way Kafka does', () => {
    const c = BrokerConfig.create(BASE);
    expect(c.describe('log.cleaner.io.max.bytes.per.second').value).toBe('1.7976931348623157E308');
    expect(c.describe('log.cleaner.min.cleanable.ratio').value).toBe('0.5');
    expect(c.describe('log.flush.interval.messages').value).toBe('9223372036854775807');
    expect(c.describe('process.roles').value).toBe('broker,controller');
    expect(c.describe('log.retention.ms').value).toBeNull();
    expect(c.describe('num.partitions', { includeDocumentation: true }).documentation).toMatch(/partitions/);
  });
});

describe('config/server.properties', () => {
  it('loads without warnings and describes a single-node combined broker', () => {
    const path = fileURLToPath(new URL('../../../config/server.properties', import.meta.url));
    const { config, warnings } = loadBrokerConfig({ propertiesFile: path });
    expect(warnings).toEqual([]);
    expect([...config.get('process.roles')]).toEqual(['broker', 'controller']);
    expect(config.nodeId).toBe(1);
    expect(config.logDirs).toEqual(['./data']);
    expect(config.get('offsets.topic.replication.factor')).toBe(1);
    expect(config.get('transaction.state.log.replication.factor')).toBe(1);
    expect(config.get('transaction.state.log.min.isr')).toBe(1);
    expect(config.get('advertised.listeners')).toBe('PLAINTEXT://localhost:9092');
    expect(config.logRetentionTimeMillis).toBe(604800000n);
  });
});

describe('typed input (embedding API)', () => {
  it('accepts numbers, booleans, bigints and lists', () => {
    const { config } = loadBrokerConfig({
      properties: {
        'process.roles': ['broker', 'controller'],
        'node.id': 1,
        'controller.quorum.voters': '1@localhost:9093',
        listeners: 'PLAINTEXT://:0,CONTROLLER://:0',
        'controller.listener.names': 'CONTROLLER',
        'auto.create.topics.enable': false,
        'log.retention.ms': 9223372036854775807n,
        'log.dirs': '/tmp/gregor-test',
      },
    });
    expect(config.get('auto.create.topics.enable')).toBe(false);
    expect(config.get('log.retention.ms')).toBe(9223372036854775807n);
    expect(config.values['node.id']).toBe('1');
    expect(config.values['broker.id']).toBe('1');
  });
});
