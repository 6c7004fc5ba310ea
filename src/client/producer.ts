/**
 * A producer in the shape of Kafka's: records are partitioned (partitioner.ts), collected into
 * one open batch per partition until batch.size bytes or linger.ms, built into v2 record batches
 * (protocol/records/build-batch.ts, compressed when asked), and sent to each partition's leader
 * in Produce requests holding at most one batch per partition. Up to the connection's in-flight
 * limit of requests run at once per broker.
 *
 * Retriable failures (NOT_LEADER_OR_FOLLOWER, LEADER_NOT_AVAILABLE, timeouts, disconnects...)
 * refresh metadata and send the batch again after a backoff, until `retries` or
 * delivery.timeout.ms runs out. There is no idempotence: as in Kafka without it, a retry may
 * duplicate or reorder records when several requests are in flight.
 */
import { ErrorCode, errorInfo } from '../protocol/error-codes.js';
import { ApiKey } from '../protocol/generated/api-messages.js';
import type { ProduceRequest, ProduceResponse } from '../protocol/generated/api/00-produce.js';
import { CompressionType } from '../protocol/records/batch-header.js';
import { buildRecordBatch, buildRecordBatchSync, type RecordInput } from '../protocol/records/build-batch.js';
import type { RecordHeader } from '../protocol/records/record.js';
import { ClientError, isRetriable, KafkaError, kafkaError } from './errors.js';
import type { KafkaClient, TopicMetadata } from './kafka-client.js';
import { DefaultPartitioner } from './partitioner.js';
import { backoffMs } from './retry.js';

export interface ProducerRecord {
  topic: string;
  /** Explicit partition; otherwise the partitioner chooses. */
  partition?: number;
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: readonly { key: string; value: Buffer | string | null }[];
  /** CreateTime in ms (default: now). */
  timestamp?: number | bigint;
}

export interface RecordMetadata {
  topic: string;
  partition: number;
  /** -1 with acks=0. */
  offset: bigint;
  /** The record's CreateTime, or the broker's LogAppendTime when the topic uses it. */
  timestamp: bigint;
}

export type SendCallback = (err: Error | null, metadata?: RecordMetadata) => void;

export interface ProducerOptions {
  /** 0, 1 or -1 (all); default -1, Kafka's default since 3.0. */
  acks?: number;
  compression?: CompressionType;
  /** Passed to gzip. */
  compressionLevel?: number;
  /** linger.ms (default 5, Kafka 4's default). */
  lingerMs?: number;
  /** batch.size (default 16384). */
  batchSize?: number;
  /** max.request.size (default 1048576). */
  maxRequestSize?: number;
  /** Broker-side timeout of a Produce request (request.timeout.ms, default 30000). */
  requestTimeoutMs?: number;
  /** delivery.timeout.ms (default 120000). */
  deliveryTimeoutMs?: number;
  /** Retries of a batch (default: unbounded within deliveryTimeoutMs). */
  retries?: number;
  retryBackoffMs?: number;
  retryBackoffMaxMs?: number;
  /** Produce requests in flight per broker (max.in.flight.requests.per.connection, default 5). */
  maxInFlight?: number;
  /** Ask the broker to create missing topics (it does when auto.create.topics.enable); default true. */
  allowAutoTopicCreation?: boolean;
  partitioner?: DefaultPartitioner;
}

interface PendingRecord {
  input: RecordInput;
  size: number;
  callback: SendCallback;
}

interface Batch {
  topic: string;
  partition: number;
  records: PendingRecord[];
  bytes: number;
  createdMs: number;
  attempts: number;
  retryAtMs: number;
}

interface PartitionQueue {
  topic: string;
  partition: number;
  batches: Batch[];
}

const BATCH_OVERHEAD = 61;
const NO_HEADERS: RecordHeader[] = [];

function toBuffer(v: Buffer | string | null | undefined): Buffer | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
}

/** An upper bound of a record's size inside a batch (Java's DefaultRecord.sizeInUpperBound). */
function recordSizeUpperBound(key: Buffer | null, value: Buffer | null, headers: readonly RecordHeader[]): number {
  let size = 21 + (key?.length ?? 0) + (value?.length ?? 0) + 5;
  for (const h of headers) size += 10 + Buffer.byteLength(h.key) + (h.value?.length ?? 0);
  return size;
}

export class Producer {
  private readonly acks: number;
  private readonly compression: CompressionType;
  private readonly compressionLevel: number | undefined;
  private readonly lingerMs: number;
  private readonly batchSize: number;
  private readonly maxRequestSize: number;
  private readonly requestTimeoutMs: number;
  private readonly deliveryTimeoutMs: number;
  private readonly retries: number;
  private readonly retryBackoffMs: number;
  private readonly retryBackoffMaxMs: number;
  private readonly maxInFlight: number;
  private readonly allowAutoTopicCreation: boolean;
  private readonly partitioner: DefaultPartitioner;

  /** Open and retried batches per partition, by topic then partition. */
  private readonly queues = new Map<string, Map<number, PartitionQueue>>();
  /** Records of topics whose metadata is being fetched, in send order. */
  private readonly waiting = new Map<string, { record: ProducerRecord; callback: SendCallback }[]>();
  private readonly inFlightByNode = new Map<number, number>();
  private outstanding = 0;
  private flushWaiters: (() => void)[] = [];
  private flushing = 0;
  private drainTimer: NodeJS.Timeout | null = null;
  private drainAt = Infinity;
  private drainImmediate: NodeJS.Immediate | null = null;
  private closed = false;

  constructor(private readonly client: KafkaClient, options: ProducerOptions = {}) {
    this.acks = options.acks ?? -1;
    if (![0, 1, -1].includes(this.acks)) throw new ClientError(`invalid acks ${this.acks}: expected 0, 1 or -1 (all)`);
    this.compression = options.compression ?? CompressionType.None;
    this.compressionLevel = options.compressionLevel;
    this.lingerMs = options.lingerMs ?? 5;
    this.batchSize = Math.max(1, options.batchSize ?? 16_384);
    this.maxRequestSize = options.maxRequestSize ?? 1_048_576;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.deliveryTimeoutMs = options.deliveryTimeoutMs ?? 120_000;
    this.retries = options.retries ?? Number.MAX_SAFE_INTEGER;
    this.retryBackoffMs = options.retryBackoffMs ?? 100;
    this.retryBackoffMaxMs = options.retryBackoffMaxMs ?? 1000;
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 5);
    this.allowAutoTopicCreation = options.allowAutoTopicCreation ?? true;
    this.partitioner = options.partitioner ?? new DefaultPartitioner(this.batchSize);
  }

  /** Records accepted and not yet acknowledged or failed. */
  get pending(): number {
    return this.outstanding;
  }

  /** Sends a record; resolves when the broker acknowledged it (per acks). */
  send(record: ProducerRecord): Promise<RecordMetadata> {
    return new Promise((resolve, reject) => this.produce(record, (err, md) => (err ? reject(err) : resolve(md!))));
  }

  /** Sends a record and calls back once when it is acknowledged or failed (no promise per record). */
  produce(record: ProducerRecord, callback: SendCallback): void {
    if (this.closed) {
      callback(new ClientError('the producer is closed'));
      return;
    }
    this.outstanding++;
    const done: SendCallback = (err, md) => {
      this.outstanding--;
      try {
        callback(err, md);
      } finally {
        if (this.outstanding === 0) for (const w of this.flushWaiters.splice(0)) w();
      }
    };
    const waiting = this.waiting.get(record.topic);
    if (waiting) {
      waiting.push({ record, callback: done });
      return;
    }
    const cached = this.client.cluster.topics.get(record.topic);
    if (cached && cached.errorCode === ErrorCode.NONE && cached.partitions.length > 0) {
      this.enqueue(record, cached, done);
      return;
    }
    this.waiting.set(record.topic, [{ record, callback: done }]);
    this.loadTopic(record.topic);
  }

  /** Sends everything collected so far and resolves when every record sent before is acknowledged or failed. */
  async flush(): Promise<void> {
    if (this.outstanding === 0) return;
    this.flushing++;
    try {
      const done = new Promise<void>((resolve) => this.flushWaiters.push(resolve));
      this.scheduleDrain(0);
      await done;
    } finally {
      this.flushing--;
    }
  }

  /** Flushes, then refuses further records. The KafkaClient stays open (its owner closes it). */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    if (this.drainTimer) clearTimeout(this.drainTimer);
    if (this.drainImmediate) clearImmediate(this.drainImmediate);
  }

  private loadTopic(topic: string): void {
    this.client.topicMetadata(topic, { allowAutoTopicCreation: this.allowAutoTopicCreation, maxAgeMs: 0 }).then(
      (md) => {
        const list = this.waiting.get(topic) ?? [];
        this.waiting.delete(topic);
        for (const w of list) this.enqueue(w.record, md, w.callback);
      },
      (err: unknown) => {
        const list = this.waiting.get(topic) ?? [];
        this.waiting.delete(topic);
        const error = err instanceof KafkaError && err.code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION ? kafkaError(err.code, `Topic ${topic} not present in metadata.`) : (err as Error);
        for (const w of list) w.callback(error);
      },
    );
  }

  private enqueue(record: ProducerRecord, md: TopicMetadata, callback: SendCallback): void {
    const key = toBuffer(record.key);
    const value = toBuffer(record.value);
    const headers: RecordHeader[] = record.headers && record.headers.length > 0 ? record.headers.map((h) => ({ key: h.key, value: toBuffer(h.value) })) : NO_HEADERS;
    const size = recordSizeUpperBound(key, value, headers);
    if (size + BATCH_OVERHEAD > this.maxRequestSize) {
      callback(
        kafkaError(ErrorCode.MESSAGE_TOO_LARGE, `The message is ${size} bytes when serialized which is larger than ${this.maxRequestSize}, which is the value of the max.request.size configuration.`),
      );
      return;
    }
    const numPartitions = md.partitions.length;
    let partition: number;
    if (record.partition !== undefined) {
      partition = record.partition;
      if (!Number.isInteger(partition) || partition < 0 || partition >= numPartitions) {
        callback(new ClientError(`Invalid partition given with record: ${partition} is not in the range [0...${numPartitions}).`));
        return;
      }
    } else {
      const available = md.partitions.filter((p) => p.leader >= 0).map((p) => p.partition);
      partition = this.partitioner.partition(record.topic, key, numPartitions, available, size);
    }
    const timestamp = record.timestamp === undefined ? BigInt(Date.now()) : BigInt(record.timestamp);
    const pending: PendingRecord = { input: { key, value, headers, timestamp }, size, callback };

    const q = this.queueOf(record.topic, partition);
    let batch = q.batches[q.batches.length - 1];
    if (!batch || batch.attempts > 0 || (batch.records.length > 0 && batch.bytes + size > this.batchSize)) {
      batch = { topic: record.topic, partition, records: [], bytes: BATCH_OVERHEAD, createdMs: Date.now(), attempts: 0, retryAtMs: 0 };
      q.batches.push(batch);
    }
    batch.records.push(pending);
    batch.bytes += size;
    if (batch.bytes >= this.batchSize || q.batches.length > 1 || this.flushing > 0) this.scheduleDrain(0);
    else this.scheduleDrain(this.lingerMs);
  }

  private queueOf(topic: string, partition: number): PartitionQueue {
    let byPartition = this.queues.get(topic);
    if (!byPartition) this.queues.set(topic, (byPartition = new Map()));
    let q = byPartition.get(partition);
    if (!q) byPartition.set(partition, (q = { topic, partition, batches: [] }));
    return q;
  }

  private allQueues(): PartitionQueue[] {
    const out: PartitionQueue[] = [];
    for (const byPartition of this.queues.values()) for (const q of byPartition.values()) out.push(q);
    return out;
  }

  private scheduleDrain(delayMs: number): void {
    if (this.closed) return;
    if (delayMs <= 0) {
      if (!this.drainImmediate) {
        this.drainImmediate = setImmediate(() => {
          this.drainImmediate = null;
          this.drain();
        });
      }
      return;
    }
    const at = Date.now() + delayMs;
    if (this.drainTimer && at >= this.drainAt) return;
    if (this.drainTimer) clearTimeout(this.drainTimer);
    this.drainAt = at;
    this.drainTimer = setTimeout(() => {
      this.drainTimer = null;
      this.drainAt = Infinity;
      this.drain();
    }, delayMs);
  }

  /** Sends ready batches to their leaders, within each broker's in-flight limit. */
  private drain(): void {
    const now = Date.now();
    const byNode = new Map<number, Batch[]>();
    let nextWakeMs = Infinity;
    const needMetadata = new Set<string>();
    for (const q of this.allQueues()) {
      this.expire(q, now);
      if (q.batches.length === 0) {
        this.queues.get(q.topic)!.delete(q.partition);
        continue;
      }
      const batch = q.batches[0]!;
      const full = q.batches.length > 1 || batch.bytes >= this.batchSize;
      const readyAt = full || this.flushing > 0 || batch.attempts > 0 ? batch.retryAtMs : batch.createdMs + this.lingerMs;
      if (readyAt > now) {
        nextWakeMs = Math.min(nextWakeMs, readyAt);
        continue;
      }
      const leader = this.client.cluster.topics.get(q.topic)?.partitions.find((p) => p.partition === q.partition)?.leader ?? -1;
      if (leader < 0) {
        needMetadata.add(q.topic);
        nextWakeMs = Math.min(nextWakeMs, now + this.retryBackoffMs);
        continue;
      }
      let list = byNode.get(leader);
      if (!list) byNode.set(leader, (list = []));
      list.push(batch);
    }
    for (const topic of needMetadata) this.refresh(topic);
    let sent = false;
    for (const [node, batches] of byNode) {
      let i = 0;
      while (i < batches.length && (this.inFlightByNode.get(node) ?? 0) < this.maxInFlight) {
        const request: Batch[] = [];
        let bytes = 0;
        while (i < batches.length && (request.length === 0 || bytes + batches[i]!.bytes <= this.maxRequestSize)) {
          bytes += batches[i]!.bytes;
          request.push(batches[i++]!);
        }
        for (const b of request) this.dequeue(b);
        this.sendRequest(node, request);
        sent = true;
      }
    }
    // A partition may have more batches ready behind the one just sent: look again while requests
    // are going out (a pass that sends nothing stops; requestDone() starts the next one).
    if (sent) this.scheduleDrain(0);
    else if (nextWakeMs !== Infinity) this.scheduleDrain(Math.max(1, nextWakeMs - now));
  }

  private dequeue(b: Batch): void {
    const q = this.queues.get(b.topic)?.get(b.partition);
    if (q && q.batches[0] === b) q.batches.shift();
  }

  private expire(q: PartitionQueue, now: number): void {
    while (q.batches.length > 0 && now - q.batches[0]!.createdMs >= this.deliveryTimeoutMs) {
      const b = q.batches.shift()!;
      this.fail(b, kafkaError(ErrorCode.REQUEST_TIMED_OUT, `Expiring ${b.records.length} record(s) for ${b.topic}-${b.partition}: ${now - b.createdMs} ms has passed since batch creation`));
    }
  }

  private refresh(topic: string): void {
    this.client.invalidateMetadata([topic]);
    this.client.refreshMetadata([topic], { allowAutoTopicCreation: this.allowAutoTopicCreation }).then(
      () => this.scheduleDrain(0),
      () => this.scheduleDrain(this.retryBackoffMs),
    );
  }

  private async buildBatch(b: Batch): Promise<Buffer> {
    const options = { records: b.records.map((r) => r.input), compression: this.compression, compressionLevel: this.compressionLevel };
    return this.compression === CompressionType.None ? buildRecordBatchSync(options) : buildRecordBatch(options);
  }

  private sendRequest(node: number, batches: Batch[]): void {
    this.inFlightByNode.set(node, (this.inFlightByNode.get(node) ?? 0) + 1);
    for (const b of batches) b.attempts++;
    const run = async (): Promise<ProduceResponse | undefined> => {
      const built = await Promise.all(batches.map((b) => this.buildBatch(b)));
      const req: ProduceRequest = { transactionalId: null, acks: this.acks, timeoutMs: this.requestTimeoutMs, topicData: [] };
      for (let i = 0; i < batches.length; i++) {
        const b = batches[i]!;
        let t = req.topicData.find((x) => x.name === b.topic);
        if (!t) req.topicData.push((t = { name: b.topic, partitionData: [] }));
        t.partitionData.push({ index: b.partition, records: built[i]! });
      }
      const conn = await this.client.connection(node);
      return conn.request<ProduceResponse | undefined>(ApiKey.Produce, req, {
        expectResponse: this.acks !== 0,
        timeoutMs: this.requestTimeoutMs + 5_000,
      });
    };
    run().then(
      (res) => {
        this.requestDone(node);
        if (res === undefined) {
          for (const b of batches) this.complete(b, -1n, -1n);
          return;
        }
        for (const b of batches) {
          const pr = res.responses.find((t) => t.name === b.topic)?.partitionResponses.find((p) => p.index === b.partition);
          if (!pr) this.retryOrFail(b, new ClientError(`Produce response has no answer for ${b.topic}-${b.partition}`));
          else if (pr.errorCode === ErrorCode.NONE) this.complete(b, pr.baseOffset, pr.logAppendTimeMs);
          else this.retryOrFail(b, kafkaError(pr.errorCode, pr.errorMessage ?? pr.recordErrors[0]?.batchIndexErrorMessage, `${b.topic}-${b.partition}`));
        }
      },
      (err: unknown) => {
        this.requestDone(node);
        for (const b of batches) this.retryOrFail(b, err as Error);
      },
    );
  }

  private requestDone(node: number): void {
    this.inFlightByNode.set(node, (this.inFlightByNode.get(node) ?? 1) - 1);
    this.scheduleDrain(0);
  }

  private complete(b: Batch, baseOffset: bigint, logAppendTime: bigint): void {
    for (let i = 0; i < b.records.length; i++) {
      const r = b.records[i]!;
      r.callback(null, {
        topic: b.topic,
        partition: b.partition,
        offset: baseOffset < 0n ? -1n : baseOffset + BigInt(i),
        timestamp: logAppendTime >= 0n ? logAppendTime : r.input.timestamp!,
      });
    }
  }

  private fail(b: Batch, err: Error): void {
    for (const r of b.records) r.callback(err);
  }

  private retryOrFail(b: Batch, err: Error): void {
    const now = Date.now();
    if (!isRetriable(err) || b.attempts > this.retries || now - b.createdMs >= this.deliveryTimeoutMs || this.closed) {
      this.fail(b, err);
      return;
    }
    if (err instanceof KafkaError && errorInfo(err.code).retriable) this.client.invalidateMetadata([b.topic]);
    const code = err instanceof KafkaError ? err.code : -2;
    if (code === ErrorCode.NOT_LEADER_OR_FOLLOWER || code === ErrorCode.LEADER_NOT_AVAILABLE || code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION || !(err instanceof KafkaError)) {
      this.refresh(b.topic);
    }
    b.retryAtMs = now + backoffMs(b.attempts - 1, { retryBackoffMs: this.retryBackoffMs, retryBackoffMaxMs: this.retryBackoffMaxMs });
    this.queueOf(b.topic, b.partition).batches.unshift(b);
    this.scheduleDrain(b.retryAtMs - now);
  }
}
