/**
 * `gregor consume`: kafka-console-consumer. Reads a topic's partitions (or one, with
 * --partition/--offset) from the latest offset, or the earliest with --from-beginning, and prints
 * each record through the DefaultMessageFormatter properties (message-formatter.ts), or as JSON
 * lines with --json. Ends after --max-messages, after --timeout-ms without a record, or on
 * SIGINT/SIGTERM, printing "Processed a total of N messages" on stderr as Kafka does.
 *
 * Without --group the partitions are assigned directly (no consumer group, nothing committed).
 * With --group the command joins that consumer group (client/group-consumer.ts), starts where the
 * group committed (--from-beginning or latest where nothing is), and commits what it printed
 * every auto.commit.interval.ms and on exit.
 */
import type { Command } from 'commander';
import { Consumer, GroupConsumer, IsolationLevel, type ConsumerOptions, type ConsumerRecord, type KafkaClient, type StartOffset } from '../client/index.js';
import { ApiKey } from '../protocol/generated/api-messages.js';
import { action, clientProperties, collect, createClient, intOption, parseKeyValues, toJson, unknownTopicMessage, UsageError, withClient, writeOut } from './common.js';
import { formatRecord, formatterConfig, recordJson } from './message-formatter.js';

interface ConsumeOptions {
  bootstrapServer: string;
  topic: string;
  group?: string;
  fromBeginning?: boolean;
  partition?: number;
  offset?: string;
  maxMessages?: number;
  timeoutMs?: number;
  property: string[];
  consumerProperty: string[];
  consumerConfig?: string;
  isolationLevel: string;
  json?: boolean;
}

export function registerConsumeCommand(program: Command): void {
  program
    .command('consume')
    .description('print records of a topic (like kafka-console-consumer)')
    .requiredOption('--bootstrap-server <host:port>', 'broker(s) to connect to, comma-separated')
    .requiredOption('--topic <topic>', 'topic to consume')
    .option('--group <group>', 'consumer group id (needs the broker group APIs)')
    .option('--from-beginning', 'start at the earliest offset instead of the latest')
    .option('--partition <n>', 'consume only this partition', intOption('--partition', 0))
    .option('--offset <offset>', "with --partition: 'earliest', 'latest' or an offset (default latest)")
    .option('--max-messages <n>', 'exit after this many records', intOption('--max-messages', 1))
    .option('--timeout-ms <ms>', 'exit when no record arrived for this long', intOption('--timeout-ms', 0))
    .option('--property <key=value>', 'formatter property: print.key, print.value, print.timestamp, print.offset, print.partition, print.headers, key.separator, line.separator, headers.separator, headers.key.separator, null.literal (repeatable)', collect, [])
    .option('--consumer-property <key=value>', 'consumer config, e.g. fetch.max.wait.ms=100 (repeatable)', collect, [])
    .option('--consumer.config <file>', 'consumer properties file')
    .option('--isolation-level <level>', 'read_uncommitted or read_committed', 'read_uncommitted')
    .option('--json', 'print each record as a JSON line')
    .action(action((opts: ConsumeOptions & Record<string, unknown>) => consume({ ...opts, consumerConfig: opts['consumer.config'] as string | undefined })));
}

function startOffset(opts: ConsumeOptions): StartOffset {
  if (opts.group !== undefined && (opts.partition !== undefined || opts.offset !== undefined)) throw new UsageError('Options --group and --partition/--offset cannot be specified together.');
  if (opts.offset === undefined) return opts.fromBeginning ? 'earliest' : 'latest';
  if (opts.partition === undefined) throw new UsageError('The partition is required when offset is specified.');
  if (opts.fromBeginning) throw new UsageError("Options --from-beginning and --offset can't be used together.");
  const o = opts.offset.trim().toLowerCase();
  if (o === 'earliest' || o === 'latest') return o;
  if (!/^\d+$/.test(o)) throw new UsageError(`The provided offset value '${opts.offset}' is incorrect. Valid values are 'earliest', 'latest', or a non-negative long.`);
  return BigInt(o);
}

async function consume(opts: ConsumeOptions): Promise<void> {
  const formatter = formatterConfig(parseKeyValues(opts.property, '--property'));
  const props = clientProperties(opts.consumerConfig, opts.consumerProperty, '--consumer-property');
  const level = opts.isolationLevel.trim().toLowerCase();
  if (level !== 'read_committed' && level !== 'read_uncommitted') throw new UsageError(`Invalid --isolation-level '${opts.isolationLevel}': expected read_committed or read_uncommitted`);
  const start = startOffset(opts);
  const client = createClient(opts.bootstrapServer, props, 'console-consumer');
  let processed = 0;
  let timedOut = false;
  await withClient(client, async () => {
    if (opts.group !== undefined) await requireGroupApis(client);
    const partitions = await topicPartitions(client, opts.topic, opts.partition);
    const maxWaitFromProps = props.get('fetch.max.wait.ms');
    const consumerOptions: ConsumerOptions = {
      isolationLevel: level === 'read_committed' ? IsolationLevel.ReadCommitted : IsolationLevel.ReadUncommitted,
      autoOffsetReset: opts.fromBeginning ? 'earliest' : offsetReset(props.get('auto.offset.reset')),
      maxWaitMs: Math.min(Number(maxWaitFromProps ?? 500), opts.timeoutMs ?? Infinity),
      minBytes: Number(props.get('fetch.min.bytes') ?? 1),
      maxBytes: Number(props.get('fetch.max.bytes') ?? 52_428_800),
      partitionMaxBytes: Number(props.get('max.partition.fetch.bytes') ?? 1_048_576),
    };
    const source = opts.group !== undefined ? groupSource(client, opts.group, opts.topic, consumerOptions, props) : assignedSource(client, opts.topic, partitions, start, consumerOptions);
    let stopping = false;
    const stop = () => {
      stopping = true;
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      let lastRecordAt = Date.now();
      await source.start();
      while (!stopping) {
        const records = await source.poll(opts.maxMessages !== undefined ? opts.maxMessages - processed : Number.MAX_SAFE_INTEGER);
        if (records.length === 0) {
          if (opts.timeoutMs !== undefined && Date.now() - lastRecordAt >= opts.timeoutMs) {
            timedOut = true;
            break;
          }
          continue;
        }
        lastRecordAt = Date.now();
        const take = opts.maxMessages !== undefined ? records.slice(0, opts.maxMessages - processed) : records;
        let text = '';
        for (const r of take) text += opts.json ? toJson(recordJson(r)) + '\n' : formatRecord(formatter, r);
        processed += take.length;
        await writeOut(text);
        if (opts.maxMessages !== undefined && processed >= opts.maxMessages) break;
      }
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      await source.close();
    }
  });
  if (timedOut) process.stderr.write(`No record received for ${opts.timeoutMs} ms, exiting.\n`);
  process.stderr.write(`Processed a total of ${processed} messages\n`);
}

/** The partitions to read: all of the topic's, or the one asked for (checked). */
async function topicPartitions(client: KafkaClient, topic: string, partition: number | undefined): Promise<number[]> {
  const md = await client.topicMetadata(topic, { allowAutoTopicCreation: false }).catch((err: unknown) => {
    throw new UsageError(unknownTopicMessage(err, topic));
  });
  const all = md.partitions.map((p) => p.partition);
  if (partition === undefined) return all;
  if (!all.includes(partition)) throw new UsageError(`Partition ${partition} of topic '${topic}' does not exist (the topic has ${all.length} partitions).`);
  return [partition];
}

async function requireGroupApis(client: KafkaClient): Promise<void> {
  const needed = [ApiKey.FindCoordinator, ApiKey.JoinGroup, ApiKey.SyncGroup, ApiKey.Heartbeat, ApiKey.OffsetFetch, ApiKey.OffsetCommit];
  for (const k of needed) {
    if (!(await client.supports(k))) {
      throw new UsageError('--group needs the consumer group APIs (FindCoordinator, JoinGroup, SyncGroup, Heartbeat, OffsetFetch, OffsetCommit), which this broker does not offer');
    }
  }
}

function offsetReset(value: string | undefined): 'earliest' | 'latest' | 'none' {
  const v = (value ?? 'latest').trim().toLowerCase();
  if (v !== 'earliest' && v !== 'latest' && v !== 'none') throw new UsageError(`Invalid value ${value} for configuration auto.offset.reset: String must be one of: latest, earliest, none`);
  return v;
}

/** Where records come from: assigned partitions, or a consumer group. */
interface RecordSource {
  start(): Promise<void>;
  poll(maxRecords: number): Promise<ConsumerRecord[]>;
  close(): Promise<void>;
}

function assignedSource(client: KafkaClient, topic: string, partitions: number[], start: StartOffset, options: ConsumerOptions): RecordSource {
  const consumer = new Consumer(client, options);
  consumer.assign(partitions.map((partition) => ({ topic, partition, offset: start })));
  return {
    start: () => consumer.resolvePositions(),
    // Records beyond maxRecords are dropped: nothing is committed without a group.
    poll: async (maxRecords) => (await consumer.poll()).slice(0, maxRecords),
    close: async () => {},
  };
}

function groupSource(client: KafkaClient, groupId: string, topic: string, options: ConsumerOptions, props: ReadonlyMap<string, string>): RecordSource {
  const num = (name: string) => (props.has(name) ? Number(props.get(name)) : undefined);
  const consumer = new GroupConsumer(client, {
    ...options,
    groupId,
    topics: [topic],
    sessionTimeoutMs: num('session.timeout.ms'),
    heartbeatIntervalMs: num('heartbeat.interval.ms'),
    rebalanceTimeoutMs: num('max.poll.interval.ms'),
    autoCommit: props.has('enable.auto.commit') ? props.get('enable.auto.commit')!.trim().toLowerCase() === 'true' : true,
    autoCommitIntervalMs: num('auto.commit.interval.ms'),
    groupInstanceId: props.get('group.instance.id') ?? null,
  });
  return {
    start: async () => {},
    poll: (maxRecords) => consumer.poll(maxRecords),
    close: () => consumer.close(),
  };
}
