/**
 * Connection scale point: opens N connections (100 at a time), holds them idle for idleMs (the
 * parent reads the broker's RSS then), then sends small Produce requests (one batch of 10 x 100 B
 * records) round-robin over all connections with `window` requests in flight in total, and reports
 * requests/s and latency. Every connection is used during the load phase.
 *
 * argv[2]: JSON ConnectionsLoadArgs. Prints MARK idle, MARK start, MARK end; RESULT {json}.
 */
import { decodeResponseFrame } from '../../src/protocol/frame.js';
import { ApiKey } from '../../src/protocol/generated/api-messages.js';
import type { ProduceResponse } from '../../src/protocol/generated/api/00-produce.js';
import { emitMark, emitResult, SelfCpu } from '../lib/proc.js';
import { makeBatch } from '../lib/records.js';
import { LatencyRecorder, round } from '../lib/stats.js';
import { PRODUCE_VERSION, produceRequest, WireConnection } from '../lib/wire.js';

export interface ConnectionsLoadArgs {
  host: string;
  port: number;
  topic: string;
  partitions: number;
  connections: number;
  window: number;
  idleMs: number;
  durationMs: number;
}

const a = JSON.parse(process.argv[2]!) as ConnectionsLoadArgs;
const batch = makeBatch(10, 100);
const requests = Array.from({ length: a.partitions }, (_, p) => produceRequest(a.topic, [{ index: p, records: batch }], 1));

async function main(): Promise<void> {
  const t0 = performance.now();
  const conns: WireConnection[] = [];
  for (let i = 0; i < a.connections; i += 100) {
    const n = Math.min(100, a.connections - i);
    conns.push(...(await Promise.all(Array.from({ length: n }, () => WireConnection.open(a.host, a.port, 20_000)))));
  }
  const connectMs = performance.now() - t0;
  let fatal: string | null = null;
  let phase: 'load' | 'stop' = 'load';
  for (const c of conns) {
    c.onError = (e) => {
      if (phase !== 'stop') fatal ??= e.message;
    };
  }
  emitMark('idle');
  await new Promise((r) => setTimeout(r, a.idleMs));

  const latency = new LatencyRecorder();
  let done = 0;
  let errors = 0;
  let next = 0;
  let measuring = false;
  const used = new Uint8Array(conns.length);
  const sendOne = () => {
    const i = next++ % conns.length;
    used[i] = 1;
    conns[i]!.send(requests[i % requests.length]!, (frame, sentAt) => {
      const now = performance.now();
      const res = decodeResponseFrame(ApiKey.Produce, PRODUCE_VERSION, frame).body as ProduceResponse;
      if (res.responses[0]?.partitionResponses[0]?.errorCode !== 0) errors++;
      if (measuring) {
        done++;
        latency.add(now - sentAt);
      }
      if (phase === 'load') sendOne();
    });
  };
  for (let i = 0; i < Math.min(a.window, conns.length); i++) sendOne();
  await new Promise((r) => setTimeout(r, 500)); // warm-up
  emitMark('start');
  measuring = true;
  const cpu = new SelfCpu().start();
  const tm = performance.now();
  await new Promise((r) => setTimeout(r, a.durationMs));
  measuring = false;
  const seconds = (performance.now() - tm) / 1000;
  const clientCpuPct = cpu.stop();
  emitMark('end');
  phase = 'stop';
  const until = performance.now() + 3000;
  while (conns.some((c) => c.inFlight > 0) && performance.now() < until) await new Promise((r) => setTimeout(r, 10));
  const open = conns.filter((c) => !c.closed).length;
  for (const c of conns) c.close();
  emitResult({
    connections: a.connections,
    connectMs: round(connectMs, 0),
    stillOpen: open,
    usedConnections: used.reduce((n, x) => n + x, 0),
    requestsPerSec: Math.round(done / seconds),
    recordsPerSec: Math.round((done * 10) / seconds),
    errors,
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
