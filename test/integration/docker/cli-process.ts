/**
 * `node bin/gregor.js <args>` as a child process with a clean environment (only what is given,
 * plus PATH and HOME, as a container would have), stdout/stderr collected line by line, waits on
 * output lines with a deadline, and a kill of every child still running (by its own pid).
 *
 * The CLI runs from dist/: `npm test` builds first; for a single file run `npx tsc -p .` first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = `${REPO_ROOT}bin/gregor.js`;

export function assertBuilt(): void {
  if (!existsSync(`${REPO_ROOT}dist/src/cli/main.js`)) throw new Error('dist/ is missing: run `npx tsc -p .` (npm test builds first)');
}

export class CliProcess {
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private waiters: (() => void)[] = [];

  constructor(readonly child: ChildProcess) {
    const lines = (target: string[]) => {
      let partial = '';
      return (chunk: Buffer) => {
        const parts = (partial + chunk.toString('utf8')).split('\n');
        partial = parts.pop()!;
        target.push(...parts);
        for (const w of this.waiters.splice(0)) w();
      };
    };
    child.stdout!.on('data', lines(this.stdout));
    child.stderr!.on('data', lines(this.stderr));
    this.exited = new Promise((resolve) =>
      child.on('exit', (code, signal) => {
        resolve({ code, signal });
        for (const w of this.waiters.splice(0)) w();
      }),
    );
  }

  get output(): string {
    return `--- stdout ---\n${this.stdout.join('\n')}\n--- stderr ---\n${this.stderr.join('\n')}`;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The first stdout line matching, waiting up to timeoutMs; fails with the output so far. */
  async waitForLine(match: (line: string) => boolean, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.stdout.find(match);
      if (line !== undefined) return line;
      if (!this.running) throw new Error(`gregor exited (${this.child.exitCode ?? this.child.signalCode}) before the expected line\n${this.output}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for a line\n${this.output}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Lines between two marker lines of stdout. */
  between(start: string, end: string): string[] {
    const i = this.stdout.indexOf(start);
    const j = this.stdout.indexOf(end, i + 1);
    if (i < 0 || j < 0) throw new Error(`markers ${start} / ${end} not found\n${this.output}`);
    return this.stdout.slice(i + 1, j);
  }

  /** pino JSON log lines of stdout. */
  logs(): Record<string, unknown>[] {
    return this.stdout.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
  }
}

const live = new Set<CliProcess>();

export function startGregor(args: string[], env: Record<string, string>): CliProcess {
  assertBuilt();
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const p = new CliProcess(child);
  live.add(p);
  void p.exited.then(() => live.delete(p));
  return p;
}

/** Runs a command to completion (hard limit timeoutMs). */
export async function runGregor(args: string[], env: Record<string, string> = {}, timeoutMs = 20_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = startGregor(args, env);
  const timer = setTimeout(() => p.child.kill('SIGKILL'), timeoutMs);
  const { code } = await p.exited;
  clearTimeout(timer);
  return { code, stdout: p.stdout.join('\n'), stderr: p.stderr.join('\n') };
}

/** SIGKILLs every child started here that is still running. */
export async function killAllGregors(): Promise<void> {
  const all = [...live];
  for (const p of all) if (p.running) p.child.kill('SIGKILL');
  await Promise.all(all.map((p) => p.exited));
}

/** A TCP port that was free a moment ago (bound and released on the given host). */
export function freePort(host = '0.0.0.0'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen({ host, port: 0 }, () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}
