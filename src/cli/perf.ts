/**
 * `gregor perf produce` and `gregor perf consume`: kafka-producer-perf-test and
 * kafka-consumer-perf-test. Both print a progress line every --reporting-interval ms (5 s) and a
 * final summary with records/s, MB/s and latency (avg, max, percentiles): for produce the time
 * from send to acknowledgement of each record, for consume the round trip of each fetch. With
 * --json the final summary is one JSON object on stdout and progress lines go to stderr.
 */
import type { Command } from 'commander';
import { Consumer, Producer, type KafkaClient } from '../client/index.js';
import { action, clientProperties, collect, createClient, describeError, intOption, toJson, unknownTopicMessage, UsageError, withClient, writeOut } from './common.js';
import { PerfStats, roundSummary, type Summary } from './perf-stats.js';
import { producerOptions } from './producer-config.js';
import { readFileSync } from 'node:fs';

interface PerfProduceOptions {
  topic: string;
  numRecords: number;
  recordSize?: number;
  payloadFile?: string;
  payloadDelimiter: string;
  throughput: number;
  producerProps: string[];
  producerConfig?: string;
  bootstrapServer?: string;
  reportingInterval: number;
  json?: boolean;
}

interface PerfConsumeOptions {
  bootstrapServer: string;
  topic: string;
  messages: number;
  timeout: number;
  fetchSize: number;
  fromLatest?: boolean;
  reportingInterval: number;
  consumerProperty: string[];
  consumerConfig?: string;
  json?: boolean;
}

/** Bytes of records in flight before the perf producer waits (buffer.memory, 32 MiB). */
const BUFFER_MEMORY = 32 * 1024 * 1024;

export function registerPerfCommand(program: Command): void {
  const perf = program.command('perf').description('throughput and latency tests (like kafka-producer-perf-test and kafka-consumer-perf-test)');
  perf
    .command('produce')
    .description('send records as fast as allowed and report throughput and latency')
    .requiredOption('--topic <topic>', 'topic to produce to')
    .requiredOption('--num-records <n>', 'records to send', intOption('--num-records', 1))
    .option('--record-size <bytes>', 'size of each record (random A-Z payload)', intOption('--record-size', 0))
    .option('--payload-file <file>', 'send payloads read from this file, split by --payload-delimiter, picked at random')
    .option('--payload-delimiter <text>', 'payload separator in --payload-file', '\n')
    .option('--throughput <n>', 'records/s to aim at; -1 for no limit', intOption('--throughput', -1), -1)
    .option('--producer-props <key=value...>', 'producer configs, e.g. bootstrap.servers=localhost:9092 acks=1 linger.ms=5', collect, [])
    .option('--producer.config <file>', 'producer properties file')
    .option('--bootstrap-server <host:port>', 'broker(s) to connect to (or bootstrap.servers in --producer-props)')
    .option('--reporting-interval <ms>', 'progress line interval', intOption('--reporting-interval', 1), 5000)
    .option('--json', 'print the final summary as JSON')
    .action(action((opts: PerfProduceOptions & Record<string, unknown>) => perfProduce({ ...opts, producerConfig: opts['producer.config'] as string | undefined })));
  perf
    .command('consume')
    .description('read records as fast as possible and report throughput and fetch latency')
    .requiredOption('--bootstrap-server <host:port>', 'broker(s) to connect to, comma-separated')
    .requiredOption('--topic <topic>', 'topic to consume')
    .requiredOption('--messages <n>', 'records to read', intOption('--messages', 1))
    .option('--timeout <ms>', 'give up when no record arrived for this long', intOption('--timeout', 1), 10_000)
    .option('--fetch-size <bytes>', 'max.partition.fetch.bytes', intOption('--fetch-size', 1), 1_048_576)
    .option('--from-latest', 'start at the latest offset instead of the earliest')
    .option('--reporting-interval <ms>', 'progress line interval', intOption('--reporting-interval', 1), 5000)
    .option('--consumer-property <key=value>', 'consumer config (repeatable)', collect, [])
    .option('--consumer.config <file>', 'consumer properties file')
    .option('--json', 'print the final summary as JSON')
    .action(action((opts: PerfConsumeOptions & Record<string, unknown>) => perfConsume({ ...opts, consumerConfig: opts['consumer.config'] as string | undefined })));
}

const f1 = (x: number) => x.toFixed(1);
const f2 = (x: number) => x.toFixed(2);

function payloads(opts: PerfProduceOptions): Buffer[] {
  if (opts.recordSize !== undefined && opts.payloadFile !== undefined) throw new UsageError('Either --record-size or --payload-file must be specified, but not both.');
  if (opts.payloadFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(opts.payloadFile, 'utf8');
    } catch (err) {
      throw new UsageError(`Cannot read ${opts.payloadFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    const list = text.split(opts.payloadDelimiter).filter((s) => s !== '').map((s) => Buffer.from(s, 'utf8'));
    if (list.length === 0) throw new UsageError(`File ${opts.payloadFile} contains no payloads.`);
    return list;
  }
  if (opts.recordSize === undefined) throw new UsageError('Either --record-size or --payload-file must be specified, but not both.');
  const payload = Buffer.allocUnsafe(opts.recordSize);
  for (let i = 0; i < payload.length; i++) payload[i] = 65 + Math.floor(Math.random() * 26);
  return [payload];
}

function progress(verb: string, latencyKind: string, s: Summary): string {
  return `${s.records} records ${verb}, ${f1(s.recordsPerSec)} records/sec (${f2(s.mbPerSec)} MB/sec), ${f1(s.avgLatencyMs)} ms avg ${latencyKind}latency, ${f1(s.maxLatencyMs)} ms max ${latencyKind}latency.\n`;
}

function finalLine(verb: string, latencyKind: string, s: Summary): string {
  return (
    `${s.records} records ${verb}, ${f1(s.recordsPerSec)} records/sec (${f2(s.mbPerSec)} MB/sec), ${f2(s.avgLatencyMs)} ms avg ${latencyKind}latency, ` +
    `${f2(s.maxLatencyMs)} ms max ${latencyKind}latency, ${f2(s.p50LatencyMs)} ms 50th, ${f2(s.p95LatencyMs)} ms 95th, ${f2(s.p99LatencyMs)} ms 99th, ${f2(s.p999LatencyMs)} ms 99.9th.\n`
  );
}

/** Prints window stats every interval while `run` works; stderr in JSON mode. */
async function withProgress<T>(stats: PerfStats, intervalMs: number, json: boolean | undefined, line: (s: Summary) => string, run: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => {
    const text = line(stats.takeWindow());
    if (json) process.stderr.write(text);
    else process.stdout.write(text);
  }, intervalMs);
  try {
    return await run();
  } finally {
    clearInterval(timer);
  }
}

async function perfProduce(opts: PerfProduceOptions): Promise<void> {
  const props = clientProperties(opts.producerConfig, opts.producerProps, '--producer-props');
  const bootstrap = opts.bootstrapServer ?? props.get('bootstrap.servers');
  if (!bootstrap) throw new UsageError('Missing bootstrap servers: use --bootstrap-server or --producer-props bootstrap.servers=HOST:PORT');
  const bodies = payloads(opts);
  const options = producerOptions(props);
  const client = createClient(bootstrap, props, 'perf-producer-client');
  let errors = 0;
  let firstError: string | null = null;
  const summary = await withClient(client, async () => {
    await client.topicMetadata(opts.topic, { allowAutoTopicCreation: true }).catch((err: unknown) => {
      throw new UsageError(unknownTopicMessage(err, opts.topic));
    });
    const producer = new Producer(client, options);
    const stats = new PerfStats(opts.numRecords);
    let pendingBytes = 0;
    let wake: (() => void) | null = null;
    await withProgress(stats, opts.reportingInterval, opts.json, (s) => progress('sent', '', s), async () => {
      const start = performance.now();
      for (let i = 0; i < opts.numRecords; i++) {
        const value = bodies.length === 1 ? bodies[0]! : bodies[Math.floor(Math.random() * bodies.length)]!;
        const sentAt = performance.now();
        pendingBytes += value.length;
        producer.produce({ topic: opts.topic, value }, (err) => {
          pendingBytes -= value.length;
          if (err) {
            errors++;
            firstError ??= describeError(err);
          } else {
            stats.record(performance.now() - sentAt, value.length);
          }
          if (wake && pendingBytes < BUFFER_MEMORY / 2) {
            const w = wake;
            wake = null;
            w();
          }
        });
        if (pendingBytes >= BUFFER_MEMORY) await new Promise<void>((resolve) => (wake = resolve));
        if (opts.throughput > 0) {
          // ThroughputThrottler: stay at or below the target rate.
          const aheadMs = ((i + 1) * 1000) / opts.throughput - (performance.now() - start);
          if (aheadMs > 1) await new Promise((resolve) => setTimeout(resolve, aheadMs));
        } else if (i % 1000 === 999) {
          // Let responses and timers run between bursts.
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
      await producer.close();
    });
    return stats.total();
  });
  if (opts.json) await writeOut(toJson({ ...roundSummary(summary), errors }) + '\n');
  else await writeOut(finalLine('sent', '', summary));
  if (errors > 0) throw new UsageError(`${errors} of ${opts.numRecords} records could not be sent: ${firstError}`);
}

async function perfConsume(opts: PerfConsumeOptions): Promise<void> {
  const props = clientProperties(opts.consumerConfig, opts.consumerProperty, '--consumer-property');
  const client = createClient(opts.bootstrapServer, props, 'perf-consumer-client');
  let timedOut = false;
  const summary = await withClient(client, async (c: KafkaClient) => {
    const md = await c.topicMetadata(opts.topic, { allowAutoTopicCreation: false }).catch((err: unknown) => {
      throw new UsageError(unknownTopicMessage(err, opts.topic));
    });
    const consumer = new Consumer(c, { maxWaitMs: 500, partitionMaxBytes: opts.fetchSize, autoOffsetReset: opts.fromLatest ? 'latest' : 'earliest' });
    consumer.assign(md.partitions.map((p) => ({ topic: opts.topic, partition: p.partition, offset: opts.fromLatest ? 'latest' : 'earliest' })));
    await consumer.resolvePositions();
    const stats = new PerfStats(opts.messages);
    await withProgress(stats, opts.reportingInterval, opts.json, (s) => progress('received', 'fetch ', s), async () => {
      let lastRecordAt = performance.now();
      while (stats.records < opts.messages) {
        const t0 = performance.now();
        const records = await consumer.poll();
        const latency = performance.now() - t0;
        if (records.length === 0) {
          if (performance.now() - lastRecordAt >= opts.timeout) {
            timedOut = true;
            break;
          }
          continue;
        }
        lastRecordAt = performance.now();
        const take = Math.min(records.length, opts.messages - stats.records);
        let bytes = 0;
        for (let i = 0; i < take; i++) bytes += (records[i]!.key?.length ?? 0) + (records[i]!.value?.length ?? 0);
        stats.record(latency, bytes, take);
      }
    });
    return stats.total();
  });
  if (timedOut) {
    process.stderr.write(`WARNING: Exiting before consuming the expected number of messages: timeout (${opts.timeout} ms) exceeded. You can use the --timeout option to increase the timeout.\n`);
  }
  if (opts.json) await writeOut(toJson({ ...roundSummary(summary), timedOut }) + '\n');
  else await writeOut(finalLine('received', 'fetch ', summary));
}
