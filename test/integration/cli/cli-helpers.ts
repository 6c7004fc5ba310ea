/**
 * Running the `gregor` CLI as a child process (`node bin/gregor.js ...`, which runs from dist/)
 * against a broker started in the test process.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const BIN = join(ROOT, 'bin/gregor.js');

/**
 * Builds dist/ when any source is newer than it (`npm test` builds first; `npx vitest run` does
 * not). Test files run in parallel, so the check-and-build runs under an flock.
 */
export function ensureBuilt(): void {
  const script = join(ROOT, 'test/integration/cli/build-if-stale.mjs');
  const flock = ['/usr/bin/flock', '/bin/flock'].find((p) => existsSync(p));
  const [cmd, args] = flock ? [flock, [join(tmpdir(), 'gregor-dist-build.lock'), process.execPath, script, ROOT]] : [process.execPath, [script, ROOT]];
  execFileSync(cmd, args, { cwd: ROOT, stdio: 'inherit', timeout: 120_000 });
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `gregor <args>` with `input` on stdin (closed afterwards); kills it after `timeoutMs`. */
export function runCli(args: readonly string[], options: { input?: string | Buffer; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`gregor ${args.join(' ')} did not finish within ${options.timeoutMs ?? 20_000} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 20_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

/** A port nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}
