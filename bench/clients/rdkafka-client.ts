/**
 * node-rdkafka (librdkafka 2.12, from test/clients/node_modules) as a load client, in its own
 * process.
 *
 * produce: fire-and-forget produce() of `recordBytes` values (null keys, librdkafka's partitioner)
 *   for up to durationMs or maxRecords, then waits for every delivery report. Timed from the first
 *   produce after a 1000-record warm-up to the last delivery report.
 * consume: a group-less consumer (assign() from offset 0, no commits) reads `expected` records
 *   with consume(10000) batches. Timed from assign() to the last message.
 *
 * argv[2]: JSON RdkafkaArgs. Prints MARK start / MARK end, then RESULT {json} (or {skipped}).
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { emitMark, emitResult, REPO_ROOT, SelfCpu, sleep } from '../lib/proc.js';
import { sampleValue } from '../lib/records.js';
import { round } from '../lib/stats.js';

export interface RdkafkaArgs {
  mode: 'produce' | 'consume';
  bootstrap: string;
  topic: string;
  partitions: number;
  recordBytes: number;
  acks?: number;
  compression?: 'none' | 'lz4' | 'zstd';
  durationMs: number;
  maxRecords?: number;
  expected?: number;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- untyped third-party module */
const requireClient = createRequire(join(REPO_ROOT, 'test', 'clients', 'package.json'));
const RdKafka: any = requireClient('node-rdkafka');
const a = JSON.parse(process.argv[2]!) as RdkafkaArgs;

/** Extra librdkafka properties for experiments: BENCH_RDKAFKA_CONFIG='{"socket.nagle.disable":true}'. */
function extraConfig(): Record<string, unknown> {
  return process.env.BENCH_RDKAFKA_CONFIG ? (JSON.parse(process.env.BENCH_RDKAFKA_CONFIG) as Record<string, unknown>) : {};
}

function connect(client: any): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('connect timed out')), 15_000);
    client.connect({ timeout: 10_000 }, (err: unknown) => {
      clearTimeout(t);
      if (err) reject(err instanceof Error ? err : new Error(JSON.stringify(err)));
      else resolve();
    });
  });
}

function disconnect(client: any): Promise<void> {
  return Promise.race([new Promise<void>((resolve) => client.disconnect(() => resolve())), sleep(5000)]);
}

async function produce(): Promise<void> {
  const compression = a.compression ?? 'none';
  if (compression !== 'none' && !(RdKafka.features as string[]).includes(compression)) {
    emitResult({ skipped: `this node-rdkafka build has no ${compression} (features: ${(RdKafka.features as string[]).join(',')})` });
    return;
  }
  const producer = new RdKafka.Producer(
    {
      'metadata.broker.list': a.bootstrap,
      'client.id': 'gregor-bench',
      'compression.codec': compression,
      'linger.ms': 5,
      'batch.num.messages': 10000,
      'batch.size': 1000000,
      'queue.buffering.max.messages': 1000000,
      'queue.buffering.max.kbytes': 1048576,
      'enable.idempotence': false,
      dr_cb: true,
      ...extraConfig(),
    },
    { 'request.required.acks': a.acks ?? 1 },
  );
  let delivered = 0;
  let failed = 0;
  let firstError: string | null = null;
  let lastReportAt = 0;
  producer.on('delivery-report', (err: any) => {
    if (err) {
      failed++;
      firstError ??= String(err.message ?? err);
    } else delivered++;
    lastReportAt = performance.now();
  });
  await connect(producer);
  const value = sampleValue(a.recordBytes);
  let produced = 0;
  const waitFor = async (n: number, timeoutMs: number) => {
    const until = performance.now() + timeoutMs;
    while (delivered + failed < n && performance.now() < until) {
      producer.poll();
      await sleep(2);
    }
  };
  // warm-up: metadata, connection, first batches
  for (let i = 0; i < 1000; i++) producer.produce(a.topic, null, value, null, null);
  produced = 1000;
  await waitFor(produced, 15_000);
  if (delivered === 0) throw new Error(`warm-up not delivered: ${firstError ?? 'timeout'}`);
  const base = delivered + failed;
  const baseDelivered = delivered;

  const maxRecords = a.maxRecords ?? Number.MAX_SAFE_INTEGER;
  emitMark('start');
  const cpu = new SelfCpu().start();
  const t0 = performance.now();
  const deadline = t0 + a.durationMs;
  let queueFull = 0;
  await new Promise<void>((resolve) => {
    const pump = () => {
      for (let i = 0; i < 5000; i++) {
        if (produced - base >= maxRecords || performance.now() >= deadline) {
          resolve();
          return;
        }
        try {
          producer.produce(a.topic, null, value, null, null);
          produced++;
        } catch (e: any) {
          if (e?.code !== RdKafka.CODES.ERRORS.ERR__QUEUE_FULL) throw e;
          queueFull++;
          producer.poll();
          setTimeout(pump, 1);
          return;
        }
      }
      producer.poll();
      setImmediate(pump);
    };
    pump();
  });
  await waitFor(produced, 30_000);
  const t1 = lastReportAt > t0 ? lastReportAt : performance.now();
  const clientCpuPct = cpu.stop();
  emitMark('end');
  const seconds = (t1 - t0) / 1000;
  const records = delivered - baseDelivered;
  await disconnect(producer);
  emitResult({
    records,
    failed,
    firstError,
    undelivered: produced - delivered - failed,
    seconds: round(seconds, 3),
    recordsPerSec: Math.round(records / seconds),
    mbPerSec: round((records * a.recordBytes) / seconds / 1e6, 1),
    queueFull,
    clientCpuPct: round(clientCpuPct, 0),
    totalDelivered: delivered,
  });
}

async function consume(): Promise<void> {
  const consumer = new RdKafka.KafkaConsumer(
    {
      'metadata.broker.list': a.bootstrap,
      'client.id': 'gregor-bench',
      'group.id': 'gregor-bench-unused',
      'enable.auto.commit': false,
      'enable.auto.offset.store': false,
      'fetch.max.bytes': 52428800,
      'fetch.message.max.bytes': 1048576,
      'fetch.wait.max.ms': 100,
      'queued.min.messages': 200000,
      // Default 1000: once its local queue holds queued.max.messages.kbytes (64 MiB), librdkafka stops
      // fetching for a whole second, while node-rdkafka drains 64 MiB of 1 KiB records in ~0.3 s;
      // with the default the consumer idled 2/3 of the time (83k records/s, client at 43%).
      'fetch.queue.backoff.ms': 10,
      ...extraConfig(),
    },
    { 'auto.offset.reset': 'earliest' },
  );
  await connect(consumer);
  const expected = a.expected ?? 0;
  // timed from assign(): offset lookup and the first fetch count, as they would for any consumer
  emitMark('start');
  const cpu = new SelfCpu().start();
  const t0 = performance.now();
  consumer.assign(Array.from({ length: a.partitions }, (_, partition) => ({ topic: a.topic, partition, offset: 0 })));
  consumer.setDefaultConsumeTimeout(100);
  let count = 0;
  let bytes = 0;
  let t1 = t0;
  const deadline = performance.now() + a.durationMs;
  while (count < expected && performance.now() < deadline) {
    const msgs: any[] = await new Promise((resolve, reject) => consumer.consume(10000, (err: unknown, m: any[]) => (err ? reject(err) : resolve(m))));
    if (msgs.length === 0) continue;
    for (const m of msgs) bytes += m.value ? m.value.length : 0;
    count += msgs.length;
    t1 = performance.now();
  }
  const clientCpuPct = cpu.stop();
  emitMark('end');
  await disconnect(consumer);
  const seconds = (t1 - t0) / 1000;
  emitResult({
    records: count,
    expected,
    complete: count >= expected,
    seconds: round(seconds, 3),
    recordsPerSec: Math.round(count / seconds),
    mbPerSec: round(bytes / seconds / 1e6, 1),
    clientCpuPct: round(clientCpuPct, 0),
  });
}

(a.mode === 'produce' ? produce() : consume()).then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
