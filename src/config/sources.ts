/**
 * Where a broker's configuration comes from, merged in this order (later wins):
 *   1. a Java .properties file (`config/server.properties`),
 *   2. KAFKA_* environment variables, mapped exactly like the apache/kafka docker image,
 *   3. `--override key=value` arguments (kafka-server-start.sh's --override).
 *
 * Properties syntax is java.util.Properties.load: `#` and `!` comment lines, `key=value`,
 * `key:value` or `key value`, whitespace around the separator ignored, trailing whitespace kept,
 * lines continued by an odd number of trailing backslashes (leading whitespace of the next line
 * dropped), escapes \t \n \r \f \uXXXX and `\x` for any other x. One deliberate difference: Kafka
 * reads the file as ISO-8859-1, Gregor as UTF-8 (identical for ASCII and \uXXXX-escaped files).
 *
 * Environment mapping (apache/kafka image, KafkaDockerWrapper.getServerConfigsFromEnv, Kafka 3.8+):
 * every variable starting with `KAFKA_`, except the launcher's own (KAFKA_VERSION, KAFKA_HEAP_OPTS,
 * KAFKA_LOG4J_OPTS, KAFKA_OPTS, KAFKA_JMX_OPTS, KAFKA_JVM_PERFORMANCE_OPTS, KAFKA_GC_LOG_OPTS,
 * KAFKA_LOG4J_ROOT_LOGLEVEL, KAFKA_LOG4J_LOGGERS, KAFKA_TOOLS_LOG4J_LOGLEVEL, KAFKA_JMX_HOSTNAME),
 * loses its first `KAFKA_`, is lower-cased, then `_` -> `.`, `...` -> `-`, `..` -> `_`:
 * KAFKA_LOG_DIRS -> log.dirs, KAFKA_FOO__BAR -> foo_bar, KAFKA_FOO___BAR -> foo-bar,
 * KAFKA_KAFKA_METRICS_REPORTERS -> kafka.metrics.reporters. The image writes `name=value` lines into
 * server.properties, so values go through the properties parser too (leading blanks dropped,
 * backslash escapes applied). CLUSTER_ID (no prefix) is the cluster id used to format storage; it is
 * not a config. The image uses its bundled default server.properties only when there is neither a
 * mounted server.properties nor any KAFKA_* property: as soon as one KAFKA_* variable is given,
 * every other setting takes Kafka's built-in default (e.g. offsets.topic.replication.factor=3).
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from './config-def.js';
import { BrokerConfig, type BrokerConfigInputValue, type DynamicBrokerConfigs, stringifyProps } from './broker-configs.js';
import { validateKRaftConfig } from './listeners.js';

// ---------------------------------------------------------------------------------------------
// java.util.Properties
// ---------------------------------------------------------------------------------------------

function isBlank(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\f';
}

/** Splits text into logical lines like java.util.Properties$LineReader. */
function logicalLines(text: string): string[] {
  const lines: string[] = [];
  let buf = '';
  let skipWhiteSpace = true;
  let isCommentLine = false;
  let isNewLine = true;
  let appendedLineBegin = false;
  let precedingBackslash = false;
  let skipLF = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (skipLF) {
      skipLF = false;
      if (c === '\n') continue;
    }
    if (skipWhiteSpace) {
      if (isBlank(c)) continue;
      if (!appendedLineBegin && (c === '\r' || c === '\n')) continue;
      skipWhiteSpace = false;
      appendedLineBegin = false;
    }
    if (isNewLine) {
      isNewLine = false;
      if (c === '#' || c === '!') {
        isCommentLine = true;
        continue;
      }
    }
    if (c !== '\n' && c !== '\r') {
      if (isCommentLine) continue;
      buf += c;
      precedingBackslash = c === '\\' ? !precedingBackslash : false;
      continue;
    }
    // end of a natural line
    if (isCommentLine || buf.length === 0) {
      isCommentLine = false;
      isNewLine = true;
      skipWhiteSpace = true;
      buf = '';
      if (c === '\r') skipLF = true;
      continue;
    }
    if (precedingBackslash) {
      buf = buf.slice(0, -1);
      skipWhiteSpace = true;
      appendedLineBegin = true;
      precedingBackslash = false;
      if (c === '\r') skipLF = true;
      continue;
    }
    lines.push(buf);
    buf = '';
    isNewLine = true;
    skipWhiteSpace = true;
    if (c === '\r') skipLF = true;
  }
  if (buf.length > 0 && !isCommentLine) lines.push(precedingBackslash ? buf.slice(0, -1) : buf);
  return lines;
}

/** Properties.loadConvert: resolves backslash escapes. */
function unescapeProperties(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    let c = s[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    c = s[++i] ?? '';
    if (c === 'u') {
      const hex = s.slice(i + 1, i + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new ConfigError('Malformed \\uxxxx encoding.');
      out += String.fromCharCode(parseInt(hex, 16));
      i += 4;
    } else if (c === 't') out += '\t';
    else if (c === 'r') out += '\r';
    else if (c === 'n') out += '\n';
    else if (c === 'f') out += '\f';
    else out += c;
  }
  return out;
}

/**
 * Parses .properties text with java.util.Properties.load semantics. Later duplicates win; the
 * returned map keeps first-appearance order.
 */
export function parseProperties(text: string): Map<string, string> {
  const props = new Map<string, string>();
  for (const line of logicalLines(text)) {
    let keyLen = 0;
    let valueStart = line.length;
    let hasSep = false;
    let precedingBackslash = false;
    while (keyLen < line.length) {
      const c = line[keyLen]!;
      if ((c === '=' || c === ':') && !precedingBackslash) {
        valueStart = keyLen + 1;
        hasSep = true;
        break;
      } else if (isBlank(c) && !precedingBackslash) {
        valueStart = keyLen + 1;
        break;
      }
      precedingBackslash = c === '\\' ? !precedingBackslash : false;
      keyLen++;
    }
    while (valueStart < line.length) {
      const c = line[valueStart]!;
      if (!isBlank(c)) {
        if (!hasSep && (c === '=' || c === ':')) hasSep = true;
        else break;
      }
      valueStart++;
    }
    props.set(unescapeProperties(line.slice(0, keyLen)), unescapeProperties(line.slice(valueStart)));
  }
  return props;
}

/** Reads and parses a .properties file (UTF-8; a leading byte order mark is ignored). */
export function readPropertiesFile(path: string): Map<string, string> {
  return parseProperties(readFileSync(path, 'utf8').replace(/^\uFEFF/, ''));
}

/** Writes `key=value` lines with the escaping Properties.store uses for keys and values. */
export function formatProperties(props: Iterable<[string, string]>): string {
  const esc = (s: string, isKey: boolean): string => {
    let out = '';
    for (let i = 0; i < s.length; i++) {
      const c = s[i]!;
      const code = c.charCodeAt(0);
      if (c === '\\') out += '\\\\';
      else if (c === '\t') out += '\\t';
      else if (c === '\n') out += '\\n';
      else if (c === '\r') out += '\\r';
      else if (c === '\f') out += '\\f';
      else if (c === ' ' && (isKey || i === 0)) out += '\\ ';
      else if ('=:#!'.includes(c)) out += `\\${c}`;
      else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, '0').toUpperCase()}`;
      else out += c;
    }
    return out;
  };
  let text = '';
  for (const [k, v] of props) text += `${esc(k, true)}=${esc(v, false)}\n`;
  return text;
}

// ---------------------------------------------------------------------------------------------
// KAFKA_* environment variables (apache/kafka docker image)
// ---------------------------------------------------------------------------------------------

export type Env = Readonly<Record<string, string | undefined>>;

/** KafkaDockerWrapper's ExcludeServerPropsEnv: launcher variables that are not broker configs. */
export const KAFKA_IMAGE_EXCLUDED_ENV: readonly string[] = [
  'KAFKA_VERSION',
  'KAFKA_HEAP_OPTS',
  'KAFKA_LOG4J_OPTS',
  'KAFKA_OPTS',
  'KAFKA_JMX_OPTS',
  'KAFKA_JVM_PERFORMANCE_OPTS',
  'KAFKA_GC_LOG_OPTS',
  'KAFKA_LOG4J_ROOT_LOGLEVEL',
  'KAFKA_LOG4J_LOGGERS',
  'KAFKA_TOOLS_LOG4J_LOGLEVEL',
  'KAFKA_JMX_HOSTNAME',
];

/** The default CLUSTER_ID of the apache/kafka image (configureDefaults). */
export const KAFKA_IMAGE_DEFAULT_CLUSTER_ID = '5L6g3nShT-eMCtK--X86sw';

/** KAFKA_FOO_BAR -> foo.bar, KAFKA_FOO__BAR -> foo_bar, KAFKA_FOO___BAR -> foo-bar; undefined when not a config variable. */
export function envNameToPropertyName(envName: string): string | undefined {
  if (!envName.startsWith('KAFKA_') || KAFKA_IMAGE_EXCLUDED_ENV.includes(envName)) return undefined;
  return envName.slice('KAFKA_'.length).toLowerCase().replaceAll('_', '.').replaceAll('...', '-').replaceAll('..', '_');
}

/** foo.bar -> KAFKA_FOO_BAR (the inverse, for documentation and messages). */
export function propertyNameToEnvName(property: string): string {
  return `KAFKA_${property.replaceAll('_', '__').replaceAll('-', '___').replaceAll('.', '_').toUpperCase()}`;
}

/** The `name=value` lines the image writes for the KAFKA_* variables (sorted for determinism). */
export function envPropertyLines(env: Env): string[] {
  const lines: string[] = [];
  for (const envName of Object.keys(env).sort()) {
    const value = env[envName];
    const name = envNameToPropertyName(envName);
    if (name === undefined || value === undefined) continue;
    const line = `${name}=${value}`;
    if (line.trim() !== '') lines.push(line);
  }
  return lines;
}

/** Broker properties given by KAFKA_* variables, parsed as the image's server.properties would parse them. */
export function envToProperties(env: Env): Map<string, string> {
  return parseProperties(envPropertyLines(env).join('\n'));
}

/** Which environment variable provided each property (for messages). */
export function envPropertySources(env: Env): Map<string, string> {
  const out = new Map<string, string>();
  for (const envName of Object.keys(env).sort()) {
    const name = envNameToPropertyName(envName);
    if (name !== undefined && env[envName] !== undefined) out.set(name, envName);
  }
  return out;
}

export interface DockerImageSetup {
  /** The environment after the image's configureDefaults and configure scripts. */
  readonly env: Record<string, string>;
  /** The final server.properties text the image would start Kafka with. */
  readonly serverProperties: string;
  /** CLUSTER_ID used to format storage on first start. */
  readonly clusterId: string;
  /** What the image scripts print. */
  readonly messages: string[];
}

/**
 * Reproduces the apache/kafka image start-up (run -> configureDefaults -> configure ->
 * KafkaDockerWrapper setup): CLUSTER_ID default, KAFKA_LISTENERS derived from
 * KAFKA_ADVERTISED_LISTENERS (hosts replaced by 0.0.0.0), the controller-only check, the SSL
 * conveniences (KAFKA_SSL_*_FILENAME / *_CREDENTIALS files under /etc/kafka/secrets), then the
 * choice of server.properties: the mounted file plus the KAFKA_* lines, or only the KAFKA_* lines,
 * or, when both are empty, the image's default file.
 */
export function dockerImageSetup(opts: {
  env: Env;
  defaultServerProperties: string;
  mountedServerProperties?: string | null;
  secretsDir?: string;
  readFile?: (path: string) => string;
}): DockerImageSetup {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.env)) if (v !== undefined) env[k] = v;
  const messages: string[] = [];
  const secretsDir = opts.secretsDir ?? '/etc/kafka/secrets';
  const readFile = opts.readFile ?? ((p: string) => readFileSync(p, 'utf8'));
  const ensure = (name: string): string => {
    const v = env[name];
    if (v === undefined) throw new ConfigError(`${name} environment variable not set`);
    return v;
  };
  const cat = (path: string): string => readFile(path).replace(/\n+$/, '');

  // configureDefaults
  if (!env['CLUSTER_ID']) {
    messages.push(`CLUSTER_ID not set. Setting it to default value: "${KAFKA_IMAGE_DEFAULT_CLUSTER_ID}"`);
    env['CLUSTER_ID'] = KAFKA_IMAGE_DEFAULT_CLUSTER_ID;
  }
  // configure
  const roles = env['KAFKA_PROCESS_ROLES'] ?? '';
  if (roles !== '') {
    messages.push('Running in KRaft mode...');
    ensure('CLUSTER_ID');
    if (roles === 'controller') {
      if (env['KAFKA_ADVERTISED_LISTENERS']) {
        throw new ConfigError('KAFKA_ADVERTISED_LISTENERS is not supported on a KRaft controller.');
      }
      delete env['KAFKA_ADVERTISED_LISTENERS'];
    }
  }
  const advertised = env['KAFKA_ADVERTISED_LISTENERS'] ?? '';
  if (!env['KAFKA_LISTENERS'] && (roles === '' || roles !== 'controller') && advertised !== '') {
    env['KAFKA_LISTENERS'] = advertised.replace(/:\/\/[^:]*:/g, '://0.0.0.0:');
  }
  if (advertised.includes('SSL://')) {
    messages.push('SSL is enabled.');
    env['KAFKA_SSL_KEYSTORE_LOCATION'] = `${secretsDir}/${ensure('KAFKA_SSL_KEYSTORE_FILENAME')}`;
    env['KAFKA_SSL_KEY_PASSWORD'] = cat(`${secretsDir}/${ensure('KAFKA_SSL_KEY_CREDENTIALS')}`);
    env['KAFKA_SSL_KEYSTORE_PASSWORD'] = cat(`${secretsDir}/${ensure('KAFKA_SSL_KEYSTORE_CREDENTIALS')}`);
    const clientAuth = env['KAFKA_SSL_CLIENT_AUTH'] ?? '';
    if (clientAuth.includes('required') || clientAuth.includes('requested')) {
      env['KAFKA_SSL_TRUSTSTORE_LOCATION'] = `${secretsDir}/${ensure('KAFKA_SSL_TRUSTSTORE_FILENAME')}`;
      env['KAFKA_SSL_TRUSTSTORE_PASSWORD'] = cat(`${secretsDir}/${ensure('KAFKA_SSL_TRUSTSTORE_CREDENTIALS')}`);
    }
  }
  if (/SASL_.*:\/\//.test(advertised)) messages.push('SASL is enabled.');

  // KafkaDockerWrapper.prepareServerConfigs
  const lines = envPropertyLines(env);
  const propsToAdd = lines.length > 0 ? `\n${lines.join('\n')}` : '';
  let serverProperties: string;
  if (opts.mountedServerProperties !== undefined && opts.mountedServerProperties !== null) {
    serverProperties = opts.mountedServerProperties + propsToAdd;
  } else {
    serverProperties = propsToAdd;
  }
  if (serverProperties.trim() === '') serverProperties = opts.defaultServerProperties;
  return { env, serverProperties, clusterId: env['CLUSTER_ID']!, messages };
}

// ---------------------------------------------------------------------------------------------
// --override key=value
// ---------------------------------------------------------------------------------------------

/** CommandLineUtils.parseKeyValueArgs: split at the first '=', a missing value is "". */
export function parseOverrides(args: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq < 0) out.set(arg, '');
    else out.set(arg.slice(0, eq), arg.slice(eq + 1));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Putting it together
// ---------------------------------------------------------------------------------------------

export type PropertyOrigin = 'file' | 'env' | 'override';

export interface LoadBrokerConfigOptions {
  /** Path of a .properties file. */
  readonly propertiesFile?: string;
  /** Properties given directly: .properties text or a map, values typed or strings (embedding API). Applied after `propertiesFile`. */
  readonly properties?: string | Readonly<Record<string, BrokerConfigInputValue>> | ReadonlyMap<string, string>;
  /** Environment to read KAFKA_* variables (and CLUSTER_ID) from; none when omitted. */
  readonly env?: Env;
  /** `--override key=value` arguments, or a map. */
  readonly overrides?: readonly string[] | Readonly<Record<string, string>>;
  /** Dynamic broker configs (from the metadata log). */
  readonly dynamic?: DynamicBrokerConfigs;
}

export interface LoadedBrokerConfig {
  readonly config: BrokerConfig;
  /** Warnings the caller should log: unknown keys, multiple controller listeners, ... */
  readonly warnings: string[];
  /** Where each explicitly given property came from. */
  readonly origins: ReadonlyMap<string, PropertyOrigin>;
  /** CLUSTER_ID from the environment, if given. */
  readonly clusterId: string | undefined;
}

function toEntries(p: string | Readonly<Record<string, BrokerConfigInputValue>> | ReadonlyMap<string, string>): Iterable<[string, string]> {
  if (typeof p === 'string') return parseProperties(p);
  if (p instanceof Map) return p.entries();
  return Object.entries(stringifyProps(p as Readonly<Record<string, BrokerConfigInputValue>>));
}

/**
 * Merges file, environment and overrides, then parses and validates everything like Kafka does at
 * start-up. Throws ConfigError (Kafka's message; `origin` says where the offending value came from).
 */
export function loadBrokerConfig(opts: LoadBrokerConfigOptions): LoadedBrokerConfig {
  const props: Record<string, string> = {};
  const origins = new Map<string, PropertyOrigin>();
  const originDetail = new Map<string, string>();
  const put = (entries: Iterable<[string, string]>, origin: PropertyOrigin, detail: (k: string) => string): void => {
    for (const [k, v] of entries) {
      props[k] = v;
      origins.set(k, origin);
      originDetail.set(k, detail(k));
    }
  };
  if (opts.propertiesFile !== undefined) put(readPropertiesFile(opts.propertiesFile), 'file', () => opts.propertiesFile!);
  if (opts.properties !== undefined) put(toEntries(opts.properties), 'file', () => 'properties');
  if (opts.env !== undefined) {
    const envSources = envPropertySources(opts.env);
    put(envToProperties(opts.env), 'env', (k) => envSources.get(k) ?? 'environment');
  }
  if (opts.overrides !== undefined) {
    const overrides = Array.isArray(opts.overrides) ? parseOverrides(opts.overrides as readonly string[]) : Object.entries(opts.overrides);
    put(overrides, 'override', (k) => `--override ${k}`);
  }

  let config: BrokerConfig;
  const warnings: string[] = [];
  try {
    config = BrokerConfig.create(props, opts.dynamic);
    warnings.push(...validateKRaftConfig(config));
  } catch (e) {
    if (e instanceof ConfigError && e.key !== undefined && originDetail.has(e.key)) e.origin = originDetail.get(e.key);
    throw e;
  }
  for (const key of config.unknownKeys()) {
    if (key === 'cluster.id') {
      warnings.push(
        "The configuration 'cluster.id' was supplied but isn't a known config. The cluster id is stored in meta.properties when the storage is formatted (the docker image takes it from CLUSTER_ID).",
      );
    } else {
      warnings.push(`The configuration '${key}' was supplied but isn't a known config.`);
    }
  }
  const clusterId = opts.env?.['CLUSTER_ID'];
  return { config, warnings, origins, clusterId: clusterId === '' ? undefined : clusterId };
}
