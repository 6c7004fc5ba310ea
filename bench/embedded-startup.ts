/**
 * What the embedding API costs a test suite: time from startBroker() to the first produce that
 * kafkajs gets acknowledged, and the memory a broker adds to the process.
 *
 *   npm run build && node --expose-gc dist/bench/embedded-startup.js [runs=20] [--disk]
 *
 * 1. Cold, in this fresh process: import of the package, startBroker(), createTopic(), then a
 *    kafkajs producer (already imported) connects and sends one record with acks=-1.
 * 2. Warm: the same `runs` more times (modules loaded, JIT warm), each broker closed after.
 * 3. Memory: RSS and V8 heap used (after GC) before importing Gregor, after importing it, with the
 *    first broker running and kafkajs connected, with the broker alone, and per broker with ten
 *    idle brokers running at once.
 * With --disk the brokers keep their logs in a temp dir instead of memory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import type { RunningBroker, StartBrokerOptions } from '../src/index.js';

const { Kafka, logLevel } = kafkajs;

const runs = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 20);
const disk = process.argv.includes('--disk');
const gc = (globalThis as { gc?: () => void }).gc;
const dirs: string[] = [];

function options(): StartBrokerOptions {
  if (!disk) return {};
  const dir = mkdtempSync(join(tmpdir(), 'gregor-bench-embedded-'));
  dirs.push(dir);
  return { logDir: dir };
}

interface Memory {
  rss: number;
  heapUsed: number;
}

function memory(): Memory {
  if (gc) {
    gc();
    gc();
  }
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed };
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const ms = (x: number) => `${x.toFixed(1)} ms`;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function summary(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  return `median ${ms(percentile(s, 50))}  p95 ${ms(percentile(s, 95))}  min ${ms(s[0]!)}  max ${ms(s.at(-1)!)}`;
}

/** startBroker() -> createTopic -> kafkajs connect + send(acks=-1); returns the broker and timings. */
async function startToFirstAck(startBroker: (o?: StartBrokerOptions) => Promise<RunningBroker>, topic: string) {
  const t0 = performance.now();
  const broker = await startBroker(options());
  const started = performance.now();
  await broker.createTopic(topic, { partitions: 1 });
  const producer = new Kafka({ clientId: 'bench', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  const [ack] = await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: 'first' }] });
  const acked = performance.now();
  if (!ack || ack.errorCode !== 0) throw new Error(`produce failed: ${JSON.stringify(ack)}`);
  return { broker, producer, startMs: started - t0, firstAckMs: acked - t0 };
}

async function main(): Promise<void> {
  if (!gc) console.log('(run with node --expose-gc for stable memory figures)');
  const beforeImport = memory();
  const tImport = performance.now();
  const { startBroker } = await import('../src/index.js');
  const importMs = performance.now() - tImport;
  const afterImport = memory();

  // 1. cold
  const cold = await startToFirstAck(startBroker, 'cold');
  const withClient = memory();
  await cold.producer.disconnect();
  const brokerAlone = memory();
  await cold.broker.close();
  const afterClose = memory();

  // 2. warm
  const startMs: number[] = [];
  const firstAckMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await startToFirstAck(startBroker, `warm-${i}`);
    startMs.push(r.startMs);
    firstAckMs.push(r.firstAckMs);
    await r.producer.disconnect();
    await r.broker.close();
  }

  // 3. ten idle brokers at once
  const beforeTen = memory();
  const ten = await Promise.all(Array.from({ length: 10 }, () => startBroker(options())));
  const withTen = memory();
  await Promise.all(ten.map((b) => b.close()));

  console.log(`Gregor embedded broker, ${disk ? 'logs on disk (temp dir)' : 'storage in memory'}, Node ${process.version}, kafkajs producer, acks=-1`);
  console.log('');
  console.log('time (cold = first broker of a fresh process)');
  console.log(`  import('gregor')                          ${ms(importMs)}`);
  console.log(`  startBroker()                       cold  ${ms(cold.startMs)}`);
  console.log(`  startBroker() -> first ack          cold  ${ms(cold.firstAckMs)}   (createTopic + kafkajs connect + send)`);
  console.log(`  startBroker()                       warm  ${summary(startMs)}   (${runs} runs)`);
  console.log(`  startBroker() -> first ack          warm  ${summary(firstAckMs)}`);
  console.log('');
  console.log('memory (after GC)                            RSS          heap used');
  const row = (label: string, m: Memory) => console.log(`  ${label.padEnd(42)} ${mb(m.rss).padEnd(12)} ${mb(m.heapUsed)}`);
  row('before importing gregor (kafkajs loaded)', beforeImport);
  row('after importing gregor', afterImport);
  row('first broker running + kafkajs connected', withClient);
  row('first broker running, client disconnected', brokerAlone);
  row('after close()', afterClose);
  console.log(`  added by import                            ${mb(afterImport.rss - beforeImport.rss).padEnd(12)} ${mb(afterImport.heapUsed - beforeImport.heapUsed)}`);
  console.log(`  added by the first broker (vs. imported)   ${mb(brokerAlone.rss - afterImport.rss).padEnd(12)} ${mb(brokerAlone.heapUsed - afterImport.heapUsed)}`);
  console.log(`  per broker, 10 idle brokers at once        ${mb((withTen.rss - beforeTen.rss) / 10).padEnd(12)} ${mb((withTen.heapUsed - beforeTen.heapUsed) / 10)}`);
}

main()
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
