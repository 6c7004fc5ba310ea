/**
 * A deliberately thin Kafka wire client for the load generators: pre-encoded requests (a list of
 * chunks; only the first, small chunk is copied per send to patch the correlation id), responses
 * matched in order (Kafka answers a connection's requests in order), callbacks instead of promises.
 * Requests are encoded once with Gregor's generated codecs (src/protocol), so the per-request
 * client cost is a 12-to-100-byte copy and a socket write.
 */
import { connect, type Socket } from 'node:net';
import { writeRequestHeader } from '../../src/protocol/frame.js';
import { API_MESSAGES, ApiKey } from '../../src/protocol/generated/api-messages.js';
import { Writer } from '../../src/protocol/primitives/writer.js';
import { defaultFetchRequest, defaultFetchRequestFetchPartition, defaultFetchRequestFetchTopic, type FetchRequest } from '../../src/protocol/generated/api/01-fetch.js';
import { defaultProduceRequest, defaultProduceRequestPartitionProduceData, defaultProduceRequestTopicProduceData, type ProduceRequest } from '../../src/protocol/generated/api/00-produce.js';

export type ResponseCallback = (frame: Buffer, sentAtMs: number) => void;

interface Pending {
  correlationId: number;
  sentAtMs: number;
  cb: ResponseCallback;
}

/** A request frame as chunks; chunk 0 starts with size(4) apiKey(2) apiVersion(2) correlationId(4). */
export type RequestChunks = Buffer[];

/** Encodes a request (size prefix, header, body) as chunks, large Buffers referenced, not copied. */
export function encodeRequestChunks(apiKey: number, apiVersion: number, body: unknown, clientId = 'gregor-bench'): RequestChunks {
  const api = API_MESSAGES[apiKey];
  if (!api) throw new Error(`unknown api key ${apiKey}`);
  const w = new Writer();
  w.writeInt32(0);
  writeRequestHeader(w, { requestApiKey: apiKey, requestApiVersion: apiVersion, correlationId: 0, clientId });
  api.encodeRequest(w, apiVersion, body);
  w.patchInt32(0, w.length - 4);
  return w.toChunks();
}

export class WireConnection {
  private readonly pending: Pending[] = [];
  private head = 0;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private need = -1;
  private nextCorrelationId = 1;
  closed = false;
  onError: (err: Error) => void = () => {};

  private constructor(readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (c: Buffer) => this.onData(c));
    socket.on('error', (e) => this.onError(e));
    socket.on('close', () => {
      this.closed = true;
      if (this.inFlight > 0) this.onError(new Error(`connection closed with ${this.inFlight} requests in flight`));
    });
  }

  static open(host: string, port: number, timeoutMs = 10_000): Promise<WireConnection> {
    return new Promise((resolve, reject) => {
      const s = connect({ host, port });
      const t = setTimeout(() => {
        s.destroy();
        reject(new Error(`connect ${host}:${port} timed out`));
      }, timeoutMs);
      s.once('connect', () => {
        clearTimeout(t);
        s.removeAllListeners('error');
        resolve(new WireConnection(s));
      });
      s.once('error', (e) => {
        clearTimeout(t);
        reject(e);
      });
    });
  }

  get inFlight(): number {
    return this.pending.length - this.head;
  }

  /** Sends a request made of chunks; cb gets the response frame (without size prefix). */
  send(req: RequestChunks, cb: ResponseCallback): void {
    const correlationId = this.nextCorrelationId++ & 0x7fffffff;
    const first = Buffer.from(req[0]!); // small: header (+ the first fields of the body)
    first.writeInt32BE(correlationId, 8);
    const s = this.socket;
    const sentAtMs = performance.now();
    this.pending.push({ correlationId, sentAtMs, cb });
    if (req.length === 1) {
      s.write(first);
      return;
    }
    s.cork();
    s.write(first);
    for (let i = 1; i < req.length; i++) s.write(req[i]!);
    s.uncork();
  }

  /** Sends and waits for the response. */
  request(req: RequestChunks, timeoutMs = 10_000): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('request timed out')), timeoutMs);
      this.send(req, (frame) => {
        clearTimeout(t);
        resolve(frame);
      });
    });
  }

  private onData(c: Buffer): void {
    this.chunks.push(c);
    this.buffered += c.length;
    for (;;) {
      if (this.need < 0) {
        if (this.buffered < 4) return;
        this.need = this.take(4).readInt32BE(0);
      }
      if (this.buffered < this.need) return;
      const frame = this.take(this.need);
      this.need = -1;
      this.deliver(frame);
    }
  }

  private take(n: number): Buffer {
    const first = this.chunks[0]!;
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      let copied = 0;
      while (copied < n) {
        const c = this.chunks[0]!;
        const len = Math.min(c.length, n - copied);
        c.copy(out, copied, 0, len);
        copied += len;
        if (len === c.length) this.chunks.shift();
        else this.chunks[0] = c.subarray(len);
      }
    }
    this.buffered -= n;
    return out;
  }

  private deliver(frame: Buffer): void {
    const p = this.pending[this.head++];
    if (this.head > 1024 && this.head * 2 > this.pending.length) {
      this.pending.splice(0, this.head);
      this.head = 0;
    }
    if (!p) {
      this.onError(new Error('response without a request'));
      return;
    }
    const corr = frame.readInt32BE(0);
    if (corr !== p.correlationId) {
      this.onError(new Error(`correlation id ${corr} != expected ${p.correlationId}`));
      return;
    }
    p.cb(frame, p.sentAtMs);
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }
}

// ---- request builders ---------------------------------------------------------------------------

export const PRODUCE_VERSION = 9; // flexible, what librdkafka 2.x sends
export const FETCH_VERSION = 12; // last version that names topics (13+ use topic ids)

export interface ProducePartition {
  index: number;
  records: Buffer;
}

export function produceRequest(topic: string, partitions: ProducePartition[], acks: number, timeoutMs = 30_000): RequestChunks {
  const body: ProduceRequest = { ...defaultProduceRequest(), transactionalId: null, acks, timeoutMs };
  body.topicData = [{ ...defaultProduceRequestTopicProduceData(), name: topic, partitionData: partitions.map((p) => ({ ...defaultProduceRequestPartitionProduceData(), index: p.index, records: p.records })) }];
  return encodeRequestChunks(ApiKey.Produce, PRODUCE_VERSION, body);
}

export interface FetchPartition {
  partition: number;
  fetchOffset: bigint;
  partitionMaxBytes: number;
}

export function fetchRequest(topic: string, partitions: FetchPartition[], opts: { maxWaitMs: number; minBytes: number; maxBytes: number }): RequestChunks {
  const body: FetchRequest = { ...defaultFetchRequest(), maxWaitMs: opts.maxWaitMs, minBytes: opts.minBytes, maxBytes: opts.maxBytes };
  body.topics = [
    {
      ...defaultFetchRequestFetchTopic(),
      topic,
      partitions: partitions.map((p) => ({ ...defaultFetchRequestFetchPartition(), partition: p.partition, fetchOffset: p.fetchOffset, partitionMaxBytes: p.partitionMaxBytes })),
    },
  ];
  return encodeRequestChunks(ApiKey.Fetch, FETCH_VERSION, body);
}

/** Walks the batches of a records blob: calls fn(baseOffset, lastOffset, recordsCount) per complete batch. */
export function forEachBatch(records: Buffer, fn: (baseOffset: bigint, lastOffset: bigint, count: number) => void): void {
  let pos = 0;
  while (pos + 61 <= records.length) {
    const len = records.readInt32BE(pos + 8);
    if (pos + 12 + len > records.length) break;
    const base = records.readBigInt64BE(pos);
    fn(base, base + BigInt(records.readInt32BE(pos + 23)), records.readInt32BE(pos + 57));
    pos += 12 + len;
  }
}
