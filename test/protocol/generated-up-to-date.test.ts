import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const schemas = join(root, '..', 'shared', 'kafka-protocol');
const available = existsSync(join(schemas, 'messages'));

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out.sort();
}

describe('generated protocol code', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'gregor-gen-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it.skipIf(!available)('matches a fresh generation from the schemas', () => {
    const out = join(tmp, 'generated');
    const descriptors = join(tmp, 'descriptors.ts');
    execFileSync(process.execPath, ['scripts/generate-protocol.mjs', '--schemas', schemas, '--out', out, '--descriptors', descriptors], { cwd: root });
    const committedDir = join(root, 'src', 'protocol', 'generated');
    const fresh = listFiles(out).map((p) => relative(out, p));
    const committed = listFiles(committedDir).map((p) => relative(committedDir, p));
    expect(committed).toEqual(fresh);
    for (const f of fresh) {
      expect(readFileSync(join(committedDir, f), 'utf8'), f).toBe(readFileSync(join(out, f), 'utf8'));
    }
    expect(readFileSync(join(root, 'test', 'protocol', 'generated', 'descriptors.ts'), 'utf8')).toBe(readFileSync(descriptors, 'utf8'));
  });

  it.runIf(!available)('schemas not available: ../shared/kafka-protocol is absent, generation check skipped', () => {
    expect(available).toBe(false);
  });
});
