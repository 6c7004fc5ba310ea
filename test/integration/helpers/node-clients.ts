/**
 * The npm clients in-process: node-rdkafka (librdkafka 2.12) and @platformatic/kafka from
 * test/clients/node_modules, kafkajs from the root node_modules.
 *
 * kafkajs and @platformatic/kafka consumers need a consumer group, so they are used here for
 * producing and admin only; the consumer-group work covers their consumers. node-rdkafka consumes
 * with assign() and no group.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { CompressionTypes, Kafka, logLevel, type Message as KafkajsMessage, type ProducerConfig } from 'kafkajs';
import type { ConsumeResult, DeliveryReport, InMessage, OutMessage } from './messages.js';
import { withTimeout } from './wait.js';

export const repoRoot = join(import.meta.dirname, '..', '..', '..');
const requireClient = createRequire(join(repoRoot, 'test', 'clients', 'package.json'));

/* eslint-disable @typescript-eslint/no-explicit-any -- third-party modules loaded without types */
export const RdKafka: any = requireClient('node-rdkafka');
export const Platformatic: any = requireClient('@platformatic/kafka');

// ---- node-rdkafka -----------------------------------------------------------------------------

export type RdConfig = Record<string, string | number | boolean>;

function rdHeaders(headers: [string, string][] | undefined): Record<string, string>[] | undefined {
  return headers && headers.length > 0 ? headers.map(([k, v]) => ({ [k]: v })) : undefined;
}

function connectClient(client: any, what: string): Promise<void> {
  return withTimeout(
    new Promise<void>((resolve, reject) => client.connect({ timeout: 10_000 }, (err: unknown) => (err ? reject(err) : resolve()))),
    15_000,
    `${what} connect`,
  );
}

function disconnectClient(client: any, what: string): Promise<void> {
  return withTimeout(new Promise<void>((resolve) => client.disconnect(() => resolve())), 15_000, `${what} disconnect`);
}

export interface RdProducer {
  produce(topic: string, messages: OutMessage[]): Promise<DeliveryReport[]>;
  close(): Promise<void>;
  raw: any;
}

/** A connected node-rdkafka Producer with delivery reports. */
export async function rdkafkaProducer(bootstrap: string, config: RdConfig = {}): Promise<RdProducer> {
  const producer = new RdKafka.Producer({ 'metadata.broker.list': bootstrap, dr_cb: true, 'linger.ms': 5, ...config }, {});
  let pending = new Map<number, (r: DeliveryReport) => void>();
  let nextId = 0;
  producer.on('delivery-report', (err: any, report: any) => {
    const done = pending.get(report.opaque as number);
    pending.delete(report.opaque as number);
    done?.(err ? { error: { code: err.code, message: err.message } } : { partition: report.partition, offset: report.offset, error: null });
  });
  await connectClient(producer, 'node-rdkafka producer');
  producer.setPollInterval(5);
  return {
    raw: producer,
    async produce(topic, messages) {
      const reports: Promise<DeliveryReport>[] = [];
      for (const m of messages) {
        const id = nextId++;
        reports.push(new Promise((resolve) => pending.set(id, resolve)));
        const value = m.value === null ? null : Buffer.from(m.value);
        for (;;) {
          try {
            producer.produce(topic, m.partition ?? null, value, m.key, m.timestamp ?? null, id, rdHeaders(m.headers));
            break;
          } catch (e: any) {
            if (e?.code !== RdKafka.CODES.ERRORS.ERR__QUEUE_FULL) throw e;
            await new Promise((r) => setTimeout(r, 5)); // local queue full: let librdkafka drain it
          }
        }
      }
      return withTimeout(Promise.all(reports), 25_000, 'node-rdkafka delivery reports');
    },
    async close() {
      pending = new Map();
      await disconnectClient(producer, 'node-rdkafka producer');
    },
  };
}

export async function rdkafkaProduce(bootstrap: string, topic: string, messages: OutMessage[], config: RdConfig = {}): Promise<DeliveryReport[]> {
  const p = await rdkafkaProducer(bootstrap, config);
  try {
    return await p.produce(topic, messages);
  } finally {
    await p.close();
  }
}

function headerPairs(headers: Record<string, Buffer>[] | undefined): [string, string][] {
  const out: [string, string][] = [];
  for (const h of headers ?? []) for (const [k, v] of Object.entries(h)) out.push([k, Buffer.from(v).toString('utf8')]);
  return out;
}

/** A group-less node-rdkafka consumer: assign() from the beginning, read up to each partition's high watermark. */
export async function rdkafkaConsume(bootstrap: string, topic: string, partitions: number[], config: RdConfig = {}): Promise<ConsumeResult> {
  const consumer = new RdKafka.KafkaConsumer(
    // A short long-poll (fetch.wait.max.ms) keeps reading to the end quick.
    { 'metadata.broker.list': bootstrap, 'group.id': 'gregor-it-unused', 'enable.auto.commit': false, 'enable.auto.offset.store': false, 'fetch.wait.max.ms': 50, ...config },
    { 'auto.offset.reset': 'earliest' },
  );
  await connectClient(consumer, 'node-rdkafka consumer');
  try {
    const high = new Map<number, number>();
    for (const p of partitions) {
      const w = await withTimeout(
        new Promise<{ highOffset: number }>((resolve, reject) =>
          consumer.queryWatermarkOffsets(topic, p, 10_000, (err: unknown, offsets: { highOffset: number }) => (err ? reject(err) : resolve(offsets))),
        ),
        15_000,
        'queryWatermarkOffsets',
      );
      high.set(p, w.highOffset);
    }
    consumer.assign(partitions.map((partition) => ({ topic, partition, offset: -2 /* RD_KAFKA_OFFSET_BEGINNING */ })));
    consumer.setDefaultConsumeTimeout(100);
    const next = new Map<number, number>(partitions.map((p) => [p, 0]));
    const messages: InMessage[] = [];
    const deadline = Date.now() + 20_000;
    const remaining = () => partitions.some((p) => next.get(p)! < high.get(p)!);
    while (remaining() && Date.now() < deadline) {
      const batch = await new Promise<any[]>((resolve, reject) => consumer.consume(500, (err: unknown, msgs: any[]) => (err ? reject(err) : resolve(msgs))));
      for (const m of batch) {
        messages.push({
          topic: m.topic,
          partition: m.partition,
          offset: m.offset,
          key: m.key === null || m.key === undefined ? null : Buffer.from(m.key).toString('utf8'),
          value: m.value === null || m.value === undefined ? null : Buffer.from(m.value).toString('utf8'),
          headers: headerPairs(m.headers),
          timestamp: m.timestamp,
        });
        next.set(m.partition, m.offset + 1);
      }
    }
    return { messages, complete: !remaining() };
  } finally {
    await disconnectClient(consumer, 'node-rdkafka consumer');
  }
}

/** node-rdkafka's AdminClient with promise wrappers. */
export function rdkafkaAdmin(bootstrap: string) {
  const admin = RdKafka.AdminClient.create({ 'metadata.broker.list': bootstrap });
  const call = (fn: (cb: (err: any) => void) => void) =>
    withTimeout(new Promise<{ code: number; message: string } | null>((resolve) => fn((err) => resolve(err ? { code: err.code, message: err.message } : null))), 15_000, 'node-rdkafka admin');
  return {
    createTopic: (topic: string, numPartitions: number, replicationFactor = 1, config: Record<string, string> = {}) =>
      call((cb) => admin.createTopic({ topic, num_partitions: numPartitions, replication_factor: replicationFactor, config }, 10_000, cb)),
    deleteTopic: (topic: string) => call((cb) => admin.deleteTopic(topic, 10_000, cb)),
    createPartitions: (topic: string, total: number) => call((cb) => admin.createPartitions(topic, total, 10_000, cb)),
    close: () => admin.disconnect(),
  };
}

export interface RdMetadata {
  orig_broker_id: number;
  brokers: { id: number; host: string; port: number }[];
  topics: { name: string; partitions: { id: number; leader: number; replicas: number[]; isrs: number[] }[] }[];
}

/** Metadata as node-rdkafka's getMetadata() sees it (through a producer handle). */
export async function rdkafkaMetadata(bootstrap: string, topic?: string): Promise<RdMetadata> {
  const producer = new RdKafka.Producer({ 'metadata.broker.list': bootstrap, 'allow.auto.create.topics': false }, {});
  await connectClient(producer, 'node-rdkafka metadata');
  try {
    return await withTimeout(
      new Promise<RdMetadata>((resolve, reject) =>
        producer.getMetadata({ topic, timeout: 10_000 }, (err: unknown, md: RdMetadata) => (err ? reject(err) : resolve(md))),
      ),
      15_000,
      'getMetadata',
    );
  } finally {
    await disconnectClient(producer, 'node-rdkafka metadata');
  }
}

/** node-rdkafka's offsetsForTimes (a consumer handle, no group joined): one call per round. */
export async function rdkafkaOffsetsForTimes(
  bootstrap: string,
  topic: string,
  rounds: { partition: number; timestamp: number }[][],
): Promise<{ partition: number; offset: number }[][]> {
  const consumer = new RdKafka.KafkaConsumer({ 'metadata.broker.list': bootstrap, 'group.id': 'gregor-it-unused', 'enable.auto.commit': false }, {});
  await connectClient(consumer, 'node-rdkafka consumer');
  try {
    const out: { partition: number; offset: number }[][] = [];
    for (const queries of rounds) {
      out.push(
        await withTimeout(
          new Promise<{ partition: number; offset: number }[]>((resolve, reject) =>
            consumer.offsetsForTimes(
              queries.map((q) => ({ topic, partition: q.partition, offset: q.timestamp })),
              10_000,
              (err: unknown, toppars: { partition: number; offset: number }[]) => (err ? reject(err) : resolve(toppars)),
            ),
          ),
          15_000,
          'offsetsForTimes',
        ),
      );
    }
    return out;
  } finally {
    await disconnectClient(consumer, 'node-rdkafka consumer');
  }
}

// ---- kafkajs ----------------------------------------------------------------------------------

export function kafkajs(bootstrap: string, clientId = 'gregor-it'): Kafka {
  return new Kafka({ brokers: [bootstrap], clientId, logLevel: logLevel.NOTHING, retry: { retries: 3, initialRetryTime: 50, maxRetryTime: 500 } });
}

/** Produces all records with one kafkajs send(). */
export async function kafkajsProduce(
  bootstrap: string,
  topic: string,
  messages: OutMessage[],
  options: { producer?: ProducerConfig; compression?: CompressionTypes; acks?: number } = {},
): Promise<DeliveryReport[]> {
  const producer = kafkajs(bootstrap).producer({ allowAutoTopicCreation: true, ...options.producer });
  await producer.connect();
  try {
    const kmsgs: KafkajsMessage[] = messages.map((m) => ({
      key: m.key,
      value: m.value,
      partition: m.partition,
      timestamp: m.timestamp === undefined ? undefined : String(m.timestamp),
      headers: m.headers ? Object.fromEntries(m.headers) : undefined,
    }));
    // send() rejects when any record fails; it reports only a base offset per partition, not
    // which partition each record went to, so the reports carry no offsets.
    await producer.send({ topic, messages: kmsgs, compression: options.compression, acks: options.acks });
    return messages.map(() => ({ error: null }));
  } finally {
    await producer.disconnect();
  }
}

// ---- @platformatic/kafka ----------------------------------------------------------------------

export function platformaticOptions(bootstrap: string): Record<string, unknown> {
  return { clientId: 'gregor-it', bootstrapBrokers: [bootstrap], retries: 2, retryDelay: 50, timeout: 10_000 };
}

export async function platformaticProduce(
  bootstrap: string,
  topic: string,
  messages: OutMessage[],
  options: { compression?: 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd'; idempotent?: boolean; autocreateTopics?: boolean; acks?: number } = {},
): Promise<{ offsets: { topic: string; partition: number; offset: bigint }[] }> {
  const producer = new Platformatic.Producer({
    ...platformaticOptions(bootstrap),
    serializers: Platformatic.stringSerializers,
    autocreateTopics: options.autocreateTopics ?? true,
    idempotent: options.idempotent,
    acks: options.acks,
  });
  try {
    const result = await producer.send({
      messages: messages.map((m) => ({
        topic,
        key: m.key ?? undefined,
        value: m.value ?? undefined,
        partition: m.partition,
        timestamp: m.timestamp === undefined ? undefined : BigInt(m.timestamp),
        headers: m.headers ? new Map(m.headers) : undefined,
      })),
      compression: options.compression,
    });
    return { offsets: result.offsets ?? [] };
  } finally {
    await producer.close();
  }
}
