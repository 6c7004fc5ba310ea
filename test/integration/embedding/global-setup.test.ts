/**
 * Runs the vitest globalSetup example of docs/embedding.md (./example: one broker for the whole
 * run, its address passed to the tests with provide/inject, kafkajs tests against it) as its own
 * vitest run, importing the package by its name ('gregor', resolved to dist/ by Node's package
 * self-reference), and checks that it passes.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assertBuilt, REPO_ROOT } from '../docker/cli-process.js';

const EXAMPLE_DIR = fileURLToPath(new URL('./example/', import.meta.url));

function runVitest(root: string, timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [`${REPO_ROOT}node_modules/vitest/vitest.mjs`, 'run', '--root', root], {
      cwd: REPO_ROOT,
      // The outer run's VITEST* variables would make the inner vitest think it is a worker.
      env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'TEST' && k !== 'NODE_ENV')), CI: 'true', FORCE_COLOR: '0', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('vitest globalSetup example', () => {
  it('starts one broker for the run, provides its address to the tests, closes it at the end', async () => {
    assertBuilt();
    const r = await runVitest(EXAMPLE_DIR, 90_000);
    expect(r.code, r.output).toBe(0);
    expect(r.output).toMatch(/Tests\s+2 passed \(2\)/);
  }, 120_000);
});
