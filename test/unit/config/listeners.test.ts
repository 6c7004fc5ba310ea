import { describe, expect, it } from 'vitest';
import { BrokerConfig } from '../../../src/config/broker-configs.js';
import { ConfigError } from '../../../src/config/config-def.js';
import {
  effectiveAdvertisedBrokerListeners,
  effectiveAdvertisedControllerListeners,
  effectiveListenerSecurityProtocolMap,
  endpointToString,
  interBrokerListenerName,
  isIpv6Address,
  parseListenerSecurityProtocolMap,
  parseListeners,
  parseQuorumBootstrapServers,
  parseQuorumVoters,
  validateKRaftConfig,
} from '../../../src/config/listeners.js';

const DEFAULT_MAP = parseListenerSecurityProtocolMap('SASL_SSL:SASL_SSL,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT');

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

const COMBINED = {
  'process.roles': 'broker,controller',
  'node.id': '1',
  'controller.quorum.voters': '1@localhost:9093',
  listeners: 'PLAINTEXT://:9092,CONTROLLER://:9093',
  'advertised.listeners': 'PLAINTEXT://localhost:9092',
  'controller.listener.names': 'CONTROLLER',
  'log.dirs': '/tmp/x',
};

function config(overrides: Record<string, string | undefined> = {}, base: Record<string, string> = COMBINED): BrokerConfig {
  const props: Record<string, string> = { ...base };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete props[k];
    else props[k] = v;
  }
  return BrokerConfig.create(props);
}

describe('parseListeners', () => {
  it('parses names, empty hosts, IPv4, IPv6 in brackets and host names', () => {
    const eps = parseListeners('plaintext://:9092,SSL://0.0.0.0:9093,SASL_SSL://[::1]:9094,SASL_PLAINTEXT://broker.local:9095', DEFAULT_MAP);
    expect(eps).toEqual([
      { listenerName: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', host: null, port: 9092 },
      { listenerName: 'SSL', securityProtocol: 'SSL', host: '0.0.0.0', port: 9093 },
      { listenerName: 'SASL_SSL', securityProtocol: 'SASL_SSL', host: '::1', port: 9094 },
      { listenerName: 'SASL_PLAINTEXT', securityProtocol: 'SASL_PLAINTEXT', host: 'broker.local', port: 9095 },
    ]);
    expect(eps.map(endpointToString)).toEqual([
      'PLAINTEXT://:9092',
      'SSL://0.0.0.0:9093',
      'SASL_SSL://[::1]:9094',
      'SASL_PLAINTEXT://broker.local:9095',
    ]);
  });

  it('reports Kafka messages for bad entries', () => {
    expect(message(() => parseListeners('PLAINTEXT:9092', DEFAULT_MAP))).toBe(
      "Error creating broker listeners from 'PLAINTEXT:9092': Unable to parse PLAINTEXT:9092 to a broker endpoint",
    );
    expect(message(() => parseListeners('CLIENT://:9092', DEFAULT_MAP))).toBe(
      "Error creating broker listeners from 'CLIENT://:9092': No security protocol defined for listener CLIENT",
    );
    expect(message(() => parseListeners('PLAINTEXT://:9092,PLAINTEXT://:9093', DEFAULT_MAP))).toBe(
      "Error creating broker listeners from 'PLAINTEXT://:9092,PLAINTEXT://:9093': Each listener must have a different name, listeners: PLAINTEXT://:9092,PLAINTEXT://:9093",
    );
    expect(message(() => parseListeners('PLAINTEXT://:9092,SSL://:9092', DEFAULT_MAP))).toBe(
      "Error creating broker listeners from 'PLAINTEXT://:9092,SSL://:9092': Each listener must have a different port, listeners: PLAINTEXT://:9092,SSL://:9092",
    );
  });

  it('allows one IPv4 and one IPv6 listener on the same port', () => {
    expect(parseListeners('PLAINTEXT://127.0.0.1:9092,SSL://[::1]:9092', DEFAULT_MAP)).toHaveLength(2);
    expect(message(() => parseListeners('PLAINTEXT://127.0.0.1:9092,SSL://127.0.0.2:9092', DEFAULT_MAP))).toContain(
      'If you have two listeners on the same port then one needs to be IPv4 and the other IPv6',
    );
    expect(parseListeners('PLAINTEXT://:9092,SSL://:9092', DEFAULT_MAP, { requireDistinctPorts: false })).toHaveLength(2);
  });

  it('recognises IPv6 addresses', () => {
    expect(isIpv6Address('::1')).toBe(true);
    expect(isIpv6Address('fe80::1%eth0')).toBe(true);
    expect(isIpv6Address('2001:db8::ff00:42:8329')).toBe(true);
    expect(isIpv6Address('::ffff:192.168.1.1')).toBe(true);
    expect(isIpv6Address('1:2:3')).toBe(false);
    expect(isIpv6Address('localhost')).toBe(false);
  });
});

describe('listener.security.protocol.map', () => {
  it('parses NAME:PROTOCOL pairs, case-insensitively', () => {
    expect([...parseListenerSecurityProtocolMap('controller:plaintext, EXTERNAL:SASL_SSL')]).toEqual([
      ['CONTROLLER', 'PLAINTEXT'],
      ['EXTERNAL', 'SASL_SSL'],
    ]);
    expect(message(() => parseListenerSecurityProtocolMap('CONTROLLER:FOO'))).toBe(
      'Invalid security protocol `FOO` defined in listener.security.protocol.map',
    );
  });

  it('maps controller listeners to PLAINTEXT when the map is not set and no SSL/SASL is used', () => {
    const c = config();
    expect(effectiveListenerSecurityProtocolMap(c).get('CONTROLLER')).toBe('PLAINTEXT');
    const withSsl = config({ listeners: 'SSL://:9092,CONTROLLER://:9093', 'advertised.listeners': 'SSL://localhost:9092', 'security.inter.broker.protocol': 'SSL' }, COMBINED);
    expect(effectiveListenerSecurityProtocolMap(withSsl).has('CONTROLLER')).toBe(false);
  });
});

describe('controller quorum', () => {
  it('parses voters and bootstrap servers', () => {
    expect([...parseQuorumVoters(['1@localhost:9093', '2@[::1]:9094'])]).toEqual([
      [1, { host: 'localhost', port: 9093 }],
      [2, { host: '::1', port: 9094 }],
    ]);
    expect(parseQuorumBootstrapServers(['a:1', 'b:2'])).toEqual([
      { host: 'a', port: 1 },
      { host: 'b', port: 2 },
    ]);
  });

  it('reports Kafka messages for bad voters', () => {
    expect(message(() => parseQuorumVoters(['localhost:9093']))).toBe(
      'Invalid configuration value for controller.quorum.voters. Each entry should be in the form `{id}@{host}:{port}`.',
    );
    expect(message(() => parseQuorumVoters(['x@localhost:9093']))).toBe('Failed to parse voter ID as an integer from x');
    expect(message(() => parseQuorumVoters(['1@localhost']))).toBe(
      'Failed to parse host name from entry 1@localhost for the configuration controller.quorum.voters. Each entry should be in the form `{id}@{host}:{port}`.',
    );
    expect(message(() => parseQuorumVoters(['1@0.0.0.0:9093'], { requireRoutable: true }))).toBe('Host string (0.0.0.0) is not routeable');
  });

  it('rejects a bad voter list when the broker config is parsed', () => {
    expect(message(() => config({ 'controller.quorum.voters': '1-localhost:9093' }))).toContain('Invalid configuration value for controller.quorum.voters');
  });
});

describe('validateKRaftConfig', () => {
  it('accepts Kafka config/kraft/server.properties', () => {
    expect(validateKRaftConfig(config())).toEqual([]);
  });

  it('derives advertised listeners from listeners minus the controller listeners', () => {
    const c = config({ 'advertised.listeners': undefined });
    expect(effectiveAdvertisedBrokerListeners(c).map(endpointToString)).toEqual(['PLAINTEXT://:9092']);
    expect(effectiveAdvertisedControllerListeners(c).map(endpointToString)).toEqual(['CONTROLLER://:9093']);
  });

  it('turns a 0.0.0.0 controller listener into an unspecified advertised host', () => {
    const c = config({ listeners: 'PLAINTEXT://0.0.0.0:9092,CONTROLLER://0.0.0.0:9093' });
    expect(effectiveAdvertisedControllerListeners(c)[0]?.host).toBeNull();
    expect(validateKRaftConfig(c)).toEqual([]);
  });

  it('requires voters or bootstrap servers', () => {
    expect(message(() => validateKRaftConfig(config({ 'controller.quorum.voters': undefined })))).toBe(
      'If using process.roles, either controller.quorum.bootstrap.servers must contain the set of bootstrap controllers or controller.quorum.voters must contain a parseable set of controllers.',
    );
    expect(validateKRaftConfig(config({ 'controller.quorum.voters': undefined, 'controller.quorum.bootstrap.servers': 'localhost:9093' }))).toEqual([]);
  });

  it('requires a controller to be a voter', () => {
    expect(message(() => validateKRaftConfig(config({ 'controller.quorum.voters': '2@localhost:9093' })))).toBe(
      "requirement failed: If process.roles contains the 'controller' role, the node id 1 must be included in the set of voters controller.quorum.voters=Set(2)",
    );
  });

  it('requires the controller listener to appear in listeners', () => {
    expect(message(() => validateKRaftConfig(config({ listeners: 'PLAINTEXT://:9092' })))).toBe(
      "requirement failed: controller.listener.names must contain at least one value appearing in the 'listeners' configuration when running the KRaft controller role",
    );
    expect(message(() => validateKRaftConfig(config({ 'controller.listener.names': 'CONTROLLER,OTHER', 'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,OTHER:PLAINTEXT' })))).toBe(
      "requirement failed: controller.listener.names must only contain values appearing in the 'listeners' configuration when running the KRaft controller role",
    );
  });

  it('broker-only: needs controller.listener.names, not in listeners, not a voter', () => {
    const broker = {
      'process.roles': 'broker',
      'node.id': '2',
      'controller.quorum.voters': '1@localhost:9093',
      listeners: 'PLAINTEXT://:9092',
      'log.dirs': '/tmp/x',
    };
    expect(message(() => validateKRaftConfig(config({}, broker)))).toBe(
      'requirement failed: controller.listener.names must contain at least one value when running KRaft with just the broker role',
    );
    expect(validateKRaftConfig(config({ 'controller.listener.names': 'CONTROLLER' }, broker))).toEqual([]);
    expect(message(() => validateKRaftConfig(config({ 'controller.listener.names': 'CONTROLLER', 'node.id': '1' }, broker)))).toBe(
      "requirement failed: If process.roles contains just the 'broker' role, the node id 1 must not be included in the set of voters controller.quorum.voters=Set(1)",
    );
    expect(
      message(() =>
        validateKRaftConfig(config({ 'controller.listener.names': 'CONTROLLER', listeners: 'PLAINTEXT://:9092,CONTROLLER://:9093' }, broker)),
      ),
    ).toBe(
      "requirement failed: controller.listener.names must not contain a value appearing in the 'listeners' configuration when running KRaft with just the broker role",
    );
    expect(
      message(() =>
        validateKRaftConfig(config({ 'controller.listener.names': 'CONTROLLER', 'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT' }, broker)),
      ),
    ).toContain('Controller listener with name CONTROLLER defined in controller.listener.names not found in listener.security.protocol.map');
    expect(validateKRaftConfig(config({ 'controller.listener.names': 'CONTROLLER,C2' }, broker))).toEqual([
      'controller.listener.names has multiple entries; only the first will be used since process.roles=broker: [CONTROLLER, C2]',
    ]);
  });

  it('controller-only: listeners must all be controller listeners', () => {
    const controller = {
      'process.roles': 'controller',
      'node.id': '1',
      'controller.quorum.voters': '1@localhost:9093',
      listeners: 'CONTROLLER://:9093',
      'controller.listener.names': 'CONTROLLER',
      'log.dirs': '/tmp/x',
    };
    expect(validateKRaftConfig(config({}, controller))).toEqual([]);
    expect(message(() => validateKRaftConfig(config({ listeners: 'PLAINTEXT://:9092,CONTROLLER://:9093' }, controller)))).toBe(
      'requirement failed: The listeners config must only contain KRaft controller listeners from controller.listener.names when process.roles=controller',
    );
  });

  it('checks inter.broker.listener.name and advertised listener names', () => {
    expect(message(() => validateKRaftConfig(config({ 'inter.broker.listener.name': 'INTERNAL', 'listener.security.protocol.map': 'INTERNAL:PLAINTEXT,PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT' })))).toBe(
      'requirement failed: inter.broker.listener.name must be a listener name defined in advertised.listeners. The valid options based on currently configured listeners are PLAINTEXT',
    );
    expect(message(() => validateKRaftConfig(config({ 'inter.broker.listener.name': 'PLAINTEXT', 'security.inter.broker.protocol': 'PLAINTEXT' })))).toBe(
      'Only one of inter.broker.listener.name and security.inter.broker.protocol should be set.',
    );
    expect(
      message(() =>
        validateKRaftConfig(
          config({
            'advertised.listeners': 'PLAINTEXT://localhost:9092,EXTERNAL://example.com:19092',
            'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,EXTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT',
          }),
        ),
      ),
    ).toBe(
      'requirement failed: advertised.listeners listener names must be equal to or a subset of the ones defined in listeners. Found PLAINTEXT,EXTERNAL. The valid options based on the current configuration are PLAINTEXT,CONTROLLER',
    );
    expect(interBrokerListenerName(config()).name).toBe('PLAINTEXT');
  });

  it('refuses to advertise 0.0.0.0', () => {
    expect(message(() => validateKRaftConfig(config({ 'advertised.listeners': 'PLAINTEXT://0.0.0.0:9092' })))).toBe(
      'requirement failed: advertised.listeners cannot use the nonroutable meta-address 0.0.0.0. Use a routable IP address.',
    );
    expect(message(() => validateKRaftConfig(config({ 'advertised.listeners': undefined, listeners: 'PLAINTEXT://0.0.0.0:9092,CONTROLLER://:9093' })))).toBe(
      'requirement failed: advertised.listeners cannot use the nonroutable meta-address 0.0.0.0. Use a routable IP address.',
    );
  });

  it('rejects unknown process roles through the validator', () => {
    expect(message(() => config({ 'process.roles': 'broker,zookeeper' }))).toBe(
      'Invalid value zookeeper for configuration process.roles: String must be one of: broker, controller',
    );
  });

  it('checks the inter-broker SASL mechanism is enabled', () => {
    const sasl = config({
      listeners: 'SASL_PLAINTEXT://:9092,CONTROLLER://:9093',
      'advertised.listeners': 'SASL_PLAINTEXT://localhost:9092',
      'security.inter.broker.protocol': 'SASL_PLAINTEXT',
      'listener.security.protocol.map': 'SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT',
      'sasl.enabled.mechanisms': 'PLAIN',
    });
    expect(message(() => validateKRaftConfig(sasl))).toBe(
      'requirement failed: sasl.mechanism.inter.broker.protocol must be included in sasl.enabled.mechanisms when SASL is used for inter-broker communication',
    );
    expect(validateKRaftConfig(config({ ...sasl.originals, 'sasl.mechanism.inter.broker.protocol': 'PLAIN' }))).toEqual([]);
  });
});
