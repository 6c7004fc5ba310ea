/**
 * A real process killed with SIGKILL while its log cleaner is writing `.cleaned` segments: the
 * broker restarted on the same log dir recovers (temporary files gone, swaps completed or undone)
 * and a consumer from the beginning reads, for every key, the last value produced, at the offsets
 * the producer was given, and nothing that was not produced.
 *
 * The child broker is this repository's source bundled on the fly with rolldown (the bundler vitest
 * already ships); the cleaner is slowed down with log.cleaner.io.max.bytes.per.second so that the
 * kill lands in the middle of a cleaning, detected by a `.cleaned` file appearing.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useResources } from '../helpers/broker.js';
import { kafkajs } from '../helpers/node-clients.js';
import { pythonConsume } from '../helpers/python.js';
import { waitUntil, withTimeout } from '../helpers/wait.js';

const REPO = join(import.meta.dirname, '..', '..', '..');
const CACHE = join(REPO, 'node_modules', '.cache', 'gregor-log-management');

async function bundleChildBroker(): Promise<string | null> {
  let rolldown: { build: (options: Record<string, unknown>) => Promise<unknown> };
  try {
    rolldown = (await import('rolldown' as string)) as typeof rolldown;
  } catch {
    return null;
  }
  mkdirSync(CACHE, { recursive: true });
  const entry = join(CACHE, 'child-broker.ts');
  writeFileSync(
    entry,
    [
      `import { startBroker } from ${JSON.stringify(join(REPO, 'src', 'embedded.ts'))};`,
      `const [logDir, config] = process.argv.slice(2);`,
      `const b = await startBroker({ logDir, config: JSON.parse(config) });`,
      `process.stdout.write(JSON.stringify({ ready: b.bootstrap }) + '\\n');`,
    ].join('\n'),
  );
  const out = join(CACHE, 'child-broker.mjs');
  await rolldown.build({
    input: entry,
    platform: 'node',
    logLevel: 'silent',
    external: (id: string) => !id.startsWith('/') && !id.startsWith('.'),
    output: { file: out, format: 'esm', codeSplitting: false },
  });
  return out;
}

describe('kill -9 during compaction', () => {
  const res = useResources();

  it('the log recovers and consumes correctly after the broker is killed mid-cleaning', async () => {
    const script = await bundleChildBroker();
    if (script === null) return; // no bundler available: nothing to run the child with
    const dir = await res.tempDir('gregor-kill-');
    const config = {
      'log.cleaner.backoff.ms': '20',
      'log.cleaner.io.max.bytes.per.second': '400000',
      'log.retention.check.interval.ms': '1000000',
    };
    const child = spawn(process.execPath, [script, dir, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'] });
    res.defer(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const bootstrap = await waitUntil(() => /"ready":"([^"]+)"/.exec(stdout)?.[1], { timeoutMs: 15_000, what: `the child broker to start (stderr: ${stderr.slice(-500)})` });

    const admin = kafkajs(bootstrap).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'killed', configEntries: [{ name: 'cleanup.policy', value: 'compact' }, { name: 'segment.ms', value: '5' }, { name: 'min.cleanable.dirty.ratio', value: '0.01' }] }] });
    await admin.disconnect();
    const producer = kafkajs(bootstrap).producer();
    await producer.connect();
    const last = new Map<string, { offset: number; value: string }>();
    const produced = new Map<number, { key: string; value: string }>();
    let ts = Date.now() - 60_000;
    const partDir = join(dir, 'killed-0');
    const cleaning = () => existsSync(partDir) && readdirSync(partDir).some((n) => n.endsWith('.cleaned'));
    // 2 MB in 40 batches (each its own segment), until a cleaning is under way.
    for (let batch = 0; batch < 200 && !(batch >= 40 && cleaning()); batch++) {
      ts += 10;
      const messages = Array.from({ length: 25 }, (_, i) => ({ key: `key-${(batch * 25 + i) % 60}`, value: `${batch}-${i}-${'x'.repeat(2000)}`, timestamp: String(ts) }));
      const [meta] = await producer.send({ topic: 'killed', messages });
      messages.forEach((m, i) => {
        const offset = Number(meta!.baseOffset) + i;
        last.set(m.key, { offset, value: m.value });
        produced.set(offset, { key: m.key, value: m.value });
      });
    }
    await producer.disconnect();
    await waitUntil(cleaning, { timeoutMs: 20_000, intervalMs: 2, what: 'a .cleaned segment to appear' });
    child.kill('SIGKILL');
    await withTimeout(new Promise((r) => child.once('exit', r)), 5_000, 'the child to die');

    const broker = await res.broker({ logDir: dir });
    expect(readdirSync(partDir).filter((n) => n.endsWith('.cleaned') || n.endsWith('.swap'))).toEqual([]);
    const read = await pythonConsume('confluent-kafka', broker.bootstrap, 'killed', [0]);
    expect(read.complete).toBe(true);
    const seen = new Map<string, { offset: number; value: string | null }>();
    for (const m of read.messages) {
      expect(produced.get(m.offset), `offset ${m.offset} was produced with this key and value`).toEqual({ key: m.key, value: m.value });
      seen.set(m.key!, { offset: m.offset, value: m.value });
    }
    expect(seen).toEqual(last);
    expect(read.messages.length).toBeLessThanOrEqual(produced.size);
  });
});
