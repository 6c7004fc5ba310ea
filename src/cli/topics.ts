/**
 * `gregor topics`: kafka-topics over the wire. One action per call: --create, --list, --describe,
 * --alter (more partitions, and topic configs) or --delete. Output follows kafka-topics
 * ("Created topic x.", the tab-separated describe lines); --json prints machine-readable results.
 * --topic is a name, or for --list/--describe/--alter/--delete a regular expression as in
 * kafka-topics when it contains characters a topic name cannot have.
 */
import type { Command } from 'commander';
import { Admin, AlterConfigOp, ConfigResourceType, type KafkaClient, type TopicMetadata } from '../client/index.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { ApiKey } from '../protocol/generated/api-messages.js';
import { action, collect, createClient, clientProperties, intOption, parseKeyValues, toJson, UsageError, withClient, writeOut } from './common.js';

interface TopicsOptions {
  bootstrapServer?: string;
  commandConfig?: string;
  create?: boolean;
  list?: boolean;
  describe?: boolean;
  alter?: boolean;
  delete?: boolean;
  topic?: string;
  partitions?: number;
  replicationFactor?: number;
  replicaAssignment?: string;
  config: string[];
  ifExists?: boolean;
  ifNotExists?: boolean;
  excludeInternal?: boolean;
  underReplicatedPartitions?: boolean;
  unavailablePartitions?: boolean;
  topicsWithOverrides?: boolean;
  json?: boolean;
}

const LEGAL_TOPIC = /^[a-zA-Z0-9._-]+$/;

export function registerTopicsCommand(program: Command): void {
  program
    .command('topics')
    .description('create, list, describe, alter and delete topics (like kafka-topics)')
    .requiredOption('--bootstrap-server <host:port>', 'broker(s) to connect to, comma-separated')
    .option('--command-config <file>', 'client properties file')
    .option('--create', 'create a topic')
    .option('--list', 'list topics')
    .option('--describe', 'describe topics')
    .option('--alter', 'add partitions to a topic or change its configs')
    .option('--delete', 'delete topics')
    .option('--topic <topic>', 'topic name (a regular expression with --list/--describe/--alter/--delete)')
    .option('--partitions <n>', 'number of partitions', intOption('--partitions', 1))
    .option('--replication-factor <n>', 'replication factor', intOption('--replication-factor', 1))
    .option('--replica-assignment <list>', 'replicas per partition: "b1:b2,b3:b4" (partition 0 on b1,b2; partition 1 on b3,b4)')
    .option('--config <key=value>', 'topic config override (repeatable)', collect, [])
    .option('--if-exists', 'with --alter/--delete/--describe: do nothing if the topic does not exist')
    .option('--if-not-exists', 'with --create: do nothing if the topic exists')
    .option('--exclude-internal', 'leave internal topics out of --list/--describe')
    .option('--under-replicated-partitions', 'with --describe: only partitions whose ISR is smaller than the replicas')
    .option('--unavailable-partitions', 'with --describe: only partitions without a live leader')
    .option('--topics-with-overrides', 'with --describe: only topics that have config overrides')
    .option('--json', 'print JSON')
    .action(
      action(async (opts: TopicsOptions) => {
        const actions = (['create', 'list', 'describe', 'alter', 'delete'] as const).filter((a) => opts[a]);
        if (actions.length !== 1) throw new UsageError('Command must include exactly one action: --list, --describe, --create, --alter or --delete');
        checkArgs(opts, actions[0]);
        const client = createClient(opts.bootstrapServer!, clientProperties(opts.commandConfig, [], 'client property'), 'gregor-topics');
        await withClient(client, async () => {
          switch (actions[0]) {
            case 'create':
              return createTopic(client, opts);
            case 'list':
              return listTopics(client, opts);
            case 'describe':
              return describeTopics(client, opts);
            case 'alter':
              return alterTopic(client, opts);
            case 'delete':
              return deleteTopics(client, opts);
          }
        });
      }),
    );
}

function checkArgs(opts: TopicsOptions, act: string): void {
  const only = (flag: string, set: unknown, allowed: string[]) => {
    if (set !== undefined && set !== false && !(Array.isArray(set) && set.length === 0) && !allowed.includes(act)) {
      throw new UsageError(`Option "${flag}" can't be used with option "--${act}"`);
    }
  };
  if (['create', 'alter', 'delete'].includes(act) && !opts.topic) throw new UsageError(`Missing required argument "--topic" for --${act}`);
  only('--partitions', opts.partitions, ['create', 'alter']);
  only('--replication-factor', opts.replicationFactor, ['create']);
  only('--replica-assignment', opts.replicaAssignment, ['create']);
  only('--config', opts.config, ['create', 'alter']);
  only('--if-exists', opts.ifExists, ['alter', 'delete', 'describe']);
  only('--if-not-exists', opts.ifNotExists, ['create']);
  only('--under-replicated-partitions', opts.underReplicatedPartitions, ['describe']);
  only('--unavailable-partitions', opts.unavailablePartitions, ['describe']);
  only('--topics-with-overrides', opts.topicsWithOverrides, ['describe']);
  if (act === 'alter' && opts.partitions === undefined && opts.config.length === 0) throw new UsageError('--alter needs --partitions or --config');
  if (opts.replicaAssignment && (opts.partitions !== undefined || opts.replicationFactor !== undefined)) {
    throw new UsageError('Option "--replica-assignment" can\'t be used with "--partitions" or "--replication-factor"');
  }
}

function parseAssignment(text: string): number[][] {
  return text.split(',').map((part, i) => {
    const ids = part.split(':').map((s) => s.trim());
    if (ids.some((s) => !/^\d+$/.test(s))) throw new UsageError(`Invalid --replica-assignment for partition ${i}: '${part}'`);
    const nums = ids.map(Number);
    if (new Set(nums).size !== nums.length) throw new UsageError(`Partition replica lists may not contain duplicate entries: ${part}`);
    return nums;
  });
}

/** Topic names matching --topic: an exact name, or a full-match regular expression. */
async function matchingTopics(client: KafkaClient, opts: TopicsOptions): Promise<string[]> {
  const admin = new Admin(client);
  const all = await admin.listTopics({ includeInternal: !opts.excludeInternal });
  if (!opts.topic) return all;
  const pattern = opts.topic;
  if (LEGAL_TOPIC.test(pattern)) return all.filter((t) => t === pattern);
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${pattern.replace(/,/g, '|')})$`);
  } catch {
    throw new UsageError(`Invalid --topic '${pattern}': not a topic name nor a regular expression`);
  }
  return all.filter((t) => re.test(t));
}

function ensureFound(found: string[], opts: TopicsOptions): boolean {
  if (found.length > 0) return true;
  if (opts.ifExists) return false;
  throw new UsageError(`Topic '${opts.topic}' does not exist as expected`);
}

async function createTopic(client: KafkaClient, opts: TopicsOptions): Promise<void> {
  const name = opts.topic!;
  const configs = Object.fromEntries(parseKeyValues(opts.config, '--config'));
  const [result] = await new Admin(client).createTopics([
    {
      name,
      numPartitions: opts.partitions,
      replicationFactor: opts.replicationFactor,
      assignments: opts.replicaAssignment ? parseAssignment(opts.replicaAssignment) : undefined,
      configs,
    },
  ]);
  const r = result!;
  if (r.error) {
    if (r.error.code === ErrorCode.TOPIC_ALREADY_EXISTS && opts.ifNotExists) {
      if (opts.json) await writeOut(toJson({ topic: name, created: false, exists: true }) + '\n');
      return;
    }
    throw r.error;
  }
  if (opts.json) {
    await writeOut(toJson({ topic: name, created: true, topicId: r.topicId, partitions: r.numPartitions, replicationFactor: r.replicationFactor }) + '\n');
  } else {
    await writeOut(`Created topic ${name}.\n`);
  }
}

async function listTopics(client: KafkaClient, opts: TopicsOptions): Promise<void> {
  const topics = await matchingTopics(client, opts);
  await writeOut(opts.json ? toJson(topics) + '\n' : topics.map((t) => t + '\n').join(''));
}

interface DescribedTopic {
  topic: string;
  topicId: string;
  partitionCount: number;
  replicationFactor: number;
  isInternal: boolean;
  configs: Record<string, string | null>;
  partitions: { partition: number; leader: number | null; replicas: number[]; isr: number[]; offlineReplicas: number[] }[];
}

/** Non-default configs of topics (DescribeConfigs), or none when the broker does not offer it. */
async function topicOverrides(client: KafkaClient, names: string[]): Promise<Map<string, Record<string, string | null>>> {
  const out = new Map<string, Record<string, string | null>>();
  if (names.length === 0 || !(await client.supports(ApiKey.DescribeConfigs))) return out;
  const results = await new Admin(client).describeConfigs(names.map((name) => ({ type: ConfigResourceType.Topic, name })));
  for (const r of results) {
    if (r.error) continue;
    // kafka-topics shows every config whose source is not DEFAULT_CONFIG.
    out.set(r.name, Object.fromEntries(r.configs.filter((c) => !c.isDefault).map((c) => [c.name, c.isSensitive ? null : c.value])));
  }
  return out;
}

async function describeTopics(client: KafkaClient, opts: TopicsOptions): Promise<void> {
  const names = await matchingTopics(client, opts);
  if (!ensureFound(names, opts)) return;
  const metadata = await new Admin(client).describeTopics(names);
  const overrides = await topicOverrides(client, names);
  const described: DescribedTopic[] = [];
  for (const t of metadata) {
    if (t.errorCode !== ErrorCode.NONE) continue;
    const d = describeOne(t, overrides.get(t.name) ?? {});
    if (opts.topicsWithOverrides && Object.keys(d.configs).length === 0) continue;
    if (opts.underReplicatedPartitions) d.partitions = d.partitions.filter((p) => p.isr.length < p.replicas.length);
    if (opts.unavailablePartitions) d.partitions = d.partitions.filter((p) => p.leader === null);
    if ((opts.underReplicatedPartitions || opts.unavailablePartitions) && d.partitions.length === 0) continue;
    described.push(d);
  }
  if (opts.json) {
    await writeOut(toJson(described) + '\n');
    return;
  }
  const partitionFilter = opts.underReplicatedPartitions || opts.unavailablePartitions;
  let out = '';
  for (const d of described) {
    if (!partitionFilter) {
      const configs = Object.entries(d.configs).map(([k, v]) => `${k}=${v ?? ''}`).join(',');
      out += `Topic: ${d.topic}\tTopicId: ${d.topicId}\tPartitionCount: ${d.partitionCount}\tReplicationFactor: ${d.replicationFactor}\tConfigs: ${configs}\n`;
    }
    for (const p of d.partitions) {
      out += `\tTopic: ${d.topic}\tPartition: ${p.partition}\tLeader: ${p.leader ?? 'none'}\tReplicas: ${p.replicas.join(',')}\tIsr: ${p.isr.join(',')}`;
      if (p.offlineReplicas.length > 0) out += `\tOffline: ${p.offlineReplicas.join(',')}`;
      out += '\n';
    }
  }
  await writeOut(out);
}

function describeOne(t: TopicMetadata, configs: Record<string, string | null>): DescribedTopic {
  return {
    topic: t.name,
    topicId: t.topicId,
    partitionCount: t.partitions.length,
    replicationFactor: t.partitions[0]?.replicas.length ?? 0,
    isInternal: t.isInternal,
    configs,
    partitions: t.partitions.map((p) => ({ partition: p.partition, leader: p.leader >= 0 ? p.leader : null, replicas: p.replicas, isr: p.isr, offlineReplicas: p.offlineReplicas })),
  };
}

async function alterTopic(client: KafkaClient, opts: TopicsOptions): Promise<void> {
  const names = await matchingTopics(client, opts);
  if (!ensureFound(names, opts)) return;
  const admin = new Admin(client);
  const results: { topic: string; partitions?: number; configs?: Record<string, string> }[] = [];
  if (opts.partitions !== undefined) {
    const answers = await admin.createPartitions(names.map((name) => ({ name, count: opts.partitions! })));
    for (const r of answers) if (r.error) throw r.error;
    for (const n of names) results.push({ topic: n, partitions: opts.partitions });
  }
  if (opts.config.length > 0) {
    const configs = parseKeyValues(opts.config, '--config');
    const answers = await admin.incrementalAlterConfigs(
      names.map((name) => ({ type: ConfigResourceType.Topic, name, ops: [...configs].map(([k, value]) => ({ name: k, op: AlterConfigOp.Set, value })) })),
    );
    for (const r of answers) if (r.error) throw r.error;
    for (const n of names) results.push({ topic: n, configs: Object.fromEntries(configs) });
  }
  if (opts.json) await writeOut(toJson(results) + '\n');
}

async function deleteTopics(client: KafkaClient, opts: TopicsOptions): Promise<void> {
  const names = await matchingTopics(client, opts);
  if (!ensureFound(names, opts)) return;
  const results = await new Admin(client).deleteTopics(names);
  const failed = results.find((r) => r.error && !(opts.ifExists && r.error.code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
  if (failed) throw failed.error!;
  if (opts.json) await writeOut(toJson(results.map((r) => ({ topic: r.name, deleted: r.error === null }))) + '\n');
}
