/**
 * Helpers for the robustness and durability tests: the `gregor` CLI as a child process (pino JSON
 * lines on stdout, parsed as they arrive), a raw Kafka-protocol socket client, kcat, temp dirs.
 *
 * Synchronisation is by events with bounded polling (a log line, a port that answers, a process
 * exit), never by sleeping.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, rmdirSync, statSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeResponseFrame, encodeRequestFrame } from '../../src/protocol/frame.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const GREGOR_BIN = join(REPO_ROOT, 'bin/gregor.js');
export const SHIPPED_CONFIG = join(REPO_ROOT, 'config/server.properties');

// ---------------------------------------------------------------------------------------------
// build, temp dirs, polling
// ---------------------------------------------------------------------------------------------

function newestMtime(dir: string, suffix: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) newest = Math.max(newest, newestMtime(p, suffix));
    else if (name.endsWith(suffix)) newest = Math.max(newest, st.mtimeMs);
  }
  return newest;
}

/**
 * The CLI runs from dist/: compile (`tsc -p .`) when a source file is newer than the build. A lock
 * directory keeps test files running in parallel from compiling at the same time.
 */
export async function ensureBuilt(): Promise<void> {
  const lock = join(REPO_ROOT, 'dist', '.robustness-build-lock');
  mkdirSync(join(REPO_ROOT, 'dist'), { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock left by a killed run is stale after two minutes.
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error('timed out waiting for another build of dist/');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    const built = join(REPO_ROOT, 'dist/src/cli/main.js');
    if (existsSync(built) && statSync(built).mtimeMs >= newestMtime(join(REPO_ROOT, 'src'), '.ts')) return;
    await new Promise<void>((resolvePromise, reject) => {
      execFile(process.execPath, [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', '.'], { cwd: REPO_ROOT }, (err, stdout) => {
        // tsc still emits when other files have type errors; only a missing output is fatal.
        if (!existsSync(built)) reject(new Error(`tsc failed: ${err?.message ?? ''}\n${stdout}`));
        else resolvePromise();
      });
    });
  } finally {
    rmdirSync(lock);
  }
}

export function makeTempDir(prefix = 'gregor-robustness-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export async function waitUntil<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The environment without KAFKA_* / CLUSTER_ID of the machine running the tests, plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('KAFKA_') && k !== 'CLUSTER_ID' && k !== 'GREGOR_LOG_LEVEL') env[k] = v;
  return { ...env, ...extra };
}

// ---------------------------------------------------------------------------------------------
// the CLI as a child process
// ---------------------------------------------------------------------------------------------

export type LogLine = Record<string, unknown> & { level: number; msg: string };

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `gregor <args>` to completion. */
export function runGregor(args: string[], opts: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolvePromise) => {
    execFile(process.execPath, [GREGOR_BIN, ...args], { cwd: REPO_ROOT, env: cleanEnv(opts.env), timeout: opts.timeoutMs ?? 20_000 }, (err, stdout, stderr) => {
      const e = err as (Error & { code?: number | string; signal?: NodeJS.Signals }) | null;
      resolvePromise({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, signal: e?.signal ?? null, stdout, stderr });
    });
  });
}

/** `--override` arguments binding both listeners to ephemeral ports on 127.0.0.1 and putting the data in dataDir. */
export function ephemeralOverrides(dataDir: string): string[] {
  return [
    '--override', 'listeners=PLAINTEXT://127.0.0.1:0,CONTROLLER://127.0.0.1:0',
    '--override', 'advertised.listeners=PLAINTEXT://127.0.0.1:0',
    '--override', `log.dirs=${dataDir}`,
  ];
}

export interface StartCliOptions {
  dataDir: string;
  /** More `--override k=v` values. */
  overrides?: string[];
  env?: Record<string, string>;
  /** Replaces the default `--config config/server.properties` and ephemeral overrides. */
  args?: string[];
  /** Options for node itself, before the script (e.g. --require a probe). */
  nodeArgs?: string[];
}

export class CliBroker {
  readonly lines: LogLine[] = [];
  stdout = '';
  stderr = '';
  exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  port = 0;

  private constructor(readonly child: ChildProcess) {
    let partial = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (s: string) => {
      this.stdout += s;
      partial += s;
      let nl: number;
      while ((nl = partial.indexOf('\n')) >= 0) {
        const line = partial.slice(0, nl);
        partial = partial.slice(nl + 1);
        try {
          this.lines.push(JSON.parse(line) as LogLine);
        } catch {
          // not a log line
        }
      }
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (s: string) => (this.stderr += s));
    this.exited = new Promise((resolvePromise) => {
      child.on('exit', (code, signal) => {
        this.exit = { code, signal };
        resolvePromise(this.exit);
      });
    });
  }

  /** Starts `gregor start` and waits for "Gregor started" (the PLAINTEXT port is read from it). */
  static async start(opts: StartCliOptions): Promise<CliBroker> {
    const args = opts.args ?? ['--config', SHIPPED_CONFIG, ...ephemeralOverrides(opts.dataDir), ...(opts.overrides ?? []).flatMap((o) => ['--override', o])];
    const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), GREGOR_BIN, 'start', ...args], { cwd: REPO_ROOT, env: cleanEnv(opts.env), stdio: ['ignore', 'pipe', 'pipe'] });
    const broker = new CliBroker(child);
    running.add(broker);
    const started = await broker.waitForLog((l) => l.msg === 'Gregor started', 15_000);
    const listeners = started['listeners'] as string[];
    const plaintext = listeners.find((l) => l.startsWith('PLAINTEXT://'));
    broker.port = Number(plaintext!.slice(plaintext!.lastIndexOf(':') + 1));
    return broker;
  }

  get bootstrap(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Waits for a log line matching `match` (already printed or to come); fails if the process exits first. */
  async waitForLog(match: (l: LogLine) => boolean, timeoutMs = 10_000): Promise<LogLine> {
    return waitUntil(
      () => {
        const found = this.lines.find(match);
        if (found) return found;
        if (this.exit) throw new Error(`gregor exited (${JSON.stringify(this.exit)}) before the expected log line\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`);
        return undefined;
      },
      'a log line from gregor',
      timeoutMs,
    );
  }

  logs(match: (l: LogLine) => boolean): LogLine[] {
    return this.lines.filter(match);
  }

  /** Sends a signal and waits for the process to exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 10_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (!this.exit) this.child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const result = await Promise.race([
      this.exited,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`gregor did not exit within ${timeoutMs} ms of ${signal}`)), timeoutMs))),
    ]);
    clearTimeout(timer);
    running.delete(this);
    return result;
  }
}

const running = new Set<CliBroker>();

/** For afterEach: SIGKILLs every CLI broker a test left running. */
export async function killAllCliBrokers(): Promise<void> {
  await Promise.all([...running].map((b) => b.stop('SIGKILL').catch(() => undefined)));
}

// ---------------------------------------------------------------------------------------------
// a raw Kafka-protocol client
// ---------------------------------------------------------------------------------------------

export class RawKafkaClient {
  private pending = Buffer.alloc(0);
  readonly frames: Buffer[] = [];
  ended = false;
  closed = false;
  private nextCorrelationId = 1;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.pending = Buffer.concat([this.pending, chunk]);
      while (this.pending.length >= 4 && this.pending.length >= 4 + this.pending.readInt32BE(0)) {
        const size = this.pending.readInt32BE(0);
        this.frames.push(this.pending.subarray(4, 4 + size));
        this.pending = this.pending.subarray(4 + size);
      }
    });
    socket.on('end', () => (this.ended = true));
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => {});
  }

  static async connect(port: number, host = '127.0.0.1'): Promise<RawKafkaClient> {
    const socket = connect({ port, host });
    await new Promise<void>((resolvePromise, reject) => {
      socket.once('connect', resolvePromise);
      socket.once('error', reject);
    });
    return new RawKafkaClient(socket);
  }

  /** Encodes a request with Gregor's generated codecs. */
  frame(apiKey: number, apiVersion: number, body: unknown, correlationId = this.nextCorrelationId++): Buffer {
    return encodeRequestFrame({ requestApiKey: apiKey, requestApiVersion: apiVersion, correlationId, clientId: 'robustness-test' }, body);
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  async waitFrames(n: number, timeoutMs = 5000): Promise<Buffer[]> {
    await waitUntil(() => this.frames.length >= n || (this.closed && this.frames.length < n ? 'closed' : false), `${n} responses`, timeoutMs);
    if (this.frames.length < n) throw new Error(`connection closed after ${this.frames.length} of ${n} responses`);
    return this.frames;
  }

  /** Sends one request and decodes its response. */
  async request<T>(apiKey: number, apiVersion: number, body: unknown, responseVersion = apiVersion): Promise<{ correlationId: number; body: T }> {
    const before = this.frames.length;
    this.write(this.frame(apiKey, apiVersion, body));
    await this.waitFrames(before + 1);
    return decodeResponseFrame(apiKey, responseVersion, this.frames[before]!) as { correlationId: number; body: T };
  }

  /** Waits until the broker closes the connection. */
  async waitClosed(timeoutMs = 5000): Promise<void> {
    await waitUntil(() => this.ended || this.closed, 'the broker to close the connection', timeoutMs);
  }

  destroy(): void {
    this.socket.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// kcat
// ---------------------------------------------------------------------------------------------

function run(cmd: string, args: string[], input: string | null, timeoutMs: number): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { stdio: [input === null ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')} timed out after ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
    if (input !== null) child.stdin!.end(input);
  });
}

/** Produces one record per line to a partition with acks=all; fails unless kcat reports every delivery. */
export async function kcatProduce(bootstrap: string, topic: string, partition: number, values: string[]): Promise<void> {
  const r = await run('kcat', ['-P', '-b', bootstrap, '-t', topic, '-p', String(partition), '-X', 'request.required.acks=-1', '-X', 'linger.ms=0'], values.join('\n') + '\n', 20_000);
  if (r.code !== 0) throw new Error(`kcat -P failed (${r.code}): ${r.stderr}`);
}

export interface ConsumedRecord {
  offset: number;
  value: string;
}

/** Reads a partition from `offset` to its end. */
export async function kcatConsume(bootstrap: string, topic: string, partition: number, offset: number | 'beginning' = 'beginning'): Promise<ConsumedRecord[]> {
  const r = await run('kcat', ['-C', '-b', bootstrap, '-t', topic, '-p', String(partition), '-o', String(offset), '-e', '-q', '-f', '%o\\t%s\\n'], null, 20_000);
  if (r.code !== 0) throw new Error(`kcat -C failed (${r.code}): ${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const tab = l.indexOf('\t');
      return { offset: Number(l.slice(0, tab)), value: l.slice(tab + 1) };
    });
}
