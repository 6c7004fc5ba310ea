/**
 * Produce load generator: pre-encoded Produce v9 requests (record batches built once), several in
 * flight per connection, so the client costs almost nothing per request. Used against the ceiling
 * server and the broker alike.
 *
 * Shapes: partitionsPerRequest = 1: connection c writes one batch of ~requestBytes to partition
 * c % partitions; > 1: every request carries partitionsPerRequest batches of
 * requestBytes / partitionsPerRequest, rotating over all partitions (the partition scale points).
 *
 * argv[2]: JSON ProduceLoadArgs. Prints MARK start / MARK end around the measured window, then
 * RESULT {json}. Every loop is bounded by time; stragglers are abandoned after drainMs.
 */
import { ApiKey } from '../../src/protocol/generated/api-messages.js';
import type { ProduceResponse } from '../../src/protocol/generated/api/00-produce.js';
import { decodeResponseFrame } from '../../src/protocol/frame.js';
import { emitMark, emitResult, SelfCpu } from '../lib/proc.js';
import { fitBatch } from '../lib/records.js';
import { LatencyRecorder, round } from '../lib/stats.js';
import { PRODUCE_VERSION, produceRequest, WireConnection, type RequestChunks } from '../lib/wire.js';

export interface ProduceLoadArgs {
  host: string;
  port: number;
  topic: string;
  connections: number;
  inflight: number;
  warmupMs: number;
  durationMs: number;
  acks: number;
  recordBytes: number;
  requestBytes: number;
  partitions: number;
  partitionsPerRequest: number;
  drainMs?: number;
}

export interface ProduceLoadResult {
  seconds: number;
  requests: number;
  records: number;
  bytes: number;
  mbPerSec: number;
  recordsPerSec: number;
  requestsPerSec: number;
  errors: number;
  firstError: number | null;
  latencyMs: ReturnType<LatencyRecorder['percentiles']>;
  clientCpuPct: number;
  requestBytes: number;
  recordsPerRequest: number;
}

const a = JSON.parse(process.argv[2]!) as ProduceLoadArgs;

const ppr = Math.max(1, Math.min(a.partitionsPerRequest, a.partitions));
const batchBytes = Math.floor(a.requestBytes / ppr);
// at most 1 MiB per batch: under the broker's default message.max.bytes (1048588)
const { batch, count: perBatch } = fitBatch(Math.min(batchBytes, 1024 * 1024), a.recordBytes);
const recordsPerRequest = perBatch * ppr;

/** Requests a connection cycles through. */
function requestsFor(conn: number): RequestChunks[] {
  if (ppr === 1) return [produceRequest(a.topic, [{ index: conn % a.partitions, records: batch }], a.acks)];
  const rotations = Math.ceil(a.partitions / ppr);
  const out: RequestChunks[] = [];
  for (let r = 0; r < rotations; r++) {
    const parts = [];
    for (let i = 0; i < ppr; i++) parts.push({ index: (r * ppr + i) % a.partitions, records: batch });
    out.push(produceRequest(a.topic, parts, a.acks));
  }
  return out;
}

const sharedSpread = ppr > 1 ? requestsFor(0) : null;
const requestSize = (sharedSpread ?? requestsFor(0))[0]!.reduce((n, c) => n + c.length, 0);

let phase: 'warmup' | 'measure' | 'stop' = 'warmup';
let requests = 0;
let bytes = 0;
let errors = 0;
let firstError: number | null = null;
let fatal: string | null = null;
const latency = new LatencyRecorder();

async function main(): Promise<void> {
  const conns = await Promise.all(Array.from({ length: a.connections }, () => WireConnection.open(a.host, a.port)));
  conns.forEach((conn, c) => {
    const reqs = sharedSpread ?? requestsFor(c);
    let next = (c * 7) % reqs.length;
    conn.onError = (e) => {
      if (phase !== 'stop') fatal ??= e.message;
    };
    const sendOne = () => {
      const req = reqs[next]!;
      next = (next + 1) % reqs.length;
      conn.send(req, onResponse);
    };
    const onResponse = (frame: Buffer, sentAt: number) => {
      const now = performance.now();
      const res = decodeResponseFrame(ApiKey.Produce, PRODUCE_VERSION, frame).body as ProduceResponse;
      for (const t of res.responses) {
        for (const p of t.partitionResponses) {
          if (p.errorCode !== 0) {
            errors++;
            firstError ??= p.errorCode;
          }
        }
      }
      if (phase === 'measure') {
        requests++;
        bytes += requestSize;
        latency.add(now - sentAt);
      }
      if (phase !== 'stop') sendOne();
    };
    for (let i = 0; i < a.inflight; i++) sendOne();
  });

  await new Promise((r) => setTimeout(r, a.warmupMs));
  emitMark('start');
  phase = 'measure';
  const cpu = new SelfCpu().start();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, a.durationMs));
  phase = 'stop';
  const seconds = (performance.now() - t0) / 1000;
  const clientCpuPct = cpu.stop();
  emitMark('end');
  const drainUntil = performance.now() + (a.drainMs ?? 5000);
  while (conns.some((c) => c.inFlight > 0 && !c.closed) && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 10));
  for (const c of conns) c.close();
  if (fatal && requests === 0) throw new Error(fatal);
  const result: ProduceLoadResult = {
    seconds: round(seconds, 3),
    requests,
    records: requests * recordsPerRequest,
    bytes,
    mbPerSec: round(bytes / seconds / 1e6, 1),
    recordsPerSec: Math.round((requests * recordsPerRequest) / seconds),
    requestsPerSec: Math.round(requests / seconds),
    errors,
    firstError,
    latencyMs: latency.percentiles(),
    clientCpuPct: round(clientCpuPct, 0),
    requestBytes: requestSize,
    recordsPerRequest,
  };
  emitResult(fatal ? { ...result, fatal } : result);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
