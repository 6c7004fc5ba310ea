/**
 * `gregor produce`: kafka-console-producer. Reads stdin line by line, one record per line (keys
 * and headers parsed per --property, see line-reader.ts), and sends them with Gregor's producer.
 * Defaults as kafka-console-producer's: acks=-1, linger 1000 ms (--timeout), batch.size 16384.
 * Send failures are reported on stderr as Kafka does ("Error when sending message to topic ...");
 * unlike Kafka, any failure ends the command with exit code 1.
 */
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { Producer, type ProducerRecord } from '../client/index.js';
import { action, clientProperties, collect, createClient, describeError, intOption, parseKeyValues, toJson, unknownTopicMessage, UsageError, withClient, writeOut } from './common.js';
import { LineParseError, lineReaderConfig, parseLine } from './line-reader.js';
import { compressionCodec, parseAcks, producerOptions } from './producer-config.js';

interface ProduceOptions {
  bootstrapServer: string;
  topic: string;
  property: string[];
  producerProperty: string[];
  producerConfig?: string;
  requestRequiredAcks?: string;
  compressionCodec?: string | true;
  sync?: boolean;
  batchSize?: number;
  timeout?: number;
  requestTimeoutMs?: number;
  messageSendMaxRetries?: number;
  retryBackoffMs?: number;
  json?: boolean;
}

/** Records waiting for acknowledgement before reading more input. */
const MAX_PENDING = 20_000;
/** Send errors printed before the rest are only counted. */
const MAX_ERRORS_PRINTED = 10;

export function registerProduceCommand(program: Command): void {
  program
    .command('produce')
    .description('send lines from stdin as records (like kafka-console-producer)')
    .requiredOption('--bootstrap-server <host:port>', 'broker(s) to connect to, comma-separated')
    .requiredOption('--topic <topic>', 'topic to produce to')
    .option('--property <key=value>', 'line reader property: parse.key, key.separator, parse.headers, headers.delimiter, headers.separator, headers.key.separator, null.marker, ignore.error (repeatable)', collect, [])
    .option('--producer-property <key=value>', 'producer config, e.g. acks=1, linger.ms=0 (repeatable)', collect, [])
    .option('--producer.config <file>', 'producer properties file')
    .option('--request-required-acks <acks>', 'acks: all, -1, 0 or 1 (default -1)')
    .option('--compression-codec [codec]', 'none, gzip (when no codec is named), snappy, lz4 or zstd')
    .option('--sync', 'send each record and wait for its acknowledgement before reading the next line')
    .option('--batch-size <bytes>', 'batch.size (default 16384)', intOption('--batch-size', 1))
    .option('--timeout <ms>', 'linger.ms: how long records wait for a fuller batch (default 1000)', intOption('--timeout', 0))
    .option('--request-timeout-ms <ms>', 'request.timeout.ms (default 30000)', intOption('--request-timeout-ms', 1))
    .option('--message-send-max-retries <n>', 'retries of a failed batch', intOption('--message-send-max-retries', 0))
    .option('--retry-backoff-ms <ms>', 'retry.backoff.ms (default 100)', intOption('--retry-backoff-ms', 0))
    .option('--json', 'print a JSON summary at the end')
    .action(action((opts: ProduceOptions & Record<string, unknown>) => produce({ ...opts, producerConfig: opts['producer.config'] as string | undefined })));
}

async function produce(opts: ProduceOptions): Promise<void> {
  const reader = lineReaderConfig(parseKeyValues(opts.property, '--property'));
  const props = clientProperties(opts.producerConfig, opts.producerProperty, '--producer-property');
  const options = { lingerMs: 1000, batchSize: 16_384, ...stripUndefined(producerOptions(props)) };
  if (opts.requestRequiredAcks !== undefined) options.acks = parseAcks(opts.requestRequiredAcks);
  if (opts.compressionCodec !== undefined) options.compression = compressionCodec(opts.compressionCodec === true ? 'gzip' : opts.compressionCodec);
  if (opts.batchSize !== undefined) options.batchSize = opts.batchSize;
  if (opts.timeout !== undefined) options.lingerMs = opts.timeout;
  if (opts.requestTimeoutMs !== undefined) options.requestTimeoutMs = opts.requestTimeoutMs;
  if (opts.messageSendMaxRetries !== undefined) options.retries = opts.messageSendMaxRetries;
  if (opts.retryBackoffMs !== undefined) options.retryBackoffMs = opts.retryBackoffMs;
  if (opts.sync) options.lingerMs = 0;

  const client = createClient(opts.bootstrapServer, props, 'console-producer');
  let sent = 0;
  let failed = 0;
  let firstError: string | null = null;
  let parseError: Error | null = null;
  await withClient(client, async () => {
    // Fail fast on a wrong bootstrap server or an unknown topic, before reading any input.
    await client.topicMetadata(opts.topic, { allowAutoTopicCreation: true }).catch((err: unknown) => {
      throw new UsageError(unknownTopicMessage(err, opts.topic));
    });
    const producer = new Producer(client, options);
    const onResult = (err: Error | null, record: ProducerRecord) => {
      if (!err) {
        sent++;
        return;
      }
      failed++;
      firstError ??= describeError(err);
      if (failed <= MAX_ERRORS_PRINTED) {
        const valueBytes = record.value === null ? -1 : Buffer.byteLength(record.value);
        process.stderr.write(`error: Error when sending message to topic ${opts.topic} with key: ${record.key === null || record.key === undefined ? 'null' : `${Buffer.byteLength(record.key)} bytes`}, value: ${valueBytes} bytes with error: ${describeError(err)}\n`);
      }
    };
    const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
    // Ctrl-C ends the input: what was read is still sent before exiting (Kafka's shutdown hook).
    const endInput = () => lines.close();
    process.once('SIGINT', endInput);
    process.once('SIGTERM', endInput);
    let lineNumber = 0;
    try {
      for await (const line of lines) {
        lineNumber++;
        let parsed;
        try {
          parsed = parseLine(reader, line, lineNumber);
        } catch (err) {
          if (err instanceof LineParseError) {
            parseError = err;
            break;
          }
          throw err;
        }
        const record: ProducerRecord = { topic: opts.topic, key: parsed.key, value: parsed.value, headers: parsed.headers };
        if (opts.sync) {
          await producer.send(record).then(
            () => onResult(null, record),
            (err: Error) => onResult(err, record),
          );
        } else {
          producer.produce(record, (err) => onResult(err, record));
          if (producer.pending >= MAX_PENDING) await producer.flush();
        }
      }
    } finally {
      process.off('SIGINT', endInput);
      process.off('SIGTERM', endInput);
      lines.close();
      await producer.close();
    }
  });
  if (opts.json) await writeOut(toJson({ topic: opts.topic, sent, failed }) + '\n');
  if (parseError) throw parseError;
  if (failed > 0) {
    if (failed > MAX_ERRORS_PRINTED) process.stderr.write(`error: ... ${failed - MAX_ERRORS_PRINTED} more send errors\n`);
    throw new UsageError(`${failed} of ${sent + failed} records could not be sent: ${firstError}`);
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
