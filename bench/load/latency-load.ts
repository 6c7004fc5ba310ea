/**
 * Latency at a fixed rate: one connection produces batches of `b` records on a schedule (about
 * 1000 requests/s, b = rate / 1000, like a producer with linger.ms=1), a second connection
 * long-polls Fetch from the same partition. Produce-ack latency is ack time - send time of each
 * request; end-to-end latency is fetch-response time - send time of each batch (every record of a
 * batch shares it). The partition is fresh and only written here, so batch j has base offset j * b.
 * Latencies are measured from the actual send, not the intended one (timer lateness on this side,
 * up to ~1 ms, is not charged to the broker); `behindMs` reports how far the schedule slipped.
 *
 * argv[2]: JSON LatencyLoadArgs. Prints MARK start / MARK end, then RESULT {json}.
 */
import { decodeResponseFrame } from '../../src/protocol/frame.js';
import { ApiKey } from '../../src/protocol/generated/api-messages.js';
import type { FetchResponse } from '../../src/protocol/generated/api/01-fetch.js';
import type { ProduceResponse } from '../../src/protocol/generated/api/00-produce.js';
import { emitMark, emitResult, SelfCpu } from '../lib/proc.js';
import { makeBatch } from '../lib/records.js';
import { LatencyRecorder, round } from '../lib/stats.js';
import { FETCH_VERSION, fetchRequest, forEachBatch, PRODUCE_VERSION, produceRequest, WireConnection } from '../lib/wire.js';

export interface LatencyLoadArgs {
  host: string;
  port: number;
  topic: string;
  rate: number;
  recordBytes: number;
  acks: number;
  warmupMs: number;
  durationMs: number;
  maxInflight?: number;
  /** Produce only (against the ceiling server, whose fetch answers are canned). */
  noFetch?: boolean;
}

const a = JSON.parse(process.argv[2]!) as LatencyLoadArgs;
const b = Math.max(1, Math.round(a.rate / 1000));
const intervalMs = (1000 * b) / a.rate;
const batch = makeBatch(b, a.recordBytes);
const request = produceRequest(a.topic, [{ index: 0, records: batch }], a.acks);
const maxBatches = Math.ceil(((a.warmupMs + a.durationMs) / intervalMs) * 1.05) + 100;
const sendTimes = new Float64Array(maxBatches);
const maxInflight = a.maxInflight ?? 1000;

const ack = new LatencyRecorder();
const e2e = new LatencyRecorder();
let sent = 0;
let firstMeasured = -1;
let lastMeasured = -1;
let acked = 0;
let errors = 0;
let offsetMismatch = 0;
let skipped = 0;
let maxBehindMs = 0;
let fatal: string | null = null;
let phase: 'warmup' | 'measure' | 'stop' = 'warmup';

async function main(): Promise<void> {
  const producer = await WireConnection.open(a.host, a.port);
  const consumer = await WireConnection.open(a.host, a.port);
  for (const c of [producer, consumer]) {
    c.onError = (e) => {
      if (phase !== 'stop') fatal ??= e.message;
    };
  }

  // consumer: long-poll from offset 0
  let fetchOffset = 0n;
  const fetchNext = () => {
    if (phase === 'stop' || consumer.closed || a.noFetch) return;
    consumer.send(fetchRequest(a.topic, [{ partition: 0, fetchOffset, partitionMaxBytes: 8 * 1024 * 1024 }], { maxWaitMs: 500, minBytes: 1, maxBytes: 64 * 1024 * 1024 }), (frame) => {
      const now = performance.now();
      const res = decodeResponseFrame(ApiKey.Fetch, FETCH_VERSION, frame).body as FetchResponse;
      const p = res.responses[0]?.partitions[0];
      if (p && p.errorCode === 0 && p.records) {
        forEachBatch(p.records, (base, last) => {
          const j = Number(base) / b;
          if (Number.isInteger(j) && j < sent && firstMeasured >= 0 && j >= firstMeasured && (lastMeasured < 0 || j <= lastMeasured)) e2e.add(now - sendTimes[j]!);
          fetchOffset = last + 1n;
        });
      } else if (p && p.errorCode !== 0) {
        errors++;
      }
      fetchNext();
    });
  };
  fetchNext();

  // producer: on schedule
  let j = 0;
  const onAck = (frame: Buffer, sentAt: number) => {
    const now = performance.now();
    const res = decodeResponseFrame(ApiKey.Produce, PRODUCE_VERSION, frame).body as ProduceResponse;
    const p = res.responses[0]?.partitionResponses[0];
    const index = acked++;
    if (!p || p.errorCode !== 0) errors++;
    else if (p.baseOffset !== BigInt(index * b)) offsetMismatch++;
    if (firstMeasured >= 0 && index >= firstMeasured && (lastMeasured < 0 || index <= lastMeasured)) ack.add(now - sentAt);
  };
  const t0 = performance.now();
  const tick = () => {
    if (phase === 'stop') return;
    const now = performance.now();
    const due = Math.min(maxBatches, Math.floor((now - t0) / intervalMs) + 1);
    if (due > j) maxBehindMs = Math.max(maxBehindMs, now - (t0 + j * intervalMs));
    while (j < due) {
      if (producer.inFlight >= maxInflight) {
        skipped += due - j;
        j = due;
        break;
      }
      sendTimes[sent] = performance.now();
      producer.send(request, onAck);
      sent++;
      j++;
    }
    setTimeout(tick, 1);
  };
  tick();

  await new Promise((r) => setTimeout(r, a.warmupMs));
  if (skipped > 0) throw new Error(`the broker could not keep up with ${a.rate} records/s during warm-up`);
  firstMeasured = sent;
  emitMark('start');
  phase = 'measure';
  const cpu = new SelfCpu().start();
  const tm = performance.now();
  await new Promise((r) => setTimeout(r, a.durationMs));
  lastMeasured = sent - 1;
  const seconds = (performance.now() - tm) / 1000;
  const clientCpuPct = cpu.stop();
  emitMark('end');
  // let the last acks and fetches arrive (bounded)
  const until = performance.now() + 3000;
  while ((acked <= lastMeasured || (!a.noFetch && fetchOffset < BigInt((lastMeasured + 1) * b))) && performance.now() < until && !fatal) await new Promise((r) => setTimeout(r, 5));
  phase = 'stop';
  producer.close();
  consumer.close();
  const measuredBatches = lastMeasured - firstMeasured + 1;
  emitResult({
    rate: a.rate,
    achievedRecordsPerSec: Math.round((measuredBatches * b) / seconds),
    recordsPerRequest: b,
    requestBytes: request.reduce((n, c) => n + c.length, 0),
    produceAckMs: ack.percentiles(),
    endToEndMs: e2e.percentiles(),
    errors,
    offsetMismatch,
    skippedBatches: skipped,
    maxBehindMs: round(maxBehindMs, 2),
    clientCpuPct: round(clientCpuPct, 0),
    ...(fatal ? { fatal } : {}),
  });
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
