/**
 * The compression codecs' native modules (snappy, lz4-napi, @mongodb-js/zstd: ~15 MB of RSS
 * together) load on the first batch that needs them, not with the package: a fresh process that
 * imports the built package and starts a broker has none of them, and gets lz4 once a compressed
 * batch is produced.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ENTRY = fileURLToPath(new URL('../../../dist/src/index.js', import.meta.url));
const CODECS = fileURLToPath(new URL('../../../dist/src/protocol/records/compression/index.js', import.meta.url));

const SCRIPT = `
import { createRequire } from 'node:module';
const { startBroker } = await import(process.argv[1]);
const loaded = () => Object.keys(createRequire(import.meta.url).cache).filter((k) => /snappy|lz4-napi|zstd/.test(k)).map((k) => k.replace(/.*node_modules\\//, ''));
const broker = await startBroker({ host: '127.0.0.1', logLevel: 'silent' });
const atStart = loaded();
const { compressSync } = await import(process.argv[2]);
compressSync(3, Buffer.from('x'.repeat(1000)));
const afterLz4 = loaded();
await broker.close();
console.log(JSON.stringify({ atStart, afterLz4 }));
`;

describe('codec modules', () => {
  it('are loaded on first use, not at start-up', () => {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', SCRIPT, ENTRY, CODECS], { encoding: 'utf8', timeout: 30_000 });
    const { atStart, afterLz4 } = JSON.parse(out.trim().split('\n').pop()!) as { atStart: string[]; afterLz4: string[] };
    expect(atStart).toEqual([]);
    expect(afterLz4.some((m) => m.startsWith('lz4-napi/'))).toBe(true);
    expect(afterLz4.some((m) => m.includes('snappy') || m.includes('zstd'))).toBe(false);
  });
});
