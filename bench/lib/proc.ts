/**
 * Child processes for the benchmark suite: every child is started through here, has a hard time
 * limit, reports one `RESULT {json}` line on stdout, and is killed (by its own pid) when the suite
 * ends or is interrupted. Also reads a process's CPU time and RSS from /proc.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const DIST_BENCH = join(import.meta.dirname, '..');
export const REPO_ROOT = join(DIST_BENCH, '..', '..');

const live = new Set<ChildProcess>();

/** Kills every child still alive (SIGKILL, by pid). Called on exit and on SIGINT/SIGTERM. */
export function killAllChildren(): void {
  for (const c of live) {
    if (c.exitCode === null && c.signalCode === null) {
      try {
        c.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  live.clear();
}

let hooksInstalled = false;
export function installCleanupHooks(extra: () => void = () => {}): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  const onExit = () => {
    killAllChildren();
    extra();
  };
  process.on('exit', onExit);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      console.error(`\n${sig}: stopping children and removing temp dirs`);
      onExit();
      process.exit(130);
    });
  }
}

export interface ChildResult<T> {
  code: number | null;
  signal: NodeJS.Signals | null;
  result: T | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  wallMs: number;
}

export interface RunningChild<T> {
  child: ChildProcess;
  pid: number;
  done: Promise<ChildResult<T>>;
}

export interface StartOptions {
  timeoutMs: number;
  execArgv?: string[];
  env?: Record<string, string>;
  /** Wrap the command in `sh -c 'ulimit -n N; exec ...'` (raise the soft fd limit). */
  fdLimit?: number;
}

/** Starts `node <script> <args>` (script relative to dist/bench), collecting its RESULT line. */
export function startNode<T>(script: string, args: string[], opts: StartOptions): RunningChild<T> {
  const file = join(DIST_BENCH, script);
  const nodeArgs = [...(opts.execArgv ?? []), file, ...args];
  let child: ChildProcess;
  if (opts.fdLimit) {
    const quoted = [process.execPath, ...nodeArgs].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    child = spawn('/bin/sh', ['-c', `ulimit -n ${opts.fdLimit} && exec ${quoted}`], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } });
  } else {
    child = spawn(process.execPath, nodeArgs, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } });
  }
  return track<T>(child, opts.timeoutMs);
}

/** Forks `node <script>` with an IPC channel (for the broker and ceiling processes). */
export function forkNode<T>(script: string, args: string[], opts: StartOptions): RunningChild<T> {
  const child = fork(join(DIST_BENCH, script), args, { execArgv: opts.execArgv ?? [], silent: true, env: { ...process.env, ...opts.env } });
  return track<T>(child, opts.timeoutMs);
}

function track<T>(child: ChildProcess, timeoutMs: number): RunningChild<T> {
  live.add(child);
  const started = Date.now();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout?.on('data', (b: Buffer) => out.push(b));
  child.stderr?.on('data', (b: Buffer) => {
    err.push(b);
    if (process.env.BENCH_VERBOSE) process.stderr.write(b);
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  timer.unref();
  const done = new Promise<ChildResult<T>>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      live.delete(child);
      const stdout = Buffer.concat(out).toString('utf8');
      const line = stdout.split('\n').reverse().find((l) => l.startsWith('RESULT '));
      let result: T | null = null;
      if (line) {
        try {
          result = JSON.parse(line.slice(7)) as T;
        } catch {
          result = null;
        }
      }
      resolve({ code, signal, result, stdout, stderr: Buffer.concat(err).toString('utf8'), timedOut, wallMs: Date.now() - started });
    });
    child.on('error', () => {
      // 'close' follows
    });
  });
  return { child, pid: child.pid ?? -1, done };
}

/** Runs a child to completion and returns its RESULT (throws with its stderr if there is none). */
export async function runNode<T>(script: string, args: string[], opts: StartOptions): Promise<{ result: T; wallMs: number; pid: number }> {
  const c = startNode<T>(script, args, opts);
  const r = await c.done;
  if (r.result === null) {
    throw new Error(`${script} ${r.timedOut ? 'timed out' : `exited with ${r.code ?? r.signal}`} without a result\n${r.stderr.slice(-3000)}\n${r.stdout.slice(-1000)}`);
  }
  return { result: r.result, wallMs: r.wallMs, pid: c.pid };
}

/** Prints the result line a parent collects. */
export function emitResult(value: unknown): void {
  process.stdout.write(`RESULT ${JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))}\n`);
}

// ---- /proc ------------------------------------------------------------------------------------

const CLOCK_TICKS = 100; // getconf CLK_TCK on Linux x86-64

/** utime + stime of a process, in seconds (0 when it is gone). */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm (field 2) may contain spaces: split after the closing parenthesis.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // rest[0] is field 3 (state); utime is field 14, stime field 15.
    return (Number(rest[11]) + Number(rest[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** Resident set size in bytes (VmRSS), 0 when the process is gone. */
export function rssBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmRSS:\s+(\d+) kB/.exec(status);
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Nanoseconds the main thread of a process has spent waiting on a run queue (runnable but not
 * running: the CPU was busy with something else), from /proc/<pid>/schedstat; 0 when unavailable.
 */
export function runQueueWaitNs(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]);
  } catch {
    return 0;
  }
}

/**
 * CPU use of a process over a window, as % of one core, and how long its main thread (the event
 * loop) waited for a CPU, as % of the window: on a shared machine a high wait means the figures
 * of that run are bounded by other people's work, not by the process.
 */
export class CpuMeter {
  private cpu0 = 0;
  private wait0 = 0;
  private t0 = 0;
  waitPct = NaN;
  constructor(private readonly pid: number) {}
  start(): this {
    this.cpu0 = cpuSeconds(this.pid);
    this.wait0 = runQueueWaitNs(this.pid);
    this.t0 = performance.now();
    return this;
  }
  /** % of one core since start(); sets waitPct. */
  stop(): number {
    const wallMs = performance.now() - this.t0;
    if (wallMs <= 0) return 0;
    this.waitPct = (100 * (runQueueWaitNs(this.pid) - this.wait0)) / 1e6 / wallMs;
    return (100 * (cpuSeconds(this.pid) - this.cpu0)) / (wallMs / 1000);
  }
}

/** Samples a process's RSS every intervalMs and keeps the peak. */
export class RssSampler {
  peak = 0;
  private timer: NodeJS.Timeout | null = null;
  constructor(private readonly pid: number, private readonly intervalMs = 100) {}
  start(): this {
    this.peak = Math.max(this.peak, rssBytes(this.pid));
    this.timer = setInterval(() => {
      this.peak = Math.max(this.peak, rssBytes(this.pid));
    }, this.intervalMs);
    return this;
  }
  stop(): number {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.peak = Math.max(this.peak, rssBytes(this.pid));
    return this.peak;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Prints a marker line (`MARK <name>`) that the parent sees as it happens (measurement windows). */
export function emitMark(name: string): void {
  process.stdout.write(`MARK ${name}\n`);
}

/** Calls fn(name) for every `MARK <name>` line the child prints. */
export function onMarks(child: ChildProcess, fn: (name: string) => void): void {
  let partial = '';
  child.stdout?.on('data', (b: Buffer) => {
    const text = partial + b.toString('utf8');
    const lines = text.split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) if (l.startsWith('MARK ')) fn(l.slice(5).trim());
  });
}

/** Process CPU (user+system) over a window of this process, in % of one core. */
export class SelfCpu {
  private u0 = process.cpuUsage();
  private t0 = performance.now();
  start(): this {
    this.u0 = process.cpuUsage();
    this.t0 = performance.now();
    return this;
  }
  stop(): number {
    const u = process.cpuUsage(this.u0);
    const wallUs = (performance.now() - this.t0) * 1000;
    return wallUs > 0 ? (100 * (u.user + u.system)) / wallUs : 0;
  }
}
