/**
 * `gregor configs`: kafka-configs for topics and brokers, over DescribeConfigs and
 * IncrementalAlterConfigs. --describe prints the dynamic configs (all with --all) in
 * kafka-configs' format; --alter takes --add-config k=v,k2=[a,b] and --delete-config k1,k2.
 * Entities: --entity-type topics|brokers with --entity-name or --entity-default, or the
 * shorthands --topic, --broker, --broker-defaults.
 */
import type { Command } from 'commander';
import { Admin, AlterConfigOp, CONFIG_SOURCE_NAMES, ConfigResourceType, type ConfigEntry, type KafkaClient } from '../client/index.js';
import { action, clientProperties, createClient, toJson, UsageError, withClient, writeOut } from './common.js';

interface ConfigsOptions {
  bootstrapServer: string;
  commandConfig?: string;
  describe?: boolean;
  alter?: boolean;
  entityType?: string;
  entityName?: string;
  entityDefault?: boolean;
  topic?: string;
  broker?: string;
  brokerDefaults?: boolean;
  addConfig?: string;
  deleteConfig?: string;
  all?: boolean;
  json?: boolean;
}

type EntityType = 'topics' | 'brokers';

interface Entity {
  type: EntityType;
  /** null: every entity of the type; '' : the broker default. */
  name: string | null;
}

const SOURCE = { DYNAMIC_TOPIC_CONFIG: 1, DYNAMIC_BROKER_CONFIG: 2, DYNAMIC_DEFAULT_BROKER_CONFIG: 3 };

/** kafka-configs' parsing of --add-config: commas split pairs except inside [..], which hold list values. */
export function parseAddConfig(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const pairs = text.split(/,(?=[^\]]*(?:\[|$))/).map((s) => s.trim()).filter((s) => s !== '');
  for (const pair of pairs) {
    const i = pair.indexOf('=');
    if (i <= 0) throw new UsageError('Invalid entity config: all configs to be added must be in the format "key=val".');
    let value = pair.slice(i + 1).trim();
    if (value.startsWith('[') && value.endsWith(']')) value = value.slice(1, -1);
    out.set(pair.slice(0, i).trim(), value);
  }
  return out;
}

function entityOf(opts: ConfigsOptions): Entity {
  const shorthands = [opts.topic !== undefined, opts.broker !== undefined, opts.brokerDefaults === true].filter(Boolean).length;
  if (shorthands > 1 || (shorthands === 1 && opts.entityType !== undefined)) throw new UsageError('Only one entity may be specified: use --entity-type with --entity-name, or one of --topic, --broker, --broker-defaults');
  let entity: Entity;
  if (opts.topic !== undefined) entity = { type: 'topics', name: opts.topic };
  else if (opts.broker !== undefined) entity = { type: 'brokers', name: opts.broker };
  else if (opts.brokerDefaults) entity = { type: 'brokers', name: '' };
  else {
    if (opts.entityType === undefined) throw new UsageError('An entity type must be specified: --entity-type topics|brokers (or --topic, --broker, --broker-defaults)');
    const type = opts.entityType === 'topic' ? 'topics' : opts.entityType === 'broker' ? 'brokers' : opts.entityType;
    if (type !== 'topics' && type !== 'brokers') throw new UsageError(`Invalid entity type ${opts.entityType}, the entity type must be one of topics, brokers`);
    if (opts.entityDefault && opts.entityName !== undefined) throw new UsageError('--entity-name and --entity-default cannot be used together');
    if (opts.entityDefault && type !== 'brokers') throw new UsageError('--entity-default is only valid with --entity-type brokers');
    entity = { type, name: opts.entityDefault ? '' : (opts.entityName ?? null) };
  }
  if (entity.type === 'brokers' && entity.name && !/^\d+$/.test(entity.name)) {
    throw new UsageError(`The entity name for brokers must be a valid integer broker id, but it is: ${entity.name}`);
  }
  return entity;
}

function resourceType(type: EntityType): number {
  return type === 'topics' ? ConfigResourceType.Topic : ConfigResourceType.Broker;
}

function entityLabel(e: Entity & { name: string }): string {
  if (e.type === 'brokers') return e.name === '' ? 'brokers in the cluster' : `broker ${e.name}`;
  return `topic ${e.name}`;
}

/** The entries kafka-configs shows without --all: those set dynamically on that very entity. */
function dynamicOnly(e: Entity & { name: string }, c: ConfigEntry): boolean {
  if (e.type === 'topics') return c.source === SOURCE.DYNAMIC_TOPIC_CONFIG;
  return c.source === (e.name === '' ? SOURCE.DYNAMIC_DEFAULT_BROKER_CONFIG : SOURCE.DYNAMIC_BROKER_CONFIG);
}

export function registerConfigsCommand(program: Command): void {
  program
    .command('configs')
    .description('describe and alter topic and broker configs (like kafka-configs)')
    .requiredOption('--bootstrap-server <host:port>', 'broker(s) to connect to, comma-separated')
    .option('--command-config <file>', 'client properties file')
    .option('--describe', 'list configs of an entity')
    .option('--alter', 'change configs of an entity')
    .option('--entity-type <type>', 'topics or brokers')
    .option('--entity-name <name>', 'topic name or broker id')
    .option('--entity-default', 'the cluster-wide broker default (with --entity-type brokers)')
    .option('--topic <topic>', 'same as --entity-type topics --entity-name <topic>')
    .option('--broker <id>', 'same as --entity-type brokers --entity-name <id>')
    .option('--broker-defaults', 'same as --entity-type brokers --entity-default')
    .option('--add-config <k=v,...>', 'configs to set: k1=v1,k2=[v1,v2,v2],k3=v3')
    .option('--delete-config <k,...>', 'configs to remove: k1,k2')
    .option('--all', 'with --describe: every config, not only the dynamic ones')
    .option('--json', 'print JSON')
    .action(
      action(async (opts: ConfigsOptions) => {
        if (Number(!!opts.describe) + Number(!!opts.alter) !== 1) throw new UsageError('Command must include exactly one action: --describe, --alter');
        const entity = entityOf(opts);
        if (opts.describe && (opts.addConfig !== undefined || opts.deleteConfig !== undefined)) throw new UsageError('--add-config and --delete-config can only be used with --alter');
        if (opts.alter) {
          if (entity.name === null) throw new UsageError(`An entity name must be specified with --alter of ${entity.type}`);
          if (opts.addConfig === undefined && opts.deleteConfig === undefined) throw new UsageError('At least one of --add-config or --delete-config must be specified with --alter');
        }
        const client = createClient(opts.bootstrapServer, clientProperties(opts.commandConfig, [], 'client property'), 'gregor-configs');
        await withClient(client, async () => {
          if (opts.describe) await describe(client, entity, opts);
          else await alter(client, entity as Entity & { name: string }, opts);
        });
      }),
    );
}

async function describe(client: KafkaClient, entity: Entity, opts: ConfigsOptions): Promise<void> {
  const admin = new Admin(client);
  let names: string[];
  if (entity.name !== null) names = [entity.name];
  else if (entity.type === 'topics') names = await admin.listTopics({ includeInternal: true });
  else names = (await admin.describeCluster()).brokers.map((b) => String(b.nodeId));
  const results = await admin.describeConfigs(
    names.map((name) => ({ type: resourceType(entity.type), name })),
    { includeSynonyms: true },
  );
  const json: unknown[] = [];
  let out = '';
  for (const r of results) {
    if (r.error) {
      if (entity.type === 'topics' && r.error.code === 3) throw new UsageError(`Topic '${r.name}' does not exist.`);
      throw r.error;
    }
    const e = { type: entity.type, name: r.name };
    const entries = opts.all ? r.configs : r.configs.filter((c) => dynamicOnly(e, c));
    if (opts.json) {
      json.push({
        entityType: entity.type,
        entityName: r.name,
        configs: entries.map((c) => ({
          name: c.name,
          value: c.isSensitive ? null : c.value,
          source: CONFIG_SOURCE_NAMES[c.source] ?? String(c.source),
          sensitive: c.isSensitive,
          readOnly: c.readOnly,
          synonyms: c.synonyms.map((s) => ({ name: s.name, value: c.isSensitive ? null : s.value, source: CONFIG_SOURCE_NAMES[s.source] ?? String(s.source) })),
        })),
      });
      continue;
    }
    const heading = opts.all ? 'All' : e.type === 'brokers' && e.name === '' ? 'Default' : 'Dynamic';
    out += e.type === 'brokers' && e.name === '' ? `${heading} configs for brokers in the cluster are:\n` : `${heading} configs for ${entityLabel(e)} are:\n`;
    for (const c of entries) {
      const synonyms = c.synonyms.map((s) => `${CONFIG_SOURCE_NAMES[s.source] ?? s.source}:${s.name}=${c.isSensitive ? null : s.value}`).join(', ');
      out += `  ${c.name}=${c.isSensitive ? null : c.value} sensitive=${c.isSensitive} synonyms={${synonyms}}\n`;
    }
  }
  await writeOut(opts.json ? toJson(entity.name !== null ? json[0] : json) + '\n' : out);
}

async function alter(client: KafkaClient, entity: Entity & { name: string }, opts: ConfigsOptions): Promise<void> {
  const admin = new Admin(client);
  const toSet = opts.addConfig !== undefined ? parseAddConfig(opts.addConfig) : new Map<string, string>();
  const toDelete = (opts.deleteConfig ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (toSet.size === 0 && toDelete.length === 0) throw new UsageError('Nothing to alter: --add-config and --delete-config are empty');
  const both = toDelete.filter((k) => toSet.has(k));
  if (both.length > 0) throw new UsageError(`Invalid config(s): ${both.join(',')} cannot be both added and deleted`);
  const type = resourceType(entity.type);
  if (toDelete.length > 0) {
    // As kafka-configs: deleting a config that is not set on the entity is an error.
    const [current] = await admin.describeConfigs([{ type, name: entity.name }]);
    if (current!.error) {
      if (entity.type === 'topics' && current!.error.code === 3) throw new UsageError(`Topic '${entity.name}' does not exist.`);
      throw current!.error;
    }
    const set = new Set(current!.configs.filter((c) => dynamicOnly(entity, c)).map((c) => c.name));
    const invalid = toDelete.filter((k) => !set.has(k));
    if (invalid.length > 0) throw new UsageError(`Invalid config(s): ${invalid.join(',')}`);
  }
  const ops = [
    ...[...toSet].map(([name, value]) => ({ name, op: AlterConfigOp.Set, value })),
    ...toDelete.map((name) => ({ name, op: AlterConfigOp.Delete, value: null })),
  ];
  const [result] = await admin.incrementalAlterConfigs([{ type, name: entity.name, ops }]);
  if (result!.error) {
    if (entity.type === 'topics' && result!.error.code === 3) throw new UsageError(`Topic '${entity.name}' does not exist.`);
    throw result!.error;
  }
  if (opts.json) {
    await writeOut(toJson({ entityType: entity.type, entityName: entity.name, set: Object.fromEntries(toSet), deleted: toDelete }) + '\n');
  } else {
    await writeOut(entity.type === 'brokers' && entity.name === '' ? 'Completed updating default config for brokers in the cluster.\n' : `Completed updating config for ${entityLabel(entity)}.\n`);
  }
}
