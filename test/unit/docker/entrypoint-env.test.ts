/**
 * `gregor docker-start`'s configuration step (planDockerStart): the seeds' docker-compose
 * environment blocks -> the server.properties the apache/kafka image would run -> a valid Gregor
 * broker config; plus the image's default-config and file-input modes and the compose files.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { pinoLevelOf, planDockerStart } from '../../../src/cli/docker-start.js';
import { listenerEndpoints } from '../../../src/config/listeners.js';
import { KAFKA_IMAGE_DEFAULT_CLUSTER_ID, parseProperties } from '../../../src/config/sources.js';
import { composeEnvironments, SEED_001_ENV, SEED_002_ENV } from '../../integration/docker/seed-compose.js';

const DOCKER_DIR = fileURLToPath(new URL('../../../docker/', import.meta.url));
const DEFAULT_PROPERTIES = readFileSync(`${DOCKER_DIR}server.properties`, 'utf8');
/** What a container's environment holds besides the compose block (the node image sets these). */
const IMAGE_ENV = { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: '/home/node', NODE_VERSION: '20.20.2', HOSTNAME: 'broker' };

describe('docker-start configuration from the seeds\' compose environment blocks', () => {
  it('seed 001: every KAFKA_* variable becomes a property, nothing else is set', () => {
    const plan = planDockerStart({ env: { ...IMAGE_ENV, ...SEED_001_ENV }, defaultServerProperties: DEFAULT_PROPERTIES });
    expect(plan.mode).toBe('environment');
    expect(Object.fromEntries(plan.properties)).toEqual({
      'advertised.listeners': 'PLAINTEXT://localhost:9092',
      'auto.create.topics.enable': 'false',
      'controller.listener.names': 'CONTROLLER',
      'controller.quorum.voters': '1@localhost:9093',
      'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      listeners: 'PLAINTEXT://0.0.0.0:9092,CONTROLLER://0.0.0.0:9093',
      'log.dirs': '/tmp/kraft-logs',
      'node.id': '1',
      'process.roles': 'broker,controller',
    });
    expect(plan.setup.clusterId).toBe(KAFKA_IMAGE_DEFAULT_CLUSTER_ID);
    expect(plan.setup.messages).toEqual([`CLUSTER_ID not set. Setting it to default value: "${KAFKA_IMAGE_DEFAULT_CLUSTER_ID}"`, 'Running in KRaft mode...']);
    expect(plan.warnings).toEqual([]);
    const c = plan.config;
    expect(c.nodeId).toBe(1);
    expect(c.get('process.roles')).toEqual(['broker', 'controller']);
    expect(c.logDirs).toEqual(['/tmp/kraft-logs']);
    expect(c.get('auto.create.topics.enable')).toBe(false);
    expect(listenerEndpoints(c).map((e) => `${e.listenerName}://${e.host ?? ''}:${e.port}`)).toEqual(['PLAINTEXT://0.0.0.0:9092', 'CONTROLLER://0.0.0.0:9093']);
    // The image's default file is not used once a KAFKA_* variable is set: Kafka's built-in
    // defaults apply, as they do for apache/kafka with this compose file.
    expect(c.get('offsets.topic.replication.factor')).toBe(3);
    expect(c.get('num.partitions')).toBe(1);
    expect(c.get('gregor.metrics.port')).toBeNull();
  });

  it('seed 002: the host listener, the internal listener and CLUSTER_ID', () => {
    const plan = planDockerStart({ env: { ...IMAGE_ENV, ...SEED_002_ENV }, defaultServerProperties: DEFAULT_PROPERTIES });
    expect(plan.mode).toBe('environment');
    expect(Object.fromEntries(plan.properties)).toEqual({
      'advertised.listeners': 'PLAINTEXT://broker:29092,PLAINTEXT_HOST://localhost:9092',
      'controller.listener.names': 'CONTROLLER',
      'controller.quorum.voters': '1@broker:29093',
      'inter.broker.listener.name': 'PLAINTEXT',
      'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,PLAINTEXT_HOST:PLAINTEXT',
      listeners: 'PLAINTEXT://broker:29092,CONTROLLER://broker:29093,PLAINTEXT_HOST://0.0.0.0:9092',
      'log.dirs': '/tmp/kraft-combined-logs',
      'node.id': '1',
      'offsets.topic.replication.factor': '1',
      'process.roles': 'broker,controller',
    });
    expect(plan.setup.clusterId).toBe('MkU3OEVBNTcwNTJENDM2Qk');
    expect(plan.setup.messages).toEqual(['Running in KRaft mode...']);
    expect(plan.warnings).toEqual([]);
    const c = plan.config;
    expect(c.get('offsets.topic.replication.factor')).toBe(1);
    expect(c.get('inter.broker.listener.name')).toBe('PLAINTEXT');
    expect(listenerEndpoints(c).map((e) => `${e.listenerName}://${e.host ?? ''}:${e.port}`)).toEqual([
      'PLAINTEXT://broker:29092',
      'CONTROLLER://broker:29093',
      'PLAINTEXT_HOST://0.0.0.0:9092',
    ]);
  });

  it('without any KAFKA_* variable: the image default file (single node, /tmp/kraft-combined-logs)', () => {
    const plan = planDockerStart({ env: { ...IMAGE_ENV, KAFKA_HEAP_OPTS: '-Xmx1G' }, defaultServerProperties: DEFAULT_PROPERTIES });
    expect(plan.mode).toBe('default');
    expect(plan.setup.serverProperties).toBe(DEFAULT_PROPERTIES);
    expect(plan.config.logDirs).toEqual(['/tmp/kraft-combined-logs']);
    expect(plan.config.get('advertised.listeners')).toBe('PLAINTEXT://localhost:9092');
    expect(plan.config.get('offsets.topic.replication.factor')).toBe(1);
    expect(plan.setup.clusterId).toBe(KAFKA_IMAGE_DEFAULT_CLUSTER_ID);
    expect(plan.warnings).toEqual([]);
  });

  it('file input: KAFKA_* lines are appended to the mounted server.properties and win', () => {
    const mounted = 'process.roles=broker,controller\nnode.id=1\ncontroller.quorum.voters=1@localhost:9093\nlisteners=PLAINTEXT://:9092,CONTROLLER://:9093\ncontroller.listener.names=CONTROLLER\nlog.dirs=/data\nnum.partitions=2\n';
    const plan = planDockerStart({ env: { ...IMAGE_ENV, KAFKA_NUM_PARTITIONS: '6', KAFKA_GREGOR_METRICS_PORT: '7071' }, defaultServerProperties: DEFAULT_PROPERTIES, mountedServerProperties: mounted });
    expect(plan.mode).toBe('file-input');
    expect(plan.config.get('num.partitions')).toBe(6);
    expect(plan.config.logDirs).toEqual(['/data']);
    expect(plan.config.get('gregor.metrics.port')).toBe(7071);
    expect(plan.warnings).toEqual([]);
  });

  it('derives KAFKA_LISTENERS from the advertised listeners when only those are given', () => {
    const env = { ...SEED_001_ENV } as Record<string, string>;
    delete env['KAFKA_LISTENERS'];
    const plan = planDockerStart({ env: { ...env, KAFKA_ADVERTISED_LISTENERS: 'PLAINTEXT://localhost:9092,CONTROLLER://localhost:9093' }, defaultServerProperties: DEFAULT_PROPERTIES });
    expect(plan.properties.get('listeners')).toBe('PLAINTEXT://0.0.0.0:9092,CONTROLLER://0.0.0.0:9093');
  });

  it('rejects an invalid value with Kafka\'s message', () => {
    expect(() => planDockerStart({ env: { ...SEED_001_ENV, KAFKA_NUM_PARTITIONS: 'many' }, defaultServerProperties: DEFAULT_PROPERTIES })).toThrow(
      'Invalid value many for configuration num.partitions: Not a number of type INT',
    );
  });

  it('maps the image log level variable to pino', () => {
    expect(pinoLevelOf('WARN')).toBe('warn');
    expect(pinoLevelOf('OFF')).toBe('silent');
    expect(pinoLevelOf(undefined)).toBeUndefined();
    expect(pinoLevelOf('LOUD')).toBeUndefined();
  });
});

describe('docker/ compose files', () => {
  it('docker-compose.yml carries the seed 001 environment block unchanged', () => {
    const envs = composeEnvironments(`${DOCKER_DIR}docker-compose.yml`);
    expect(envs.get('kafka')).toEqual(SEED_001_ENV);
    expect(readFileSync(`${DOCKER_DIR}docker-compose.yml`, 'utf8')).toMatch(/image: gregor:latest/);
  });

  it('docker-compose.host-listener.yml carries the seed 002 environment block unchanged', () => {
    const envs = composeEnvironments(`${DOCKER_DIR}docker-compose.host-listener.yml`);
    expect(envs.get('kafka')).toEqual(SEED_002_ENV);
  });

  it('every compose file gives a valid configuration', () => {
    for (const file of ['docker-compose.yml', 'docker-compose.host-listener.yml']) {
      for (const [service, env] of composeEnvironments(`${DOCKER_DIR}${file}`)) {
        const plan = planDockerStart({ env: { ...IMAGE_ENV, ...env }, defaultServerProperties: DEFAULT_PROPERTIES });
        expect(plan.warnings, `${file} ${service}`).toEqual([]);
      }
    }
  });

  it('docker/server.properties holds the same settings as the apache/kafka default file', () => {
    expect(Object.fromEntries(parseProperties(DEFAULT_PROPERTIES))).toEqual({
      'process.roles': 'broker,controller',
      'node.id': '1',
      'controller.quorum.voters': '1@localhost:9093',
      listeners: 'PLAINTEXT://:9092,CONTROLLER://:9093',
      'inter.broker.listener.name': 'PLAINTEXT',
      'advertised.listeners': 'PLAINTEXT://localhost:9092',
      'controller.listener.names': 'CONTROLLER',
      'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL',
      'num.network.threads': '3',
      'num.io.threads': '8',
      'socket.send.buffer.bytes': '102400',
      'socket.receive.buffer.bytes': '102400',
      'socket.request.max.bytes': '104857600',
      'log.dirs': '/tmp/kraft-combined-logs',
      'num.partitions': '1',
      'num.recovery.threads.per.data.dir': '1',
      'offsets.topic.replication.factor': '1',
      'transaction.state.log.replication.factor': '1',
      'transaction.state.log.min.isr': '1',
      'log.retention.hours': '168',
      'log.segment.bytes': '1073741824',
      'log.retention.check.interval.ms': '300000',
    });
  });
});
