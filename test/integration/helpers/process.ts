/**
 * Running third-party client programs (kcat, Debian's python3) as child processes: every run has a
 * hard timeout, output is captured, and every child still alive is killed by `killChildren()`
 * (called from the per-test cleanup in resources.ts), by its own pid only.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface RunOptions {
  /** Written to the child's stdin, which is then closed. */
  input?: string | Buffer;
  /** Hard limit: the child is killed with SIGKILL after this long (default 20 s). */
  timeoutMs?: number;
  env?: Record<string, string>;
  cwd?: string;
}

export interface RunResult {
  command: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  durationMs: number;
}

const live = new Set<ChildProcess>();

export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const started = Date.now();
  const child = spawn(command, args, {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
    cwd: options.cwd,
  });
  live.add(child);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout!.on('data', (b: Buffer) => out.push(b));
  child.stderr!.on('data', (b: Buffer) => err.push(b));
  child.stdin!.on('error', () => {}); // the child may exit before reading all of its input
  child.stdin!.end(options.input ?? '');
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  return new Promise((resolve, reject) => {
    child.on('error', (e) => {
      clearTimeout(timer);
      live.delete(child);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      live.delete(child);
      resolve({
        command: [command, ...args].join(' '),
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
        durationMs: Date.now() - started,
      });
    });
  });
}

/** Throws with the command's output unless it exited with status 0 in time. */
export function assertSucceeded(r: RunResult): RunResult {
  if (r.code !== 0 || r.timedOut) {
    throw new Error(
      `${r.command} ${r.timedOut ? 'timed out' : `exited with ${r.code ?? r.signal}`} after ${r.durationMs} ms\n` +
        `--- stdout ---\n${r.stdout.slice(-4000)}\n--- stderr ---\n${r.stderr.slice(-4000)}`,
    );
  }
  return r;
}

/** Kills (SIGKILL) every child started by run() that is still alive. */
export function killChildren(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  live.clear();
}

// ---- Debian clients ---------------------------------------------------------------------------

export const KCAT = '/usr/bin/kcat';
/** Debian's python3 (with python3-confluent-kafka and python3-kafka), not the pyenv one on PATH. */
export const DEBIAN_PYTHON = '/usr/bin/python3';

function pythonHas(module: string): boolean {
  if (!existsSync(DEBIAN_PYTHON)) return false;
  return spawnSync(DEBIAN_PYTHON, ['-c', `import ${module}`], { stdio: 'ignore', timeout: 10_000 }).status === 0;
}

export const hasKcat = existsSync(KCAT);
export const hasConfluentKafka = pythonHas('confluent_kafka');
export const hasKafkaPython = pythonHas('kafka');

export const MISSING_KCAT = `${KCAT} is missing (Debian package kcat; .ci/run installs it)`;
export const MISSING_CONFLUENT_KAFKA = `${DEBIAN_PYTHON} cannot import confluent_kafka (Debian package python3-confluent-kafka)`;
export const MISSING_KAFKA_PYTHON = `${DEBIAN_PYTHON} cannot import kafka (Debian package python3-kafka)`;
