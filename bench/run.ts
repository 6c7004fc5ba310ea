/**
 * Gregor's end-to-end benchmark suite (`npm run bench`). Every figure is measured in this run,
 * side by side, because the machines are shared and noisy; the load average is recorded with each
 * section. The broker, the ceiling server and every client run in separate processes.
 *
 *   npm run bench                          full suite (~10-15 min), saved as bench/results/baseline-<stamp>.json
 *   npm run bench -- --quick               smoke run (< 2 min), saved as bench/results/quick-<stamp>.json
 *   npm run bench -- --compare bench/results/baseline-X.json   also prints deltas against a saved run
 *   npm run bench -- --only ingest,latency sections: ingest, fetch, clients, latency, footprint, scale
 *   npm run bench -- --label after         name of the saved file (default baseline / quick)
 *   npm run bench -- --no-save             print only
 *   npm run bench -- --profile             instead of the suite: CPU profiles of the broker under the
 *                                          ingest load and node-rdkafka produce/consume, summarized
 *
 * Output: markdown tables, then one JSON document (the same one that is saved).
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { formatSummary, summarize, type ProfileSummary } from './cpuprofile-summary.js';
import type { ConnectionsLoadArgs } from './load/connections-load.js';
import type { FetchLoadArgs } from './load/fetch-load.js';
import type { LatencyLoadArgs } from './load/latency-load.js';
import type { ProduceLoadArgs, ProduceLoadResult } from './load/produce-load.js';
import type { KafkajsArgs } from './clients/kafkajs-client.js';
import type { RdkafkaArgs } from './clients/rdkafka-client.js';
import { CpuMeter, forkNode, installCleanupHooks, onMarks, REPO_ROOT, RssSampler, rssBytes, runNode, sleep, startNode, type RunningChild } from './lib/proc.js';
import { median, round, type Percentiles } from './lib/stats.js';
import { fetchRequest, WireConnection } from './lib/wire.js';

// ---- options ------------------------------------------------------------------------------------

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(name);
const option = (name: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const QUICK = flag('--quick');
const PROFILE = flag('--profile');
const COMPARE = option('--compare');
const ONLY = option('--only')?.split(',');
const LABEL = option('--label') ?? (PROFILE ? 'profile' : QUICK ? 'quick' : 'baseline');
const SAVE = !flag('--no-save');
const HOST = '127.0.0.1';
/** Node flags of the broker process: `BENCH_BROKER_NODE_FLAGS` (space separated) when set. */
const BROKER_NODE_FLAGS_UNDER_TEST = process.env.BENCH_BROKER_NODE_FLAGS?.split(' ').filter(Boolean) ?? [];
const RESULTS_DIR = join(REPO_ROOT, 'bench', 'results');

const P = QUICK
  ? {
      ingestSeconds: 1.5,
      ingestReps: 1,
      primeGiB: 2,
      fetchSeconds: 1.5,
      preloadSeconds: 0.5,
      clientSeconds: 1,
      latencySeconds: 3,
      scaleSeconds: 1.5,
      partitionPoints: [1, 100, 1000],
      connectionPoints: [10, 1000],
      startupReps: 1,
    }
  : {
      ingestSeconds: 2,
      ingestReps: 3,
      primeGiB: 4,
      fetchSeconds: 3,
      preloadSeconds: 1,
      clientSeconds: 5,
      latencySeconds: 10,
      scaleSeconds: 3,
      partitionPoints: [1, 100, 10_000],
      connectionPoints: [10, 5000],
      startupReps: 3,
    };
const WARMUP_MS = QUICK ? 300 : 1000;
const MIB = 1024 * 1024;

// ---- results ------------------------------------------------------------------------------------

type Better = 'higher' | 'lower';
interface Metric {
  value: number;
  unit: string;
  better: Better;
}
interface Table {
  title: string;
  note?: string;
  columns: string[];
  rows: (string | number)[][];
}
interface Results {
  suite: 'gregor-bench';
  version: 1;
  label: string;
  mode: 'quick' | 'full' | 'profile';
  startedAt: string;
  finishedAt?: string;
  durationSeconds?: number;
  machine: Record<string, unknown>;
  loadAverage: Record<string, number[]>;
  tables: Table[];
  metrics: Record<string, Metric>;
  notes: string[];
  raw: Record<string, unknown>;
}

const results: Results = {
  suite: 'gregor-bench',
  version: 1,
  label: LABEL,
  mode: PROFILE ? 'profile' : QUICK ? 'quick' : 'full',
  startedAt: new Date().toISOString(),
  machine: machineInfo(),
  loadAverage: {},
  tables: [],
  metrics: {},
  notes: [],
  raw: {},
};

function metric(key: string, value: number, unit: string, better: Better): number {
  if (Number.isFinite(value)) results.metrics[key] = { value: round(value, 3), unit, better };
  return value;
}

function note(text: string): void {
  results.notes.push(text);
  log(`note: ${text}`);
}

function log(text: string): void {
  process.stderr.write(`[bench ${((performance.now() - suiteStart) / 1000).toFixed(0).padStart(4)}s] ${text}\n`);
}

function load(section: string): void {
  results.loadAverage[section] = loadavg().map((x) => round(x, 2));
}

function machineInfo(): Record<string, unknown> {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown';
  const git = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' });
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no', 'src'], { cwd: REPO_ROOT, encoding: 'utf8' });
  return {
    nproc: cpus().length,
    cpuModel: model,
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    commit: git.stdout?.trim() || null,
    srcModified: dirty.stdout ? dirty.stdout.split('\n').filter(Boolean).length : null,
    fdLimit: Number(spawnSync('/bin/sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).stdout.trim()) || null,
  };
}

// ---- processes ----------------------------------------------------------------------------------

const tempDirs = new Set<string>();
function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(d);
  return d;
}
/**
 * This VM hands memory to the guest lazily and takes freed pages back a few seconds after they are
 * freed (virtio-balloon free page reporting): appending to the page cache runs at ~0.35 GB/s into
 * pages the host has not backed and at ~4.7 GB/s into pages freed moments ago. A long-running broker
 * host recycles its page cache; to measure that and not the hypervisor, every storing run starts
 * right after `gib` GiB were written to a file and deleted. Returns the MB/s of that write.
 */
function primePageCache(gib: number): number {
  const path = join(tempDir('gregor-bench-prime-'), 'prime.bin');
  const chunk = Buffer.alloc(MIB, 1);
  const fd = openSync(path, 'w');
  const t0 = performance.now();
  try {
    for (let i = 0; i < gib * 1024; i++) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
    unlinkSync(path);
  }
  return (gib * 1024 * MIB) / 1e3 / (performance.now() - t0);
}

function removeTempDirs(): void {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
  tempDirs.clear();
}

interface Reply {
  type: string;
  id?: number;
  ok?: boolean;
  error?: string;
  [k: string]: unknown;
}

/** The broker (bench/broker-process.ts) or the ceiling server, driven over IPC. */
class ServerProcess {
  private nextId = 1;
  private readonly waiting = new Map<number, (r: Reply) => void>();
  port = 0;
  dir: string | null = null;
  startMs = 0;

  private constructor(readonly name: string, private readonly proc: RunningChild<unknown>) {
    proc.child.on('message', (m: Reply) => {
      if (m.type === 'reply' && m.id !== undefined) {
        this.waiting.get(m.id)?.(m);
        this.waiting.delete(m.id);
      }
    });
  }

  get pid(): number {
    return this.proc.pid;
  }

  static async start(kind: 'broker' | 'ceiling', args: string[] = [], execArgv: string[] = []): Promise<ServerProcess> {
    const script = kind === 'broker' ? 'broker-process.js' : 'ceiling-server.js';
    const nodeFlags = kind === 'broker' ? BROKER_NODE_FLAGS_UNDER_TEST : [];
    const proc = forkNode<unknown>(script, args, { timeoutMs: 60 * 60 * 1000, execArgv: [...nodeFlags, ...execArgv] });
    const sp = new ServerProcess(kind, proc);
    const ready = await Promise.race([
      new Promise<Reply>((resolve) => proc.child.on('message', (m: Reply) => m.type === 'ready' && resolve(m))),
      proc.done.then((r) => {
        throw new Error(`${kind} exited before it was ready (${r.code ?? r.signal}): ${r.stderr.slice(-2000)}`);
      }),
      sleep(30_000).then(() => {
        throw new Error(`${kind} not ready after 30 s`);
      }),
    ]);
    sp.port = ready.port as number;
    sp.dir = (ready.dir as string | null) ?? null;
    if (sp.dir) tempDirs.add(sp.dir);
    sp.startMs = (ready.startMs as number) ?? 0;
    return sp;
  }

  call(msg: Record<string, unknown>, timeoutMs = 120_000): Promise<Reply> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`${this.name}: ${String(msg.type)} timed out`));
      }, timeoutMs);
      this.waiting.set(id, (r) => {
        clearTimeout(t);
        if (r.ok === false) reject(new Error(`${this.name}: ${String(msg.type)}: ${r.error}`));
        else resolve(r);
      });
      this.proc.child.send({ ...msg, id });
    });
  }

  async createTopic(name: string, partitions: number, configs?: Record<string, string>): Promise<number> {
    const r = await this.call({ type: 'createTopic', name, partitions, configs }, 300_000);
    return r.ms as number;
  }

  async deleteTopic(name: string): Promise<void> {
    await this.call({ type: 'deleteTopic', name }, 300_000).catch((e: unknown) => log(`deleteTopic ${name}: ${String(e)}`));
  }

  rss(): number {
    return rssBytes(this.pid);
  }

  async close(timeoutMs = 30_000): Promise<void> {
    if (this.proc.child.exitCode !== null) return;
    if (this.name === 'ceiling') this.proc.child.send({ type: 'close' });
    else this.call({ type: 'close' }, timeoutMs).catch(() => this.proc.child.kill('SIGKILL'));
    const r = await Promise.race([this.proc.done, sleep(timeoutMs).then(() => null)]);
    if (!r) this.proc.child.kill('SIGKILL');
    if (this.dir) {
      rmSync(this.dir, { recursive: true, force: true });
      tempDirs.delete(this.dir);
    }
  }
}

interface Observed<T> {
  result: T;
  /** % of the window the broker's event-loop thread was runnable but waiting for a CPU. */
  serverWaitPct: number;
  /** MARK start .. MARK end in µs of CLOCK_MONOTONIC (for cutting CPU profiles). */
  windowUs: { startUs: number; endUs: number };
  serverCpuPct: number;
  serverRssPeak: number;
  loadDuring: number;
}

/**
 * Runs a load/client child against a server process and measures the server's CPU between the
 * child's MARK start and MARK end, and its peak RSS over the run.
 */
async function observe<T>(script: string, args: unknown, server: ServerProcess | null, timeoutMs: number, onMark?: (name: string) => void): Promise<Observed<T>> {
  const child = startNode<T>(script, [JSON.stringify(args)], { timeoutMs, fdLimit: 20000 });
  const meter = server ? new CpuMeter(server.pid) : null;
  const rss = server ? new RssSampler(server.pid).start() : null;
  let cpu = NaN;
  const windowUs = { startUs: 0, endUs: 0 };
  const nowUs = () => Number(process.hrtime.bigint() / 1000n);
  onMarks(child.child, (name) => {
    if (name === 'start') {
      meter?.start();
      windowUs.startUs = nowUs();
    }
    if (name === 'end') {
      if (meter) cpu = meter.stop();
      windowUs.endUs = nowUs();
    }
    onMark?.(name);
  });
  const r = await child.done;
  const peak = rss?.stop() ?? 0;
  if (r.result === null) throw new Error(`${script} ${r.timedOut ? 'timed out' : `exited with ${r.code ?? r.signal}`}: ${r.stderr.slice(-2000)}`);
  const fatal = (r.result as { fatal?: string }).fatal;
  if (fatal) note(`${script}: ${fatal}`);
  const { errors, firstError } = r.result as { errors?: number; firstError?: unknown };
  if (errors && errors > 0) note(`${script} ${JSON.stringify(args).slice(0, 200)}: ${errors} errors, first: ${String(firstError)}`);
  return { result: r.result, windowUs, serverWaitPct: round(meter?.waitPct ?? NaN, 0), serverCpuPct: round(cpu, 0), serverRssPeak: peak, loadDuring: round(loadavg()[0]!, 2) };
}

const mb = (bytes: number) => round(bytes / 1e6, 0);
const f1 = (x: number) => (Number.isFinite(x) ? round(x, 1) : '-');
const f2 = (x: number) => (Number.isFinite(x) ? round(x, 2) : '-');
/** Broker CPU% of one core, with the % of the window its event loop waited for a CPU (w). */
const cpuw = (o: { serverCpuPct: number; serverWaitPct: number }) => `${f1(o.serverCpuPct)} (w ${f1(o.serverWaitPct)})`;
const ms = (p: Percentiles | undefined) => (p ? [f2(p.p50), f2(p.p99), f2(p.p999), f2(p.max)] : ['-', '-', '-', '-']);

function table(t: Table): void {
  results.tables.push(t);
}

// ---- sections -------------------------------------------------------------------------------------

let brokerMaxRecordsPerSec1KiB = NaN;
let peakRssUnderLoad = 0;

async function ingestSection(): Promise<void> {
  load('ingest');
  log('ingest: ceiling vs store ceiling vs broker, pre-encoded 1 MiB Produce requests of 1 KiB records, acks=1');
  const ceiling = await ServerProcess.start('ceiling', ['bench', String(MIB), '1024']);
  const storeCeiling = await ServerProcess.start('ceiling', ['bench', String(MIB), '1024', tempDir('gregor-bench-store-')]);
  const broker = await ServerProcess.start('broker');
  const rows: (string | number)[][] = [];
  const raw: Record<string, unknown>[] = [];
  const primeMBps: number[] = [];
  try {
    for (const connections of [1, 8]) {
      const c: number[] = [];
      const s: number[] = [];
      const sCpu: number[] = [];
      const b: number[] = [];
      const bCpu: number[] = [];
      const bWait: number[] = [];
      const cCpu: number[] = [];
      const clientCpu: number[] = [];
      const bLat: Percentiles[] = [];
      const bRecords: number[] = [];
      let errors = 0;
      for (let rep = 0; rep < P.ingestReps; rep++) {
        const base: Omit<ProduceLoadArgs, 'port' | 'topic'> = {
          host: HOST,
          connections,
          inflight: 4,
          warmupMs: WARMUP_MS,
          durationMs: P.ingestSeconds * 1000,
          acks: 1,
          recordBytes: 1024,
          requestBytes: MIB,
          partitions: 8,
          partitionsPerRequest: 1,
        };
        const timeout = (P.ingestSeconds + 60) * 1000;
        const rc = await observe<ProduceLoadResult>('load/produce-load.js', { ...base, port: ceiling.port, topic: 'bench' }, ceiling, timeout);
        // Both storing runs start on a primed page cache (primePageCache).
        primeMBps.push(primePageCache(P.primeGiB));
        const rs = await observe<ProduceLoadResult>('load/produce-load.js', { ...base, port: storeCeiling.port, topic: 'bench' }, storeCeiling, timeout);
        await storeCeiling.call({ type: 'dropStore' });
        const topic = `ingest-${connections}-${rep}`;
        await broker.createTopic(topic, 8);
        primeMBps.push(primePageCache(P.primeGiB));
        const rb = await observe<ProduceLoadResult>('load/produce-load.js', { ...base, port: broker.port, topic }, broker, timeout);
        await broker.deleteTopic(topic);
        c.push(rc.result.mbPerSec);
        cCpu.push(rc.serverCpuPct);
        s.push(rs.result.mbPerSec);
        sCpu.push(rs.serverCpuPct);
        b.push(rb.result.mbPerSec);
        bCpu.push(rb.serverCpuPct);
        bWait.push(rb.serverWaitPct);
        clientCpu.push(rb.result.clientCpuPct);
        bLat.push(rb.result.latencyMs);
        bRecords.push(rb.result.recordsPerSec);
        errors += rb.result.errors;
        peakRssUnderLoad = Math.max(peakRssUnderLoad, rb.serverRssPeak);
        raw.push({ connections, rep, ceiling: rc, storeCeiling: rs, broker: rb });
        log(`  ${connections} conn rep ${rep + 1}: ceiling ${rc.result.mbPerSec} MB/s, store ceiling ${rs.result.mbPerSec} MB/s, broker ${rb.result.mbPerSec} MB/s (cpu ${rb.serverCpuPct}%, errors ${rb.result.errors})`);
      }
      const cm = median(c);
      const sm = median(s);
      const bm = median(b);
      const lat = bLat[Math.floor(bLat.length / 2)]!;
      if (connections === 1) brokerMaxRecordsPerSec1KiB = median(bRecords);
      const k = `ingest/${connections}conn`;
      metric(`${k}/ceiling_MBps`, cm, 'MB/s', 'higher');
      metric(`${k}/broker_MBps`, bm, 'MB/s', 'higher');
      metric(`${k}/ratio_pct`, (100 * bm) / cm, '%', 'higher');
      metric(`${k}/store_ceiling_MBps`, sm, 'MB/s', 'higher');
      metric(`${k}/store_ratio_pct`, (100 * bm) / sm, '%', 'higher');
      metric(`${k}/broker_cpu_pct`, median(bCpu), '%', 'lower');
      metric(`${k}/broker_request_p99_ms`, lat.p99, 'ms', 'lower');
      rows.push([
        `${connections} conn x 4 in flight`,
        f1(cm),
        f1(sm),
        f1(bm),
        `${f1((100 * bm) / cm)}%`,
        `${f1((100 * bm) / sm)}%`,
        round(median(bRecords), 0),
        `${f1(median(cCpu))} / ${f1(median(sCpu))} / ${cpuw({ serverCpuPct: median(bCpu), serverWaitPct: median(bWait) })} / ${f1(median(clientCpu))}`,
        f2(lat.p50),
        f2(lat.p99),
        errors,
      ]);
    }
    table({
      title: 'Ingest: pre-encoded Produce v9, 1 MiB requests of 1 KiB records, acks=1, 8 partitions',
      note: `MB/s = 10^6 bytes of Produce request frames acknowledged per second; median of ${P.ingestReps} run(s) of ${P.ingestSeconds} s after ${WARMUP_MS} ms warm-up; CPU = % of one core (ceiling / store ceiling / broker / load generator), (w N) = % of the time the broker's event loop was runnable but waiting for a CPU taken by other processes; latency = request sent -> response, broker runs. Broker storage: temp dir on disk (page cache, no fsync). The store ceiling is the ceiling server also appending every Produce frame to a file (one writev per frame, page cache) before answering it: on this VM, page cache backed by memory the host has not handed out yet is written at ~0.3-0.5 GB/s (see README), which bounds any broker that stores; so both storing servers start each run on a page cache primed by writing and deleting ${P.primeGiB} GiB (that write ran at a median ${f1(median(primeMBps))} MB/s: the page cache write rate into fresh memory on this VM).`,
      columns: ['connections', 'ceiling MB/s', 'store ceiling MB/s', 'broker MB/s', 'broker / ceiling', 'broker / store ceiling', 'broker records/s', 'CPU% ceiling / store / broker / client', 'p50 ms', 'p99 ms', 'errors'],
      rows,
    });
    metric('ingest/fresh_page_cache_write_MBps', median(primeMBps), 'MB/s', 'higher');
    results.raw.ingest = raw;
  } finally {
    await ceiling.close();
    await storeCeiling.close();
    await broker.close();
  }
}

async function fetchSection(): Promise<void> {
  load('fetch');
  log('fetch: ceiling vs broker, Fetch v12 one in flight per connection, partitionMaxBytes 1 MiB');
  const ceiling = await ServerProcess.start('ceiling', ['fetch', String(MIB), '1024']);
  const broker = await ServerProcess.start('broker');
  const rows: (string | number)[][] = [];
  const raw: Record<string, unknown>[] = [];
  try {
    await broker.createTopic('fetch', 8);
    const pre = await observe<ProduceLoadResult>(
      'load/produce-load.js',
      { host: HOST, port: broker.port, topic: 'fetch', connections: 8, inflight: 4, warmupMs: 0, durationMs: P.preloadSeconds * 1000, acks: 1, recordBytes: 1024, requestBytes: MIB, partitions: 8, partitionsPerRequest: 1 } satisfies ProduceLoadArgs,
      broker,
      60_000,
    );
    log(`  preloaded ${mb(pre.result.bytes)} MB into 8 partitions`);
    for (const connections of [1, 8]) {
      const base: Omit<FetchLoadArgs, 'port' | 'topic'> = { host: HOST, connections, partitions: 8, warmupMs: WARMUP_MS, durationMs: P.fetchSeconds * 1000, partitionMaxBytes: MIB };
      const timeout = (P.fetchSeconds + 60) * 1000;
      type FetchResult = { mbPerSec: number; recordsPerSec: number; errors: number; latencyMs: Percentiles; clientCpuPct: number; wraps: number };
      const rc = await observe<FetchResult>('load/fetch-load.js', { ...base, port: ceiling.port, topic: 'fetch' }, ceiling, timeout);
      const rb = await observe<FetchResult>('load/fetch-load.js', { ...base, port: broker.port, topic: 'fetch' }, broker, timeout);
      raw.push({ connections, ceiling: rc, broker: rb });
      log(`  ${connections} conn: ceiling ${rc.result.mbPerSec} MB/s, broker ${rb.result.mbPerSec} MB/s (cpu ${rb.serverCpuPct}%)`);
      const k = `fetch/${connections}conn`;
      metric(`${k}/ceiling_MBps`, rc.result.mbPerSec, 'MB/s', 'higher');
      metric(`${k}/broker_MBps`, rb.result.mbPerSec, 'MB/s', 'higher');
      metric(`${k}/ratio_pct`, (100 * rb.result.mbPerSec) / rc.result.mbPerSec, '%', 'higher');
      metric(`${k}/broker_cpu_pct`, rb.serverCpuPct, '%', 'lower');
      rows.push([
        `${connections} conn x 1 in flight`,
        f1(rc.result.mbPerSec),
        f1(rb.result.mbPerSec),
        `${f1((100 * rb.result.mbPerSec) / rc.result.mbPerSec)}%`,
        rb.result.recordsPerSec,
        `${f1(rc.serverCpuPct)} / ${cpuw(rb)} / ${f1(rb.result.clientCpuPct)}`,
        f2(rb.result.latencyMs.p50),
        f2(rb.result.latencyMs.p99),
        rb.result.errors,
      ]);
    }
    table({
      title: 'Fetch: Fetch v12 from offset 0 to the high watermark and around again, 1 MiB batches of 1 KiB records',
      note: `MB/s = 10^6 bytes of record batches received per second; ${P.fetchSeconds} s after warm-up; the ceiling answers every fetch with the same canned 1 MiB batch; data was just written (page cache).`,
      columns: ['connections', 'ceiling MB/s', 'broker MB/s', 'broker / ceiling', 'broker records/s', 'CPU% ceiling / broker / client', 'p50 ms', 'p99 ms', 'errors'],
      rows,
    });
    results.raw.fetch = raw;
  } finally {
    await ceiling.close();
    await broker.close();
  }
}

interface ClientRun {
  records?: number;
  recordsPerSec?: number;
  mbPerSec?: number;
  clientCpuPct?: number;
  skipped?: string;
  failed?: number;
  errors?: number;
  totalDelivered?: number;
  complete?: boolean;
  firstError?: string | null;
}

async function clientsSection(): Promise<void> {
  load('clients');
  log('real clients: node-rdkafka and kafkajs, each in its own process');
  const broker = await ServerProcess.start('broker');
  const rows: (string | number)[][] = [];
  const raw: Record<string, unknown>[] = [];
  const matrix: { client: 'rdkafka' | 'kafkajs'; size: number; acks: number; compression: 'none' | 'lz4' | 'zstd' }[] = [];
  const sizes = [100, 1024];
  const acksList = [1, -1];
  const comps = ['none', 'lz4', 'zstd'] as const;
  for (const client of ['rdkafka', 'kafkajs'] as const) {
    for (const size of sizes) {
      for (const acks of acksList) {
        for (const compression of comps) {
          if (QUICK && !(acks === 1 && (size === 1024 ? compression === 'none' : compression === (client === 'rdkafka' ? 'lz4' : 'zstd')))) continue;
          matrix.push({ client, size, acks, compression });
        }
      }
    }
  }
  try {
    let n = 0;
    for (const m of matrix) {
      const topic = `rc-${m.client}-${m.size}-${m.acks === -1 ? 'all' : m.acks}-${m.compression}-${n++}`;
      await broker.createTopic(topic, 4);
      const script = m.client === 'rdkafka' ? 'clients/rdkafka-client.js' : 'clients/kafkajs-client.js';
      const common = { bootstrap: `${HOST}:${broker.port}`, topic, partitions: 4, recordBytes: m.size };
      const prodArgs: RdkafkaArgs | KafkajsArgs = { mode: 'produce', ...common, acks: m.acks, compression: m.compression, durationMs: P.clientSeconds * 1000, maxRecords: 20_000_000 };
      let prod: Observed<ClientRun>;
      try {
        prod = await observe<ClientRun>(script, prodArgs, broker, (P.clientSeconds + 90) * 1000);
      } catch (e) {
        note(`${m.client} produce ${m.size} B acks=${m.acks} ${m.compression} failed: ${String(e).slice(0, 300)}`);
        await broker.deleteTopic(topic);
        continue;
      }
      const label = `${m.client} ${m.size} B acks=${m.acks === -1 ? 'all' : m.acks} ${m.compression}`;
      if (prod.result.skipped) {
        rows.push([m.client, `${m.size} B`, m.acks === -1 ? 'all' : m.acks, m.compression, 'produce', `skipped: no ${m.compression} in this build`, '', '', '', '']);
        if (!results.notes.some((x) => x.startsWith(`${m.client}: `))) note(`${m.client}: ${prod.result.skipped}`);
        await broker.deleteTopic(topic);
        continue;
      }
      peakRssUnderLoad = Math.max(peakRssUnderLoad, prod.serverRssPeak);
      const key = `clients/${m.client}/${m.size}B/acks${m.acks === -1 ? 'all' : m.acks}/${m.compression}`;
      metric(`${key}/produce_records_per_s`, prod.result.recordsPerSec ?? NaN, 'records/s', 'higher');
      metric(`${key}/produce_broker_cpu_pct`, prod.serverCpuPct, '%', 'lower');
      rows.push([
        m.client,
        `${m.size} B`,
        m.acks === -1 ? 'all' : m.acks,
        m.compression,
        'produce',
        prod.result.recordsPerSec ?? '-',
        f1(prod.result.mbPerSec ?? NaN),
        f1(prod.result.clientCpuPct ?? NaN),
        cpuw(prod),
        (prod.result.failed ?? 0) + (prod.result.errors ?? 0),
      ]);
      log(`  ${label} produce: ${prod.result.recordsPerSec} rec/s ${prod.result.mbPerSec} MB/s, client ${prod.result.clientCpuPct}%, broker ${prod.serverCpuPct}%`);
      raw.push({ ...m, phase: 'produce', ...prod });
      if (m.acks === 1) {
        const expected = m.client === 'rdkafka' ? (prod.result.totalDelivered ?? 0) : (prod.result.records ?? 0) + 1000;
        const consArgs: RdkafkaArgs | KafkajsArgs = { mode: 'consume', ...common, durationMs: Math.max(20_000, P.clientSeconds * 4000), expected };
        try {
          const cons = await observe<ClientRun>(script, consArgs, broker, (P.clientSeconds * 4 + 90) * 1000);
          metric(`${key}/consume_records_per_s`, cons.result.recordsPerSec ?? NaN, 'records/s', 'higher');
          metric(`${key}/consume_broker_cpu_pct`, cons.serverCpuPct, '%', 'lower');
          rows.push([
            m.client,
            `${m.size} B`,
            '',
            m.compression,
            `consume${cons.result.complete ? '' : ' (incomplete)'}`,
            cons.result.recordsPerSec ?? '-',
            f1(cons.result.mbPerSec ?? NaN),
            f1(cons.result.clientCpuPct ?? NaN),
            cpuw(cons),
            cons.result.complete ? 0 : `${cons.result.records}/${expected}`,
          ]);
          log(`  ${label} consume: ${cons.result.recordsPerSec} rec/s ${cons.result.mbPerSec} MB/s, client ${cons.result.clientCpuPct}%, broker ${cons.serverCpuPct}%`);
          raw.push({ ...m, phase: 'consume', ...cons });
        } catch (e) {
          note(`${m.client} consume ${m.size} B ${m.compression} failed: ${String(e).slice(0, 300)}`);
        }
      }
      await broker.deleteTopic(topic);
    }
    table({
      title: 'Real clients: node-rdkafka 3.6 (librdkafka 2.12) and kafkajs 2.2, each in its own process; topic with 4 partitions',
      note: `produce: ${P.clientSeconds} s of records after a warm-up (rdkafka: linger.ms=5, batch.size=1 MB; kafkajs: 4 send() of 1000 records in flight); consume: everything produced by the acks=1 run, for at most ${Math.max(20, P.clientSeconds * 4)} s (rdkafka: assign() without a group, fetch.queue.backoff.ms=10 instead of 1000, which otherwise idles the consumer a second each time its 64 MiB queue fills; kafkajs: its Cluster/Broker.fetch, the fetch path of its consumer without group coordination). MB/s counts record values. CPU% of one core; client CPU counts all of its threads; (w N) = % of the window the broker's event loop waited for a CPU. Target: client saturates its core, broker < 70%.`,
      columns: ['client', 'record', 'acks', 'compression', 'phase', 'records/s', 'MB/s', 'client CPU%', 'broker CPU%', 'errors'],
      rows,
    });
    results.raw.clients = raw;
  } finally {
    await broker.close();
  }
}

async function latencySection(): Promise<void> {
  load('latency');
  log('latency: fixed rate, produce-ack and end-to-end');
  if (!Number.isFinite(brokerMaxRecordsPerSec1KiB)) {
    // no ingest section in this run: measure the maximum now (1 connection, same shape)
    const broker = await ServerProcess.start('broker');
    try {
      await broker.createTopic('max', 8);
      const r = await observe<ProduceLoadResult>(
        'load/produce-load.js',
        { host: HOST, port: broker.port, topic: 'max', connections: 1, inflight: 4, warmupMs: WARMUP_MS, durationMs: 2000, acks: 1, recordBytes: 1024, requestBytes: MIB, partitions: 8, partitionsPerRequest: 1 } satisfies ProduceLoadArgs,
        broker,
        60_000,
      );
      brokerMaxRecordsPerSec1KiB = r.result.recordsPerSec;
    } finally {
      await broker.close();
    }
  }
  const rows: (string | number)[][] = [];
  const raw: Record<string, unknown>[] = [];
  const max80 = Math.round((0.8 * brokerMaxRecordsPerSec1KiB) / 1000) * 1000;
  const points: { rate: number; acks: number; label: string; key: string; segmentBytes: number | null }[] = [
    { rate: 10_000, acks: 1, label: '10k records/s', key: '10k', segmentBytes: 16 * MIB },
    { rate: 10_000, acks: -1, label: '10k records/s', key: '10k', segmentBytes: 16 * MIB },
    { rate: 10_000, acks: 1, label: '10k records/s, 1 GiB segments (no roll)', key: '10k-noroll', segmentBytes: null },
    { rate: max80, acks: 1, label: `80% of max (${max80} records/s), 1 GiB segments`, key: '80pct', segmentBytes: null },
  ];
  // Control: the same producer against the ceiling server (answers at once, stores nothing). If its
  // tail is as long as the broker's, the tail comes from this machine, not from the broker.
  try {
    const ceiling = await ServerProcess.start('ceiling', ['latency', String(MIB), '1024']);
    try {
      type CtlResult = { achievedRecordsPerSec: number; recordsPerRequest: number; produceAckMs: Percentiles; errors: number; skippedBatches: number };
      const args: LatencyLoadArgs = { host: HOST, port: ceiling.port, topic: 'latency', rate: 10_000, recordBytes: 1024, acks: 1, warmupMs: WARMUP_MS, durationMs: P.latencySeconds * 1000, noFetch: true };
      const r = await observe<CtlResult>('load/latency-load.js', args, ceiling, (P.latencySeconds + 60) * 1000);
      raw.push({ control: 'ceiling', ...r });
      metric('latency/10k-ceiling/acks1/ack_p99_ms', r.result.produceAckMs.p99, 'ms', 'lower');
      rows.push(['10k records/s against the ceiling server (control)', 1, r.result.achievedRecordsPerSec, r.result.recordsPerRequest, 'produce-ack', ...ms(r.result.produceAckMs), `ceiling ${cpuw(r)}`, '', r.result.errors, r.result.skippedBatches]);
      log(`  control (ceiling) 10k records/s: ack p99 ${f2(r.result.produceAckMs.p99)} ms`);
    } finally {
      await ceiling.close();
    }
  } catch (e) {
    note(`latency control against the ceiling failed: ${String(e).slice(0, 300)}`);
  }
  const LATENCY_WARMUP_MS = 10_000;
  const broker = await ServerProcess.start('broker');
  try {
    // A broker runs for days: the rows measure it warm (JIT, heap sizes), not its first seconds.
    await broker.createTopic('latency-warmup', 1, { 'segment.bytes': String(16 * MIB) });
    await observe('load/latency-load.js', { host: HOST, port: broker.port, topic: 'latency-warmup', rate: 10_000, recordBytes: 1024, acks: 1, warmupMs: WARMUP_MS, durationMs: LATENCY_WARMUP_MS } satisfies LatencyLoadArgs, broker, 120_000);
    let i = 0;
    for (const pt of points) {
      const topic = `latency-${i++}`;
      // small segments so that rolls (and their index work and fsyncs) happen during the run
      await broker.createTopic(topic, 1, pt.segmentBytes ? { 'segment.bytes': String(pt.segmentBytes) } : {});
      const args: LatencyLoadArgs = { host: HOST, port: broker.port, topic, rate: pt.rate, recordBytes: 1024, acks: pt.acks, warmupMs: WARMUP_MS, durationMs: P.latencySeconds * 1000 };
      type LatResult = { achievedRecordsPerSec: number; recordsPerRequest: number; produceAckMs: Percentiles; endToEndMs: Percentiles; errors: number; offsetMismatch: number; skippedBatches: number; clientCpuPct: number };
      try {
        // As in the ingest section: a high rate writes faster than this VM backs fresh memory.
        const bytes = pt.rate * 1024 * (WARMUP_MS / 1000 + P.latencySeconds);
        if (bytes > 1024 * MIB) primePageCache(Math.ceil(bytes / (1024 * MIB)) + 1);
        const r = await observe<LatResult>('load/latency-load.js', args, broker, (P.latencySeconds + 60) * 1000);
        raw.push({ ...pt, ...r });
        const key = `latency/${pt.key}/acks${pt.acks === -1 ? 'all' : pt.acks}`;
        metric(`${key}/ack_p50_ms`, r.result.produceAckMs.p50, 'ms', 'lower');
        metric(`${key}/ack_p99_ms`, r.result.produceAckMs.p99, 'ms', 'lower');
        metric(`${key}/ack_p999_ms`, r.result.produceAckMs.p999, 'ms', 'lower');
        metric(`${key}/e2e_p99_ms`, r.result.endToEndMs.p99, 'ms', 'lower');
        const segs = pt.segmentBytes ? Math.floor((r.result.achievedRecordsPerSec * P.latencySeconds * 1034) / pt.segmentBytes) : 0;
        rows.push([pt.label, pt.acks === -1 ? 'all' : pt.acks, r.result.achievedRecordsPerSec, r.result.recordsPerRequest, 'produce-ack', ...ms(r.result.produceAckMs), cpuw(r), `~${segs}`, r.result.errors + r.result.offsetMismatch, r.result.skippedBatches]);
        rows.push(['', '', '', '', 'end-to-end', ...ms(r.result.endToEndMs), '', '', '', '']);
        log(`  ${pt.label} acks=${pt.acks}: ack p99 ${f2(r.result.produceAckMs.p99)} ms, e2e p99 ${f2(r.result.endToEndMs.p99)} ms, broker ${r.serverCpuPct}%`);
      } catch (e) {
        note(`latency ${pt.label} acks=${pt.acks} failed: ${String(e).slice(0, 300)}`);
      }
      await broker.deleteTopic(topic);
    }
    table({
      title: 'Latency at a fixed rate: 1 KiB records, one producer connection (~1000 requests/s), one long-polling fetch connection',
      note: `${P.latencySeconds} s per point after warm-up; before the first point the broker runs the 10k records/s load for ${LATENCY_WARMUP_MS / 1000} s on another topic (V8 needs about that long at ~2k requests/s to compile the request path: without it the first point ran at 1.5x the CPU and 2-3x the p99 of the later ones). produce-ack = request sent -> response; end-to-end = request sent -> records received by the fetching connection (same process, same clock). Max = broker ingest records/s with 1 connection in this run (${Math.round(brokerMaxRecordsPerSec1KiB)}). Topic segment.bytes = 16 MiB so that segment rolls happen during the run (rolls column), except the "no roll" row (broker default 1 GiB), which isolates what rolls cost, and the 80% row (1 GiB too: at ~0.5 GB/s a 16 MiB segment rolls 30 times a second and each roll fsyncs it, which measures the disk; it starts on a page cache primed like the ingest runs'), and the control row: the same producer against the ceiling server, which isolates what this machine and the client cost. Target: produce-ack p99 < 1 ms at 10k records/s.`,
      columns: ['rate', 'acks', 'achieved records/s', 'records/request', 'latency', 'p50 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'broker CPU%', 'rolls', 'errors', 'batches not sent (1000 in flight)'],
      rows,
    });
    results.raw.latency = raw;
  } finally {
    await broker.close();
  }
}

/** Spawns `gregor start` on ephemeral ports and measures the time to its "started" log line and to a first answered request. */
async function coldStartOnce(): Promise<{ startedMs: number; firstResponseMs: number; rss: number }> {
  const dir = tempDir('gregor-bench-cli-');
  const props = join(dir, 'server.properties');
  writeFileSync(
    props,
    [
      'process.roles=broker,controller',
      'node.id=1',
      'listeners=PLAINTEXT://127.0.0.1:0,CONTROLLER://127.0.0.1:0',
      'advertised.listeners=PLAINTEXT://127.0.0.1:0',
      'controller.listener.names=CONTROLLER',
      'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      'controller.quorum.bootstrap.servers=127.0.0.1:9093',
      `log.dirs=${join(dir, 'data')}`,
      'offsets.topic.replication.factor=1',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      '',
    ].join('\n'),
  );
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'gregor.js'), 'start', '--config', props], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const started = await new Promise<{ at: number; port: number }>((resolve, reject) => {
      let buf = '';
      const t = setTimeout(() => reject(new Error(`gregor start: no "started" line after 30 s: ${buf.slice(-1000)}`)), 30_000);
      const onData = (b: Buffer) => {
        buf += b.toString('utf8');
        for (const line of buf.split('\n')) {
          if (!line.includes('Gregor started')) continue;
          const m = /PLAINTEXT:\/\/[^:]*:(\d+)/.exec(line);
          clearTimeout(t);
          resolve({ at: performance.now(), port: m ? Number(m[1]) : 0 });
          return;
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('exit', (code) => reject(new Error(`gregor start exited with ${code}: ${buf.slice(-1000)}`)));
    });
    const conn = await WireConnection.open(HOST, started.port);
    // any request answers: a Fetch on an unknown topic gets UNKNOWN_TOPIC_OR_PARTITION
    await conn.request(fetchRequest('none', [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1024 }], { maxWaitMs: 0, minBytes: 0, maxBytes: 1024 }));
    const firstResponseMs = performance.now() - t0;
    conn.close();
    const rss = rssBytes(child.pid!);
    return { startedMs: started.at - t0, firstResponseMs, rss };
  } finally {
    child.kill('SIGTERM');
    await Promise.race([new Promise((r) => child.once('exit', r)), sleep(10_000).then(() => child.kill('SIGKILL'))]);
    rmSync(dir, { recursive: true, force: true });
    tempDirs.delete(dir);
  }
}

async function footprintSection(): Promise<void> {
  load('footprint');
  log('footprint: start-up times and RSS');
  const rows: (string | number)[][] = [];
  const nodeBare: number[] = [];
  for (let i = 0; i < P.startupReps; i++) {
    const t0 = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    nodeBare.push(performance.now() - t0);
  }
  const cold: { startedMs: number; firstResponseMs: number; rss: number }[] = [];
  for (let i = 0; i < P.startupReps; i++) {
    try {
      cold.push(await coldStartOnce());
    } catch (e) {
      note(`gregor start cold start failed: ${String(e).slice(0, 300)}`);
    }
  }
  type Emb = { importMs: number; startMs: number; firstAckMs: number; rss: number; errorCode: number };
  const emb: Record<'memory' | 'disk', Emb[]> = { memory: [], disk: [] };
  for (const storage of ['memory', 'disk'] as const) {
    for (let i = 0; i < P.startupReps; i++) {
      try {
        const r = await runNode<Emb>('startup/embedded-start.js', storage === 'disk' ? ['--disk'] : [], { timeoutMs: 60_000 });
        emb[storage].push(r.result);
      } catch (e) {
        note(`embedded start (${storage}) failed: ${String(e).slice(0, 300)}`);
      }
    }
  }
  const med = (xs: number[]) => round(median(xs), 1);
  rows.push(['node -e 0 (for reference)', med(nodeBare), '', '']);
  if (cold.length) {
    metric('footprint/cli_started_ms', median(cold.map((c) => c.startedMs)), 'ms', 'lower');
    metric('footprint/cli_first_response_ms', median(cold.map((c) => c.firstResponseMs)), 'ms', 'lower');
    rows.push(['gregor start (new process) -> "Gregor started" logged', med(cold.map((c) => c.startedMs)), '', '']);
    rows.push(['gregor start (new process) -> first request answered', med(cold.map((c) => c.firstResponseMs)), mb(median(cold.map((c) => c.rss))), '']);
  }
  for (const storage of ['memory', 'disk'] as const) {
    const e = emb[storage];
    if (!e.length) continue;
    metric(`footprint/embedded_${storage}_first_ack_ms`, median(e.map((x) => x.firstAckMs)), 'ms', 'lower');
    rows.push([`import of dist/src/index.js in a new process (${storage} run)`, med(e.map((x) => x.importMs)), '', '']);
    rows.push([`startBroker() resolves (${storage})`, med(e.map((x) => x.startMs)), '', '']);
    rows.push([`startBroker() -> first acknowledged produce (${storage})`, med(e.map((x) => x.firstAckMs)), mb(median(e.map((x) => x.rss))), e.some((x) => x.errorCode !== 0) ? 'produce error!' : '']);
  }
  // idle RSS of the broker process
  const broker = await ServerProcess.start('broker');
  try {
    await sleep(1000);
    const idle = broker.rss();
    await broker.createTopic('idle', 1);
    await sleep(2000);
    const idleTopic = broker.rss();
    metric('footprint/idle_rss_MB', idleTopic / 1e6, 'MB', 'lower');
    rows.push(['broker process idle (no topic), RSS', '', mb(idle), '']);
    rows.push(['broker process idle (1 topic, 2 s later), RSS', '', mb(idleTopic), '']);
  } finally {
    await broker.close();
  }
  if (peakRssUnderLoad > 0) {
    metric('footprint/peak_rss_under_load_MB', peakRssUnderLoad / 1e6, 'MB', 'lower');
    rows.push(['broker peak RSS under load (ingest + client runs above)', '', mb(peakRssUnderLoad), '']);
  }
  table({
    title: 'Footprint: start-up and memory',
    note: `median of ${P.startupReps} run(s); MB = 10^6 bytes. Targets: startBroker() to first acknowledged produce < 50 ms, idle RSS < 80 MB.`,
    columns: ['what', 'ms', 'RSS MB', ''],
    rows,
  });
  results.raw.footprint = { nodeBare, cold, emb };
}

async function scaleSection(): Promise<void> {
  load('scale');
  log('scale: partitions and connections');
  const rows: (string | number)[][] = [];
  const raw: Record<string, unknown>[] = [];
  const broker = await ServerProcess.start('broker');
  try {
    for (const n of P.partitionPoints) {
      const topic = `scale-${n}`;
      const rssBefore = broker.rss();
      let createMs: number;
      try {
        createMs = await broker.createTopic(topic, n);
      } catch (e) {
        note(`creating ${n} partitions failed: ${String(e).slice(0, 300)}`);
        continue;
      }
      await sleep(500);
      const rssAfter = broker.rss();
      const ppr = Math.min(n, 64);
      const args: ProduceLoadArgs = {
        host: HOST,
        port: broker.port,
        topic,
        connections: 4,
        inflight: 4,
        warmupMs: WARMUP_MS,
        durationMs: P.scaleSeconds * 1000,
        acks: 1,
        recordBytes: 1024,
        requestBytes: MIB,
        partitions: n,
        partitionsPerRequest: ppr,
      };
      const r = await observe<ProduceLoadResult>('load/produce-load.js', args, broker, (P.scaleSeconds + 60) * 1000);
      const t0 = performance.now();
      await broker.deleteTopic(topic);
      const deleteMs = performance.now() - t0;
      raw.push({ partitions: n, createMs, rssBefore, rssAfter, deleteMs, ...r });
      metric(`scale/partitions_${n}/produce_MBps`, r.result.mbPerSec, 'MB/s', 'higher');
      metric(`scale/partitions_${n}/create_ms`, createMs, 'ms', 'lower');
      metric(`scale/partitions_${n}/delete_ms`, deleteMs, 'ms', 'lower');
      metric(`scale/partitions_${n}/rss_MB`, rssAfter / 1e6, 'MB', 'lower');
      rows.push([
        `${n} partitions`,
        f1(createMs),
        `${mb(rssBefore)} -> ${mb(rssAfter)}`,
        `${ppr} x ${Math.round(MIB / ppr / 1024)} KiB`,
        f1(r.result.mbPerSec),
        f2(r.result.latencyMs.p99),
        cpuw(r),
        mb(r.serverRssPeak),
        r.result.errors,
        f1(deleteMs),
      ]);
      log(`  ${n} partitions: create ${Math.round(createMs)} ms, produce ${r.result.mbPerSec} MB/s, errors ${r.result.errors}`);
    }
    table({
      title: 'Scale: partitions (one topic; 4 connections x 4 in flight, ~1 MiB requests spread over the partitions, 1 KiB records)',
      note: `create = CreateTopics through the controller in the broker process (files and producer state for every partition); RSS in MB before -> after creating; delete = the topic's deletion through the controller (every partition directory renamed, one fsync and one checkpoint per log dir); ${P.scaleSeconds} s of produce per point.${QUICK ? ' Quick mode stops at 1,000 partitions.' : ''}`,
      columns: ['topic', 'create ms', 'RSS MB', 'batches per request', 'produce MB/s', 'p99 ms', 'broker CPU%', 'peak RSS MB', 'errors', 'delete ms'],
      rows: rows.splice(0),
    });
  } finally {
    const t0 = performance.now();
    await broker.close(180_000);
    log(`  broker with the scale topics closed in ${Math.round(performance.now() - t0)} ms`);
    (results.raw as Record<string, unknown>).scaleBrokerCloseMs = Math.round(performance.now() - t0);
  }
  const broker2 = await ServerProcess.start('broker');
  try {
    const broker = broker2;
    await broker.createTopic('conns', 8);
    for (const n of P.connectionPoints) {
      let idleRss = 0;
      const base = broker.rss();
      const args: ConnectionsLoadArgs = { host: HOST, port: broker.port, topic: 'conns', partitions: 8, connections: n, window: 64, idleMs: 2000, durationMs: P.scaleSeconds * 1000 };
      try {
        const r = await observe<{ connectMs: number; requestsPerSec: number; latencyMs: Percentiles; errors: number; stillOpen: number; usedConnections: number; clientCpuPct: number }>(
          'load/connections-load.js',
          args,
          broker,
          (P.scaleSeconds + 120) * 1000,
          (mark) => {
            if (mark === 'idle') setTimeout(() => (idleRss = broker.rss()), 1500);
          },
        );
        raw.push({ connections: n, idleRss, ...r });
        metric(`scale/connections_${n}/requests_per_s`, r.result.requestsPerSec, 'requests/s', 'higher');
        metric(`scale/connections_${n}/idle_rss_MB`, idleRss / 1e6, 'MB', 'lower');
        rows.push([
          `${n} connections`,
          r.result.connectMs,
          `${mb(base)} -> ${mb(idleRss)}`,
          r.result.usedConnections,
          r.result.requestsPerSec,
          f2(r.result.latencyMs.p50),
          f2(r.result.latencyMs.p99),
          cpuw(r),
          mb(r.serverRssPeak),
          `${r.result.errors}${r.result.stillOpen < n ? `, ${n - r.result.stillOpen} closed` : ''}`,
        ]);
        log(`  ${n} connections: connect ${r.result.connectMs} ms, ${r.result.requestsPerSec} req/s, p99 ${f2(r.result.latencyMs.p99)} ms`);
      } catch (e) {
        note(`${n} connections failed: ${String(e).slice(0, 300)}`);
      }
    }
    table({
      title: 'Scale: connections (each connection used; small Produce requests of 10 x 100 B records, 64 in flight in total)',
      note: `connect = opening all connections, 100 at a time; RSS in MB before -> with all connections idle; fd limit ${String(results.machine.fdLimit)} for both processes.${QUICK ? ' Quick mode stops at 1,000 connections.' : ''}`,
      columns: ['clients', 'connect ms', 'RSS MB', 'connections used', 'requests/s', 'p50 ms', 'p99 ms', 'broker CPU%', 'peak RSS MB', 'errors'],
      rows,
    });
    results.raw.scale = raw;
  } finally {
    await broker2.close();
  }
}

// ---- profile mode ---------------------------------------------------------------------------------

async function profileMode(): Promise<void> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const dir = join(RESULTS_DIR, `profiles-${stamp}`);
  mkdirSync(dir, { recursive: true });
  const summaries: Record<string, ProfileSummary> = {};
  const seconds = QUICK ? 2 : 6;
  const runs: { name: string; body: (b: ServerProcess) => Promise<{ startUs: number; endUs: number } | null> }[] = [
    {
      name: 'ingest-8conn',
      body: async (b) => {
        await b.createTopic('p', 8);
        primePageCache(P.primeGiB);
        const r = await observe<ProduceLoadResult>(
          'load/produce-load.js',
          { host: HOST, port: b.port, topic: 'p', connections: 8, inflight: 4, warmupMs: 500, durationMs: seconds * 1000, acks: 1, recordBytes: 1024, requestBytes: MIB, partitions: 8, partitionsPerRequest: 1 } satisfies ProduceLoadArgs,
          b,
          120_000,
        );
        log(`  ingest under profiler: ${r.result.mbPerSec} MB/s, broker ${r.serverCpuPct}%`);
        return r.windowUs;
      },
    },
    {
      name: 'rdkafka-produce-1KiB',
      body: async (b) => {
        await b.createTopic('p', 4);
        const r = await observe<ClientRun>('clients/rdkafka-client.js', { mode: 'produce', bootstrap: `${HOST}:${b.port}`, topic: 'p', partitions: 4, recordBytes: 1024, acks: 1, compression: 'none', durationMs: seconds * 1000 } satisfies RdkafkaArgs, b, 120_000);
        log(`  rdkafka produce under profiler: ${r.result.recordsPerSec} rec/s, broker ${r.serverCpuPct}%`);
        return r.windowUs;
      },
    },
    {
      name: 'rdkafka-consume-1KiB',
      body: async (b) => {
        await b.createTopic('p', 4);
        // fill without the profiler mattering much: the pre-encoded generator, then consume with node-rdkafka
        const pre = await observe<ProduceLoadResult>(
          'load/produce-load.js',
          { host: HOST, port: b.port, topic: 'p', connections: 4, inflight: 4, warmupMs: 0, durationMs: 1500, acks: 1, recordBytes: 1024, requestBytes: 256 * 1024, partitions: 4, partitionsPerRequest: 1 } satisfies ProduceLoadArgs,
          b,
          60_000,
        );
        const r = await observe<ClientRun>('clients/rdkafka-client.js', { mode: 'consume', bootstrap: `${HOST}:${b.port}`, topic: 'p', partitions: 4, recordBytes: 1024, durationMs: 60_000, expected: pre.result.records } satisfies RdkafkaArgs, b, 120_000);
        log(`  rdkafka consume under profiler: ${r.result.recordsPerSec} rec/s, broker ${r.serverCpuPct}%`);
        return r.windowUs;
      },
    },
    {
      name: 'rdkafka-produce-100B-lz4',
      body: async (b) => {
        await b.createTopic('p', 4);
        const r = await observe<ClientRun>('clients/rdkafka-client.js', { mode: 'produce', bootstrap: `${HOST}:${b.port}`, topic: 'p', partitions: 4, recordBytes: 100, acks: 1, compression: 'lz4', durationMs: seconds * 1000 } satisfies RdkafkaArgs, b, 120_000);
        log(`  rdkafka produce 100 B lz4 under profiler: ${r.result.recordsPerSec} rec/s, broker ${r.serverCpuPct}%`);
        return r.windowUs;
      },
    },
    {
      name: 'latency-10k-rolls',
      body: async (b) => {
        await b.createTopic('lat', 1, { 'segment.bytes': String(16 * MIB) });
        type LatResult = { produceAckMs: Percentiles };
        const r = await observe<LatResult>('load/latency-load.js', { host: HOST, port: b.port, topic: 'lat', rate: 10_000, recordBytes: 1024, acks: 1, warmupMs: 500, durationMs: (QUICK ? 3 : 10) * 1000 } satisfies LatencyLoadArgs, b, 120_000);
        log(`  latency 10k/s under profiler: ack p99 ${f2(r.result.produceAckMs.p99)} ms, max ${f2(r.result.produceAckMs.max)} ms`);
        return r.windowUs;
      },
    },
    {
      name: 'create-delete-partitions',
      body: async (b) => {
        const n = QUICK ? 200 : 1000;
        const startUs = Number(process.hrtime.bigint() / 1000n);
        const createMs = await b.createTopic('many', n);
        const t0 = performance.now();
        await b.deleteTopic('many');
        log(`  ${n} partitions under profiler: create ${Math.round(createMs)} ms, delete ${Math.round(performance.now() - t0)} ms`);
        return { startUs, endUs: Number(process.hrtime.bigint() / 1000n) };
      },
    },
  ];
  for (const run of runs) {
    if (ONLY && !ONLY.some((o) => run.name.startsWith(o))) continue;
    const profDir = join(dir, run.name);
    mkdirSync(profDir, { recursive: true });
    log(`profile: ${run.name}`);
    const b = await ServerProcess.start('broker', [], ['--cpu-prof', '--cpu-prof-dir', profDir, '--cpu-prof-interval', '250']);
    let window: { startUs: number; endUs: number } | null = null;
    try {
      window = await run.body(b);
    } finally {
      await b.close();
    }
    const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) {
      note(`no profile written for ${run.name}`);
      continue;
    }
    const s = summarize(join(profDir, file), 40, window);
    summaries[run.name] = s;
    const text = formatSummary(s);
    writeFileSync(join(dir, `${run.name}.txt`), `${text}\n`);
    console.log(`\n## ${run.name}\n${text}`);
  }
  writeFileSync(join(dir, 'summary.json'), `${JSON.stringify(summaries, null, 2)}\n`);
  console.log(`\nprofiles and summaries in ${dir}`);
}

// ---- output ---------------------------------------------------------------------------------------

function markdown(t: Table): string {
  const lines = [`### ${t.title}`, ''];
  if (t.note) lines.push(t.note, '');
  lines.push(`| ${t.columns.join(' | ')} |`, `| ${t.columns.map(() => '---').join(' | ')} |`);
  for (const r of t.rows) lines.push(`| ${r.map((c) => String(c)).join(' | ')} |`);
  return lines.join('\n');
}

function comparison(previousFile: string): Table {
  const prev = JSON.parse(readFileSync(previousFile, 'utf8')) as Results;
  const rows: (string | number)[][] = [];
  for (const [k, m] of Object.entries(results.metrics)) {
    const p = prev.metrics?.[k];
    if (!p) continue;
    const delta = p.value === 0 ? NaN : (100 * (m.value - p.value)) / Math.abs(p.value);
    const good = m.better === 'higher' ? delta > 0 : delta < 0;
    const verdict = !Number.isFinite(delta) ? '' : Math.abs(delta) < 5 ? '~' : good ? 'better' : 'worse';
    rows.push([k, `${round(p.value, 2)} ${p.unit}`, `${round(m.value, 2)} ${m.unit}`, Number.isFinite(delta) ? `${delta > 0 ? '+' : ''}${round(delta, 1)}%` : '-', verdict]);
  }
  return {
    title: `Compared with ${previousFile} (${prev.label}, ${prev.startedAt}, load ${JSON.stringify(prev.loadAverage)})`,
    note: 'Differences under 5% are within the noise of a shared 2-core machine; repeat before concluding.',
    columns: ['metric', 'before', 'now', 'delta', ''],
    rows,
  };
}

const suiteStart = performance.now();

async function main(): Promise<void> {
  installCleanupHooks(removeTempDirs);
  if (!existsSync(join(REPO_ROOT, 'dist', 'src', 'index.js'))) throw new Error('dist/src/index.js is missing: run npm run build');
  log(`mode ${results.mode}, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}, ${cpus().length} cpus`);
  if (PROFILE) {
    load('profile');
    await profileMode();
    return;
  }
  const sections: [string, () => Promise<void>][] = [
    ['ingest', ingestSection],
    ['fetch', fetchSection],
    ['clients', clientsSection],
    ['latency', latencySection],
    ['footprint', footprintSection],
    ['scale', scaleSection],
  ];
  for (const [name, fn] of sections) {
    if (ONLY && !ONLY.includes(name)) continue;
    const t0 = performance.now();
    try {
      await fn();
    } catch (e) {
      note(`section ${name} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`.slice(0, 1500));
    }
    log(`section ${name} took ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  load('end');
  results.finishedAt = new Date().toISOString();
  results.durationSeconds = round((performance.now() - suiteStart) / 1000, 0);

  const m = results.machine;
  console.log(`# Gregor benchmark (${results.mode}) ${results.startedAt}`);
  console.log(`machine: ${String(m.nproc)} x ${String(m.cpuModel)}, ${String(m.memoryGiB)} GiB, Node ${String(m.node)}, commit ${String(m.commit)}${m.srcModified ? ` (+${String(m.srcModified)} modified files in src/)` : ''}`);
  console.log(`load average (1/5/15 min) at each section: ${Object.entries(results.loadAverage).map(([k, v]) => `${k} ${v.join('/')}`).join('; ')}`);
  console.log(`took ${results.durationSeconds} s\n`);
  for (const t of results.tables) console.log(`${markdown(t)}\n`);
  if (COMPARE) {
    const c = comparison(COMPARE);
    results.tables.push(c);
    console.log(`${markdown(c)}\n`);
  }
  if (results.notes.length) console.log(`notes:\n${results.notes.map((n) => `- ${n}`).join('\n')}\n`);
  if (SAVE) {
    mkdirSync(RESULTS_DIR, { recursive: true });
    const stamp = results.startedAt.replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z');
    const file = join(RESULTS_DIR, `${LABEL}-${stamp}.json`);
    writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`saved ${file}\n`);
  }
  console.log(JSON.stringify(results));
}

main().then(
  () => {
    removeTempDirs();
    process.exit(0);
  },
  (err: unknown) => {
    console.error(err);
    removeTempDirs();
    process.exit(1);
  },
);
