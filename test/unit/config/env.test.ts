import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isBrokerConfigName } from '../../../src/config/broker-configs.js';
import { ConfigError } from '../../../src/config/config-def.js';
import {
  KAFKA_IMAGE_DEFAULT_CLUSTER_ID,
  KAFKA_IMAGE_EXCLUDED_ENV,
  dockerImageSetup,
  envNameToPropertyName,
  envToProperties,
  loadBrokerConfig,
  parseProperties,
  propertyNameToEnvName,
} from '../../../src/config/sources.js';

const SERVER_PROPERTIES = readFileSync(fileURLToPath(new URL('../../../config/server.properties', import.meta.url)), 'utf8');

/** The environment block of the first docker-compose example (seed 001, apache/kafka:3.7.0). */
const SEED_001 = {
  KAFKA_NODE_ID: '1',
  KAFKA_PROCESS_ROLES: 'broker,controller',
  KAFKA_LISTENERS: 'PLAINTEXT://0.0.0.0:9092,CONTROLLER://0.0.0.0:9093',
  KAFKA_ADVERTISED_LISTENERS: 'PLAINTEXT://localhost:9092',
  KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
  KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
  KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
  KAFKA_LOG_DIRS: '/tmp/kraft-logs',
  KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
};

/** The environment block of seed 002 (apache/kafka:3.9.0, hostname broker). */
const SEED_002 = {
  KAFKA_NODE_ID: '1',
  KAFKA_PROCESS_ROLES: 'broker,controller',
  KAFKA_CONTROLLER_QUORUM_VOTERS: '1@broker:29093',
  KAFKA_LISTENERS: 'PLAINTEXT://broker:29092,CONTROLLER://broker:29093,PLAINTEXT_HOST://0.0.0.0:9092',
  KAFKA_ADVERTISED_LISTENERS: 'PLAINTEXT://broker:29092,PLAINTEXT_HOST://localhost:9092',
  KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,PLAINTEXT_HOST:PLAINTEXT',
  KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
  KAFKA_INTER_BROKER_LISTENER_NAME: 'PLAINTEXT',
  KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
  KAFKA_LOG_DIRS: '/tmp/kraft-combined-logs',
  CLUSTER_ID: 'MkU3OEVBNTcwNTJENDM2Qk',
};

describe('KAFKA_* environment mapping (apache/kafka image)', () => {
  it('maps names like KafkaDockerWrapper', () => {
    expect(envNameToPropertyName('KAFKA_ADVERTISED_LISTENERS')).toBe('advertised.listeners');
    expect(envNameToPropertyName('KAFKA_LISTENER_SECURITY_PROTOCOL_MAP')).toBe('listener.security.protocol.map');
    expect(envNameToPropertyName('KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR')).toBe('offsets.topic.replication.factor');
    expect(envNameToPropertyName('KAFKA_TRANSACTION_STATE_LOG_MIN_ISR')).toBe('transaction.state.log.min.isr');
    expect(envNameToPropertyName('KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS')).toBe('group.initial.rebalance.delay.ms');
    expect(envNameToPropertyName('KAFKA_NODE_ID')).toBe('node.id');
    expect(envNameToPropertyName('KAFKA_PROCESS_ROLES')).toBe('process.roles');
    expect(envNameToPropertyName('KAFKA_CONTROLLER_QUORUM_VOTERS')).toBe('controller.quorum.voters');
    expect(envNameToPropertyName('KAFKA_LOG_DIRS')).toBe('log.dirs');
    expect(envNameToPropertyName('KAFKA_FOO__BAR')).toBe('foo_bar');
    expect(envNameToPropertyName('KAFKA_FOO___BAR')).toBe('foo-bar');
    expect(envNameToPropertyName('KAFKA_LISTENER_NAME_SASL__SSL_SCRAM___SHA___256_SASL_JAAS_CONFIG')).toBe(
      'listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config',
    );
    // only the first KAFKA_ is removed (KAFKA-17911)
    expect(envNameToPropertyName('KAFKA_KAFKA_METRICS_REPORTERS')).toBe('kafka.metrics.reporters');
  });

  it('ignores the launcher variables and anything without the KAFKA_ prefix', () => {
    for (const name of KAFKA_IMAGE_EXCLUDED_ENV) expect(envNameToPropertyName(name)).toBeUndefined();
    expect(envNameToPropertyName('KAFKA_HEAP_OPTS')).toBeUndefined();
    expect(envNameToPropertyName('CLUSTER_ID')).toBeUndefined();
    expect(envNameToPropertyName('kafka_node_id')).toBeUndefined();
    expect(envNameToPropertyName('KAFKA_JMX_PORT')).toBe('jmx.port');
  });

  it('inverts the mapping for documentation', () => {
    expect(propertyNameToEnvName('listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config')).toBe(
      'KAFKA_LISTENER_NAME_SASL__SSL_SCRAM___SHA___256_SASL_JAAS_CONFIG',
    );
    expect(envNameToPropertyName(propertyNameToEnvName('log.retention.ms'))).toBe('log.retention.ms');
  });

  it('parses values as server.properties lines, as the image does', () => {
    const props = envToProperties({ KAFKA_A: '  padded', KAFKA_B: 'C:\\\\dir', KAFKA_C: '', KAFKA_D: 'x=y' });
    expect(Object.fromEntries(props)).toEqual({ a: 'padded', b: 'C:\\dir', c: '', d: 'x=y' });
  });

  it('maps every KAFKA_* variable of the seed compose files to a known broker config', () => {
    const seedsDir = '/work/shared/seeds';
    const names = new Set<string>();
    let text = '';
    try {
      for (const f of ['000_993bdea50b0f2d4c.txt', '001_167c9908beefacb5.txt', '002_c7cb4a79147735f4.txt', '003_3c05b7ab6e9b65b6.txt', '004_add35a671ed53800.txt']) {
        text += readFileSync(`${seedsDir}/${f}`, 'utf8');
      }
    } catch {
      text = Object.keys({ ...SEED_001, ...SEED_002 }).map((k) => `${k}: x`).join('\n');
    }
    for (const m of text.matchAll(/^\s*(KAFKA_[A-Z0-9_]+)\s*[:=]/gm)) names.add(m[1]!);
    names.delete('KAFKA_TOPIC'); // ksqlDB statements, not environment
    names.delete('KAFKA_CLUSTER_ID'); // a shell variable passed to kafka-storage.sh format
    expect(names.size).toBeGreaterThan(5);
    for (const name of names) {
      const prop = envNameToPropertyName(name);
      expect(prop && isBrokerConfigName(prop), `${name} -> ${prop}`).toBe(true);
    }
  });
});

describe('loadBrokerConfig', () => {
  it('starts the broker from the seed 001 compose environment alone', () => {
    const { config, warnings, origins, clusterId } = loadBrokerConfig({ env: { ...SEED_001, PATH: '/usr/bin', KAFKA_HEAP_OPTS: '-Xmx1G' } });
    expect(warnings).toEqual([]);
    expect(config.nodeId).toBe(1);
    expect(config.get('auto.create.topics.enable')).toBe(false);
    expect(config.logDirs).toEqual(['/tmp/kraft-logs']);
    expect(config.get('offsets.topic.replication.factor')).toBe(3); // Kafka's built-in default
    expect(origins.get('node.id')).toBe('env');
    expect(clusterId).toBeUndefined();
  });

  it('starts the broker from the seed 002 compose environment and reads CLUSTER_ID', () => {
    const { config, warnings, clusterId } = loadBrokerConfig({ env: SEED_002 });
    expect(warnings).toEqual([]);
    expect(config.get('offsets.topic.replication.factor')).toBe(1);
    expect(config.get('inter.broker.listener.name')).toBe('PLAINTEXT');
    expect(clusterId).toBe('MkU3OEVBNTcwNTJENDM2Qk');
  });

  it('merges file, then env, then overrides', () => {
    const { config, origins } = loadBrokerConfig({
      properties: SERVER_PROPERTIES,
      env: { KAFKA_NUM_PARTITIONS: '3', KAFKA_LOG_RETENTION_HOURS: '24' },
      overrides: ['num.partitions=6'],
    });
    expect(config.get('num.partitions')).toBe(6);
    expect(config.get('log.retention.hours')).toBe(24);
    expect(config.logDirs).toEqual(['./data']);
    expect(origins.get('num.partitions')).toBe('override');
    expect(origins.get('log.retention.hours')).toBe('env');
    expect(origins.get('log.dirs')).toBe('file');
  });

  it('warns about unknown keys and says where cluster.id really lives', () => {
    const { warnings } = loadBrokerConfig({ properties: SERVER_PROPERTIES, overrides: { 'zookeeper.connect': 'x', 'cluster.id': 'abc' } });
    expect(warnings[0]).toBe("The configuration 'zookeeper.connect' was supplied but isn't a known config.");
    expect(warnings[1]).toMatch(/^The configuration 'cluster.id' was supplied but isn't a known config\. The cluster id is stored in meta\.properties/);
  });

  it('names the origin of an invalid value', () => {
    try {
      loadBrokerConfig({ properties: SERVER_PROPERTIES, env: { KAFKA_NUM_PARTITIONS: 'abc' } });
      throw new Error('expected an error');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const err = e as ConfigError;
      expect(err.message).toBe('Invalid value abc for configuration num.partitions: Not a number of type INT');
      expect(err.key).toBe('num.partitions');
      expect(err.origin).toBe('KAFKA_NUM_PARTITIONS');
    }
  });

  it('runs the KRaft listener validation', () => {
    expect(() => loadBrokerConfig({ properties: SERVER_PROPERTIES, overrides: ['controller.quorum.voters=2@localhost:9093'] })).toThrow(
      "the node id 1 must be included in the set of voters controller.quorum.voters=Set(2)",
    );
  });
});

describe('dockerImageSetup (apache/kafka run/configure/KafkaDockerWrapper)', () => {
  it('uses the default server.properties only when no KAFKA_* variable and no mounted file are given', () => {
    const setup = dockerImageSetup({ env: { PATH: '/bin', KAFKA_HEAP_OPTS: '-Xmx1G' }, defaultServerProperties: SERVER_PROPERTIES });
    expect(setup.serverProperties).toBe(SERVER_PROPERTIES);
    expect(setup.clusterId).toBe(KAFKA_IMAGE_DEFAULT_CLUSTER_ID);
    expect(setup.messages[0]).toBe(`CLUSTER_ID not set. Setting it to default value: "${KAFKA_IMAGE_DEFAULT_CLUSTER_ID}"`);
  });

  it('replaces the defaults entirely as soon as a KAFKA_* variable is set', () => {
    const setup = dockerImageSetup({ env: SEED_002, defaultServerProperties: SERVER_PROPERTIES });
    const props = parseProperties(setup.serverProperties);
    expect(props.get('node.id')).toBe('1');
    expect(props.has('transaction.state.log.replication.factor')).toBe(false);
    expect(setup.clusterId).toBe('MkU3OEVBNTcwNTJENDM2Qk');
    const { config } = loadBrokerConfig({ properties: setup.serverProperties });
    expect(config.get('transaction.state.log.replication.factor')).toBe(3);
  });

  it('appends KAFKA_* lines to a mounted server.properties', () => {
    const setup = dockerImageSetup({
      env: { KAFKA_NUM_PARTITIONS: '4' },
      mountedServerProperties: 'num.partitions=2\nlog.dirs=/data',
      defaultServerProperties: SERVER_PROPERTIES,
    });
    expect(Object.fromEntries(parseProperties(setup.serverProperties))).toEqual({ 'num.partitions': '4', 'log.dirs': '/data' });
  });

  it('derives KAFKA_LISTENERS from KAFKA_ADVERTISED_LISTENERS with 0.0.0.0 hosts', () => {
    const setup = dockerImageSetup({
      env: { KAFKA_PROCESS_ROLES: 'broker', KAFKA_ADVERTISED_LISTENERS: 'PLAINTEXT://kafka-1:19092,EXTERNAL://localhost:9092' },
      defaultServerProperties: '',
    });
    expect(setup.env['KAFKA_LISTENERS']).toBe('PLAINTEXT://0.0.0.0:19092,EXTERNAL://0.0.0.0:9092');
  });

  it('refuses advertised listeners on a controller-only node', () => {
    expect(() =>
      dockerImageSetup({ env: { KAFKA_PROCESS_ROLES: 'controller', KAFKA_ADVERTISED_LISTENERS: 'CONTROLLER://c:9093' }, defaultServerProperties: '' }),
    ).toThrow('KAFKA_ADVERTISED_LISTENERS is not supported on a KRaft controller.');
  });

  it('fills SSL locations and passwords from /etc/kafka/secrets', () => {
    const files: Record<string, string> = {
      '/etc/kafka/secrets/key_creds': 'keypass\n',
      '/etc/kafka/secrets/ks_creds': 'kspass\n',
      '/etc/kafka/secrets/ts_creds': 'tspass',
    };
    const setup = dockerImageSetup({
      env: {
        KAFKA_ADVERTISED_LISTENERS: 'SSL://localhost:9093',
        KAFKA_SSL_KEYSTORE_FILENAME: 'kafka.keystore.jks',
        KAFKA_SSL_KEY_CREDENTIALS: 'key_creds',
        KAFKA_SSL_KEYSTORE_CREDENTIALS: 'ks_creds',
        KAFKA_SSL_CLIENT_AUTH: 'required',
        KAFKA_SSL_TRUSTSTORE_FILENAME: 'kafka.truststore.jks',
        KAFKA_SSL_TRUSTSTORE_CREDENTIALS: 'ts_creds',
      },
      defaultServerProperties: '',
      readFile: (p) => {
        const f = files[p];
        if (f === undefined) throw new Error(`no ${p}`);
        return f;
      },
    });
    const props = parseProperties(setup.serverProperties);
    expect(props.get('ssl.keystore.location')).toBe('/etc/kafka/secrets/kafka.keystore.jks');
    expect(props.get('ssl.key.password')).toBe('keypass');
    expect(props.get('ssl.keystore.password')).toBe('kspass');
    expect(props.get('ssl.truststore.location')).toBe('/etc/kafka/secrets/kafka.truststore.jks');
    expect(props.get('ssl.truststore.password')).toBe('tspass');
    expect(() =>
      dockerImageSetup({ env: { KAFKA_ADVERTISED_LISTENERS: 'SSL://localhost:9093' }, defaultServerProperties: '' }),
    ).toThrow('KAFKA_SSL_KEYSTORE_FILENAME environment variable not set');
  });
});
