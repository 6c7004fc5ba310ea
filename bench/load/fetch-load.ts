/**
 * Fetch load generator: each connection reads one partition with Fetch v12 from offset 0 to the
 * high watermark and starts over, one fetch in flight (as a consumer does), partitionMaxBytes
 * 1 MiB. Counts record bytes received. Against the ceiling server every fetch gets the same
 * canned batch.
 *
 * argv[2]: JSON FetchLoadArgs. Prints MARK start / MARK end, then RESULT {json}.
 */
import { decodeResponseFrame } from '../../src/protocol/frame.js';
import { ApiKey } from '../../src/protocol/generated/api-messages.js';
import type { FetchResponse } from '../../src/protocol/generated/api/01-fetch.js';
import { emitMark, emitResult, SelfCpu } from '../lib/proc.js';
import { LatencyRecorder, round } from '../lib/stats.js';
import { FETCH_VERSION, fetchRequest, forEachBatch, WireConnection } from '../lib/wire.js';

export interface FetchLoadArgs {
  host: string;
  port: number;
  topic: string;
  connections: number;
  partitions: number;
  warmupMs: number;
  durationMs: number;
  partitionMaxBytes: number;
}

const a = JSON.parse(process.argv[2]!) as FetchLoadArgs;

let phase: 'warmup' | 'measure' | 'stop' = 'warmup';
let fetches = 0;
let bytes = 0;
let records = 0;
let errors = 0;
let wraps = 0;
let fatal: string | null = null;
const latency = new LatencyRecorder();

async function main(): Promise<void> {
  const conns = await Promise.all(Array.from({ length: a.connections }, () => WireConnection.open(a.host, a.port)));
  conns.forEach((conn, c) => {
    const partition = c % a.partitions;
    let offset = 0n;
    conn.onError = (e) => {
      if (phase !== 'stop') fatal ??= e.message;
    };
    const sendOne = () => {
      conn.send(fetchRequest(a.topic, [{ partition, fetchOffset: offset, partitionMaxBytes: a.partitionMaxBytes }], { maxWaitMs: 100, minBytes: 1, maxBytes: 50 * 1024 * 1024 }), onResponse);
    };
    const onResponse = (frame: Buffer, sentAt: number) => {
      const now = performance.now();
      const res = decodeResponseFrame(ApiKey.Fetch, FETCH_VERSION, frame).body as FetchResponse;
      const p = res.responses[0]?.partitions[0];
      let got = 0;
      let n = 0;
      if (!p || p.errorCode !== 0 || res.errorCode !== 0) {
        errors++;
        offset = 0n;
      } else if (p.records && p.records.length > 0) {
        got = p.records.length;
        forEachBatch(p.records, (_base, last, count) => {
          offset = last + 1n;
          n += count;
        });
        if (p.highWatermark >= 0n && offset >= p.highWatermark) {
          offset = 0n;
          wraps++;
        }
      } else {
        offset = 0n; // at the end: start over
        wraps++;
      }
      if (phase === 'measure') {
        fetches++;
        bytes += got;
        records += n;
        latency.add(now - sentAt);
      }
      if (phase !== 'stop') sendOne();
    };
    sendOne();
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
  const drainUntil = performance.now() + 3000;
  while (conns.some((c) => c.inFlight > 0 && !c.closed) && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 10));
  for (const c of conns) c.close();
  if (fatal && fetches === 0) throw new Error(fatal);
  emitResult({
    seconds: round(seconds, 3),
    fetches,
    bytes,
    records,
    mbPerSec: round(bytes / seconds / 1e6, 1),
    recordsPerSec: Math.round(records / seconds),
    errors,
    wraps,
    latencyMs: latency.percentiles(),
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
