/**
 * Listener, security protocol map and controller quorum parsing, and Kafka's KRaft validation
 * rules (KafkaConfig.validateValues in Kafka 4.x), with Kafka's error messages.
 *
 * Formats:
 * - listeners / advertised.listeners: comma-separated `NAME://host:port`. The host may be empty
 *   (bind the default/wildcard interface, kept as null like Kafka), `0.0.0.0`, a name, an IPv4
 *   address, or an IPv6 address in brackets (`SSL://[::1]:9092`). Listener names are upper-cased.
 * - listener.security.protocol.map: `NAME:PROTOCOL,...`; Kafka's default maps PLAINTEXT, SSL,
 *   SASL_PLAINTEXT and SASL_SSL to themselves; when the map is not set explicitly and no SSL/SASL is
 *   in use, every controller.listener.names entry is mapped to PLAINTEXT as well.
 * - controller.quorum.voters: `{id}@{host}:{port},...`; controller.quorum.bootstrap.servers: `{host}:{port},...`.
 *
 * Messages that come from Scala's `require(...)` in Kafka keep its "requirement failed: " prefix.
 */
import { ConfigError } from './config-def.js';
import type { BrokerConfig } from './broker-configs.js';

export type SecurityProtocol = 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';
export const SECURITY_PROTOCOLS: readonly SecurityProtocol[] = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'];
export type ProcessRole = 'broker' | 'controller';

export interface Endpoint {
  /** Normalised (upper-case) listener name. */
  readonly listenerName: string;
  readonly securityProtocol: SecurityProtocol;
  /** null when the host was left empty: bind the wildcard address, advertise the canonical host name. */
  readonly host: string | null;
  readonly port: number;
}

export interface VoterAddress {
  readonly host: string;
  readonly port: number;
}

/** `PLAINTEXT://localhost:9092`, `PLAINTEXT://:9092`, `SSL://[::1]:9093` (Kafka's Endpoint/Utils.formatAddress). */
export function endpointToString(ep: Endpoint): string {
  const host = ep.host === null ? '' : ep.host.includes(':') ? `[${ep.host}]` : ep.host;
  return `${ep.listenerName}://${host}:${ep.port}`;
}

const LISTENER_URI = /^(.*):\/\/\[?([0-9a-zA-Z\-%._:]*)\]?:(-?[0-9]+)$/;

/** Csv.parseCsvList: split on commas with surrounding whitespace, dropping empty entries. */
export function parseCsvList(value: string | null | undefined): string[] {
  if (value === null || value === undefined || value === '') return [];
  return value.split(/\s*,\s*/).filter((v) => v !== '');
}

/** SecurityProtocol.forName: case-insensitive. */
export function securityProtocolForName(name: string): SecurityProtocol | undefined {
  const upper = name.toUpperCase();
  return (SECURITY_PROTOCOLS as readonly string[]).includes(upper) ? (upper as SecurityProtocol) : undefined;
}

/** Kafka's default listener.security.protocol.map: each protocol name maps to itself. */
export const DEFAULT_LISTENER_SECURITY_PROTOCOL_MAP = 'SASL_SSL:SASL_SSL,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT';

/**
 * Parses a listener.security.protocol.map value (Csv.parseCsvMap: entries split at their last
 * colon). Keys are normalised to upper case.
 */
export function parseListenerSecurityProtocolMap(value: string): Map<string, SecurityProtocol> {
  const out = new Map<string, SecurityProtocol>();
  if (value === '') return out;
  for (const entry of value.split(/\s*,\s*/)) {
    const colon = entry.lastIndexOf(':');
    if (colon < 0) {
      throw new ConfigError(
        `Error parsing configuration property 'listener.security.protocol.map': entry '${entry}' is not of the form NAME:PROTOCOL`,
        'listener.security.protocol.map',
      );
    }
    const name = entry.slice(0, colon).trim();
    const protocolName = entry.slice(colon + 1).trim();
    const protocol = securityProtocolForName(protocolName);
    if (protocol === undefined) {
      throw new ConfigError(
        `Invalid security protocol \`${protocolName}\` defined in listener.security.protocol.map`,
        'listener.security.protocol.map',
      );
    }
    out.set(name.toUpperCase(), protocol);
  }
  return out;
}

const IPV4 = /^(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}$/;

export function isIpv4Address(host: string): boolean {
  return IPV4.test(host);
}

export function isIpv6Address(host: string): boolean {
  const h = host.replace(/%.*$/, '');
  if (!/^[0-9a-fA-F:.]+$/.test(h) || !h.includes(':')) return false;
  const doubleColons = h.split('::').length - 1;
  if (doubleColons > 1) return false;
  let groups = h.split(':');
  // an embedded IPv4 tail counts as two groups
  const last = groups[groups.length - 1] ?? '';
  let extra = 0;
  if (last.includes('.')) {
    if (!isIpv4Address(last)) return false;
    groups = groups.slice(0, -1);
    extra = 2;
  }
  if (doubleColons === 0) {
    return groups.length + extra === 8 && groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g));
  }
  const nonEmpty = groups.filter((g) => g !== '');
  return nonEmpty.length + extra <= 7 && nonEmpty.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g));
}

/**
 * Parses a list of listener URIs (SocketServerConfigs.listenerListToEndPoints plus the
 * AbstractKafkaConfig checks): unique names, and unique ports unless exactly one IPv4 and one IPv6
 * listener share a port. `raw` is the config value, quoted in the messages like Kafka does.
 */
export function parseListeners(
  raw: string,
  protocolMap: ReadonlyMap<string, SecurityProtocol>,
  opts: { requireDistinctPorts?: boolean } = {},
): Endpoint[] {
  const entries = parseCsvList(raw);
  const requireDistinctPorts = opts.requireDistinctPorts ?? true;
  try {
    const endpoints: Endpoint[] = entries.map((entry) => {
      const m = LISTENER_URI.exec(entry);
      if (!m) throw new Error(`Unable to parse ${entry} to a broker endpoint`);
      const listenerName = (m[1] ?? '').toUpperCase();
      const host = m[2] === '' ? null : (m[2] ?? null);
      const port = Number(m[3]);
      if (!Number.isSafeInteger(port) || port > 2147483647 || port < -2147483648) {
        throw new Error(`For input string: "${m[3]}"`);
      }
      const securityProtocol = protocolMap.get(listenerName);
      if (securityProtocol === undefined) throw new Error(`No security protocol defined for listener ${listenerName}`);
      return { listenerName, securityProtocol, host, port };
    });
    validateEndpoints(endpoints, raw, requireDistinctPorts);
    return endpoints;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new ConfigError(`Error creating broker listeners from '${raw}': ${message}`);
  }
}

function validateEndpoints(endpoints: Endpoint[], raw: string, requireDistinctPorts: boolean): void {
  const names = new Set(endpoints.map((e) => e.listenerName));
  if (names.size !== endpoints.length) throw new Error(`Each listener must have a different name, listeners: ${raw}`);
  if (!requireDistinctPorts) return;
  const byPort = new Map<number, Endpoint[]>();
  for (const ep of endpoints) {
    if (ep.port === 0) continue;
    const list = byPort.get(ep.port) ?? [];
    list.push(ep);
    byPort.set(ep.port, list);
  }
  for (const [port, eps] of byPort) {
    if (eps.length < 2) continue;
    const withIp = eps.filter((ep) => ep.host !== null && (isIpv4Address(ep.host) || isIpv6Address(ep.host)));
    const withoutIp = eps.filter((ep) => !withIp.includes(ep));
    if (new Set(withoutIp.map((ep) => ep.port)).size !== withoutIp.length) {
      throw new Error(`Each listener must have a different port, listeners: ${raw}`);
    }
    if (withIp.length === 0) continue;
    if (withIp.length === 2) {
      const message = `If you have two listeners on the same port then one needs to be IPv4 and the other IPv6, listeners: ${raw}, port: ${port}`;
      const [a, b] = withIp as [Endpoint, Endpoint];
      const oneOfEach =
        (isIpv4Address(a.host!) && isIpv6Address(b.host!)) || (isIpv6Address(a.host!) && isIpv4Address(b.host!));
      if (!oneOfEach || withoutIp.length > 0) throw new Error(message);
      continue;
    }
    throw new Error(
      `Each listener must have a different port unless exactly one listener has an IPv4 address and the other IPv6 address, listeners: ${raw}, port: ${port}`,
    );
  }
}

const HOST_PORT = /^.*?\[?([0-9a-zA-Z\-%._:]*)\]?:([0-9]+)$/;

/** Utils.getHost / Utils.getPort. */
export function parseHostPort(s: string): { host: string; port: number } | undefined {
  const m = HOST_PORT.exec(s);
  if (!m) return undefined;
  const port = Number(m[2]);
  if (!Number.isSafeInteger(port) || port > 2147483647) return undefined;
  return { host: m[1] ?? '', port };
}

/** Java's String.split(regex) for a literal one-char separator: trailing empty strings are removed. */
function javaSplit(s: string, sep: string): string[] {
  const parts = s.split(sep);
  while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  return parts.length === 1 && parts[0] === '' ? [''] : parts;
}

/**
 * QuorumConfig.parseVoterConnections: `{id}@{host}:{port}` entries. With `requireRoutable`, a
 * 0.0.0.0 host is rejected (the check Kafka applies when it actually connects to the voters).
 */
export function parseQuorumVoters(entries: readonly string[], opts: { requireRoutable?: boolean } = {}): Map<number, VoterAddress> {
  const voters = new Map<number, VoterAddress>();
  const form = '. Each entry should be in the form `{id}@{host}:{port}`.';
  for (const entry of entries) {
    const idAndAddress = javaSplit(entry, '@');
    if (idAndAddress.length !== 2) {
      throw new ConfigError(`Invalid configuration value for controller.quorum.voters${form}`, 'controller.quorum.voters');
    }
    const [idString = '', address = ''] = idAndAddress;
    if (!/^[+-]?[0-9]+$/.test(idString) || Number(idString) > 2147483647 || Number(idString) < -2147483648) {
      throw new ConfigError(`Failed to parse voter ID as an integer from ${idString}`, 'controller.quorum.voters');
    }
    const hp = parseHostPort(address);
    if (hp === undefined) {
      const what = HOST_PORT.test(address) ? 'port' : 'name';
      throw new ConfigError(
        `Failed to parse host ${what} from entry ${entry} for the configuration controller.quorum.voters${form}`,
        'controller.quorum.voters',
      );
    }
    if (opts.requireRoutable && hp.host === '0.0.0.0') {
      throw new ConfigError(`Host string (${hp.host}) is not routeable`, 'controller.quorum.voters');
    }
    voters.set(Number(idString), hp);
  }
  return voters;
}

/** QuorumConfig.parseBootstrapServers: `{host}:{port}` entries. */
export function parseQuorumBootstrapServers(entries: readonly string[]): VoterAddress[] {
  return entries.map((entry) => {
    const hp = parseHostPort(entry);
    if (hp === undefined) {
      const what = HOST_PORT.test(entry) ? 'port' : 'name';
      throw new ConfigError(
        `Failed to parse host ${what} from ${entry} for the configuration controller.quorum.bootstrap.servers. Each entry should be in the form "{host}:{port}"`,
        'controller.quorum.bootstrap.servers',
      );
    }
    return hp;
  });
}

// ---------------------------------------------------------------------------------------------
// Effective listeners of a BrokerConfig (KafkaConfig in Kafka 4.x)
// ---------------------------------------------------------------------------------------------

export function controllerListenerNames(config: BrokerConfig): string[] {
  return parseCsvList(config.get('controller.listener.names'));
}

function isSslOrSasl(name: string): boolean {
  return name === 'SSL' || name === 'SASL_SSL' || name === 'SASL_PLAINTEXT';
}

/**
 * AbstractKafkaConfig.effectiveListenerSecurityProtocolMap: the configured map, plus (when the map
 * was not set explicitly and no SSL/SASL is in use) controller listener names mapped to PLAINTEXT.
 */
export function effectiveListenerSecurityProtocolMap(config: BrokerConfig): Map<string, SecurityProtocol> {
  let cached = protocolMapCache.get(config);
  if (cached === undefined) {
    cached = computeListenerSecurityProtocolMap(config);
    protocolMapCache.set(config, cached);
  }
  return new Map(cached);
}

const protocolMapCache = new WeakMap<BrokerConfig, Map<string, SecurityProtocol>>();
const listenerCache = new WeakMap<BrokerConfig, Endpoint[]>();

function computeListenerSecurityProtocolMap(config: BrokerConfig): Map<string, SecurityProtocol> {
  const map = parseListenerSecurityProtocolMap(config.get('listener.security.protocol.map'));
  if (config.isSet('listener.security.protocol.map')) return map;
  const controllerNames = controllerListenerNames(config);
  const listenerNames = parseCsvList(config.get('listeners')).map((l) => {
    const colon = l.indexOf(':');
    if (colon < 0) throw new ConfigError(`Unable to parse a listener name from ${l}`, 'listeners');
    return l.slice(0, colon).toUpperCase();
  });
  if (controllerNames.some(isSslOrSasl) || listenerNames.some(isSslOrSasl)) return map;
  for (const name of controllerNames) if (name !== 'PLAINTEXT') map.set(name, 'PLAINTEXT');
  return map;
}

/** All endpoints of `listeners`. */
export function listenerEndpoints(config: BrokerConfig): Endpoint[] {
  let cached = listenerCache.get(config);
  if (cached === undefined) {
    cached = parseListeners(config.get('listeners'), effectiveListenerSecurityProtocolMap(config));
    listenerCache.set(config, cached);
  }
  return [...cached];
}

/** The listeners used by the KRaft controller (names in controller.listener.names). */
export function controllerEndpoints(config: BrokerConfig): Endpoint[] {
  const names = controllerListenerNames(config);
  return listenerEndpoints(config).filter((ep) => names.includes(ep.listenerName));
}

/** Client/inter-broker listeners: `listeners` minus the controller listeners. */
export function dataPlaneEndpoints(config: BrokerConfig): Endpoint[] {
  const names = controllerListenerNames(config);
  return listenerEndpoints(config).filter((ep) => !names.includes(ep.listenerName));
}

/**
 * What brokers publish to clients: advertised.listeners when set, else listeners, without the
 * controller listeners (KafkaConfig.effectiveAdvertisedBrokerListeners). A null host is advertised
 * as the machine's canonical host name by the network layer.
 */
export function effectiveAdvertisedBrokerListeners(config: BrokerConfig): Endpoint[] {
  const advertised = config.get('advertised.listeners');
  const names = controllerListenerNames(config);
  const eps =
    advertised !== null
      ? parseListeners(advertised, effectiveListenerSecurityProtocolMap(config), { requireDistinctPorts: false })
      : listenerEndpoints(config);
  return eps.filter((ep) => !names.includes(ep.listenerName));
}

/**
 * What controllers publish (KIP-853): for each controller listener name, its advertised.listeners
 * entry if any, else its `listeners` entry with a 0.0.0.0 host turned into null.
 */
export function effectiveAdvertisedControllerListeners(config: BrokerConfig): Endpoint[] {
  const advertised = config.get('advertised.listeners');
  const names = controllerListenerNames(config);
  const map = effectiveListenerSecurityProtocolMap(config);
  const advertisedControllers =
    advertised !== null ? parseListeners(advertised, map, { requireDistinctPorts: false }).filter((ep) => names.includes(ep.listenerName)) : [];
  const controllers = controllerEndpoints(config);
  const out: Endpoint[] = [];
  for (const name of names) {
    const normalised = name.toUpperCase();
    const fromAdvertised = advertisedControllers.find((ep) => ep.listenerName === normalised);
    if (fromAdvertised) {
      out.push(fromAdvertised);
      continue;
    }
    const fromListeners = controllers.find((ep) => ep.listenerName === normalised);
    if (fromListeners) out.push(fromListeners.host === '0.0.0.0' ? { ...fromListeners, host: null } : fromListeners);
  }
  return out;
}

/** inter.broker.listener.name, or the listener named after security.inter.broker.protocol. */
export function interBrokerListenerName(config: BrokerConfig): { name: string; securityProtocol: SecurityProtocol } {
  const explicit = config.get('inter.broker.listener.name');
  if (explicit !== null) {
    if (config.isSet('security.inter.broker.protocol')) {
      throw new ConfigError('Only one of inter.broker.listener.name and security.inter.broker.protocol should be set.');
    }
    const name = explicit.toUpperCase();
    const protocol = effectiveListenerSecurityProtocolMap(config).get(name);
    if (protocol === undefined) {
      throw new ConfigError(
        `Listener with name ${name} defined in inter.broker.listener.name not found in listener.security.protocol.map.`,
        'inter.broker.listener.name',
      );
    }
    return { name, securityProtocol: protocol };
  }
  const protocolName = config.get('security.inter.broker.protocol');
  const protocol = securityProtocolForName(protocolName);
  if (protocol === undefined) {
    throw new ConfigError(`Invalid security protocol \`${protocolName}\` defined in security.inter.broker.protocol`);
  }
  return { name: protocol, securityProtocol: protocol };
}

export function processRoles(config: BrokerConfig): Set<ProcessRole> {
  const roles = new Set<ProcessRole>();
  for (const role of config.get('process.roles')) {
    if (role !== 'broker' && role !== 'controller') {
      throw new ConfigError(`Unknown process role '${role}' (only 'broker' and 'controller' are allowed roles)`, 'process.roles');
    }
    roles.add(role);
  }
  return roles;
}

function require(condition: boolean, message: string, key?: string): void {
  if (!condition) throw new ConfigError(`requirement failed: ${message}`, key);
}

function setString(ids: Iterable<number>): string {
  return `Set(${[...ids].join(', ')})`;
}

/**
 * The listener/role/quorum part of KafkaConfig.validateValues (Kafka 4.x), in Kafka's order.
 * Throws ConfigError; returns warnings Kafka would log.
 */
export function validateKRaftConfig(config: BrokerConfig): string[] {
  const warnings: string[] = [];
  const roles = processRoles(config);
  const nodeId = config.get('node.id');
  const voters = parseQuorumVoters(config.get('controller.quorum.voters'));
  const voterIds = [...voters.keys()];
  const bootstrapServers = config.get('controller.quorum.bootstrap.servers');
  const controllerNames = controllerListenerNames(config);
  const listeners = listenerEndpoints(config);
  const advertisedBrokerNames = new Set(effectiveAdvertisedBrokerListeners(config).map((ep) => ep.listenerName));

  const validateQuorum = (): void => {
    if (voterIds.length === 0 && bootstrapServers.length === 0) {
      throw new ConfigError(
        'If using process.roles, either controller.quorum.bootstrap.servers must contain the set of bootstrap controllers or controller.quorum.voters must contain a parseable set of controllers.',
      );
    }
  };
  const validateVotersContainNodeId = (): void =>
    require(
      voterIds.length === 0 || voterIds.includes(nodeId),
      `If process.roles contains the 'controller' role, the node id ${nodeId} must be included in the set of voters controller.quorum.voters=${setString(voterIds)}`,
      'controller.quorum.voters',
    );
  const validateAdvertisedControllersNonEmpty = (): void =>
    require(
      effectiveAdvertisedControllerListeners(config).length > 0,
      "controller.listener.names must contain at least one value appearing in the 'listeners' configuration when running the KRaft controller role",
      'controller.listener.names',
    );
  const validateControllerNamesInListeners = (): void => {
    const listenerNames = new Set(listeners.map((ep) => ep.listenerName));
    require(
      controllerNames.every((n) => listenerNames.has(n)),
      "controller.listener.names must only contain values appearing in the 'listeners' configuration when running the KRaft controller role",
      'controller.listener.names',
    );
  };

  const isBroker = roles.has('broker');
  const isController = roles.has('controller');
  if (isBroker && !isController) {
    validateQuorum();
    require(
      !voterIds.includes(nodeId),
      `If process.roles contains just the 'broker' role, the node id ${nodeId} must not be included in the set of voters controller.quorum.voters=${setString(voterIds)}`,
      'controller.quorum.voters',
    );
    require(
      controllerNames.length > 0,
      'controller.listener.names must contain at least one value when running KRaft with just the broker role',
      'controller.listener.names',
    );
    require(
      !listeners.some((ep) => controllerNames.includes(ep.listenerName)),
      "controller.listener.names must not contain a value appearing in the 'listeners' configuration when running KRaft with just the broker role",
      'controller.listener.names',
    );
    const map = effectiveListenerSecurityProtocolMap(config);
    for (const name of controllerNames) {
      if (!map.has(name.toUpperCase())) {
        throw new ConfigError(
          `Controller listener with name ${name.toUpperCase()} defined in controller.listener.names not found in listener.security.protocol.map  (an explicit security mapping for each controller listener is required if listener.security.protocol.map is non-empty, or if there are security protocols other than PLAINTEXT in use)`,
          'controller.listener.names',
        );
      }
    }
    if (controllerNames.length > 1) {
      warnings.push(
        `controller.listener.names has multiple entries; only the first will be used since process.roles=broker: [${controllerNames.join(', ')}]`,
      );
    }
  } else if (isController && !isBroker) {
    validateQuorum();
    require(
      effectiveAdvertisedControllerListeners(config).length === listeners.length,
      'The listeners config must only contain KRaft controller listeners from controller.listener.names when process.roles=controller',
      'listeners',
    );
    const explicitInterBroker = config.get('inter.broker.listener.name');
    if (explicitInterBroker !== null) {
      require(
        !controllerNames.includes(interBrokerListenerName(config).name),
        "controller.listener.names must not contain an explicitly set inter.broker.listener.name configuration value when process.roles=controller'",
        'controller.listener.names',
      );
    }
    validateVotersContainNodeId();
    validateAdvertisedControllersNonEmpty();
    validateControllerNamesInListeners();
  } else if (isBroker && isController) {
    validateQuorum();
    validateVotersContainNodeId();
    validateAdvertisedControllersNonEmpty();
    validateControllerNamesInListeners();
  }

  const listenerNames = new Set(listeners.map((ep) => ep.listenerName));
  if (isBroker) {
    require(
      advertisedBrokerNames.size > 0,
      'There must be at least one broker advertised listener. Perhaps all listeners appear in controller.listener.names?',
      'advertised.listeners',
    );
    const interBroker = interBrokerListenerName(config).name;
    require(
      advertisedBrokerNames.has(interBroker),
      `inter.broker.listener.name must be a listener name defined in advertised.listeners. The valid options based on currently configured listeners are ${[...advertisedBrokerNames].join(',')}`,
      'inter.broker.listener.name',
    );
    require(
      [...advertisedBrokerNames].every((n) => listenerNames.has(n)),
      `advertised.listeners listener names must be equal to or a subset of the ones defined in listeners. Found ${[...advertisedBrokerNames].join(',')}. The valid options based on the current configuration are ${[...listenerNames].join(',')}`,
      'advertised.listeners',
    );
  }
  const nonRoutable = 'advertised.listeners cannot use the nonroutable meta-address 0.0.0.0. Use a routable IP address.';
  require(!effectiveAdvertisedBrokerListeners(config).some((ep) => ep.host === '0.0.0.0'), nonRoutable, 'advertised.listeners');
  require(!effectiveAdvertisedControllerListeners(config).some((ep) => ep.host === '0.0.0.0'), nonRoutable, 'advertised.listeners');

  const early = config.get('early.start.listeners');
  if (early !== null) {
    const controllerSet = new Set(controllerEndpoints(config).map((ep) => ep.listenerName));
    for (const name of early.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
      if (!listenerNames.has(name) && !controllerSet.has(name)) {
        throw new ConfigError(
          `early.start.listeners contains listener ${name}, but this is not contained in listeners or controller.listener.names`,
          'early.start.listeners',
        );
      }
    }
  }

  const interBroker = interBrokerListenerName(config);
  if (isBroker && (interBroker.securityProtocol === 'SASL_PLAINTEXT' || interBroker.securityProtocol === 'SASL_SSL')) {
    const prefixed = config.originals[`listener.name.${interBroker.name.toLowerCase()}.sasl.enabled.mechanisms`];
    const mechanisms = prefixed !== undefined ? parseCsvList(prefixed) : config.get('sasl.enabled.mechanisms');
    require(
      mechanisms.includes(config.get('sasl.mechanism.inter.broker.protocol')),
      'sasl.mechanism.inter.broker.protocol must be included in sasl.enabled.mechanisms when SASL is used for inter-broker communication',
      'sasl.mechanism.inter.broker.protocol',
    );
  }
  return warnings;
}
