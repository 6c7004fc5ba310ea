/**
 * The broker under test, in its own process so that it never shares an event loop with a load
 * generator: startBroker() from the built package (dist/src/index.js) on 127.0.0.1, an ephemeral
 * port and a fresh temp log dir (or in-memory storage with --memory). Driven over IPC by
 * bench/run.ts: createTopic, deleteTopic, stats, close. On close it stops the broker, removes its
 * temp dir and exits normally (so that --cpu-prof writes its profile).
 *
 * argv: [--memory] [--config key=value ...]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker, type RunningBroker } from '../src/index.js';

interface Command {
  type: string;
  id?: number;
  name?: string;
  partitions?: number;
  configs?: Record<string, string>;
}

const args = process.argv.slice(2);
const memory = args.includes('--memory');
const overrides: Record<string, string> = {};
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--config') {
    const [k, ...v] = args[++i]!.split('=');
    overrides[k!] = v.join('=');
  }
}

const dir = memory ? null : mkdtempSync(join(tmpdir(), 'gregor-bench-broker-'));
let broker: RunningBroker | null = null;

function reply(id: number | undefined, value: Record<string, unknown>): void {
  process.send?.({ type: 'reply', id, ...value });
}

function cleanupDir(): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

async function main(): Promise<void> {
  const t0 = performance.now();
  broker = await startBroker({
    logDir: dir ?? undefined,
    host: '127.0.0.1',
    logLevel: process.env.BENCH_BROKER_LOG_LEVEL ?? 'silent',
    config: { 'auto.create.topics.enable': false, ...overrides },
  });
  const startMs = performance.now() - t0;
  process.send?.({ type: 'ready', port: broker.port, dir, startMs });
}

process.on('message', (m: Command) => {
  void handle(m).catch((err: unknown) => reply(m.id, { ok: false, error: err instanceof Error ? err.message : String(err) }));
});

async function handle(m: Command): Promise<void> {
  const b = broker;
  if (!b) throw new Error('broker not started');
  switch (m.type) {
    case 'createTopic': {
      const t0 = performance.now();
      await b.createTopic(m.name!, { partitions: m.partitions ?? 1, configs: m.configs });
      reply(m.id, { ok: true, ms: performance.now() - t0 });
      return;
    }
    case 'deleteTopic': {
      // Internal API (no admin client needed); skipped quietly if the broker's internals change.
      const inner = b.broker as unknown as { image?: { topicsByName?: Map<string, unknown> }; controller?: { deleteTopic?: (t: unknown) => void } };
      const topic = inner.image?.topicsByName?.get(m.name!);
      if (topic && typeof inner.controller?.deleteTopic === 'function') inner.controller.deleteTopic(topic);
      reply(m.id, { ok: true, deleted: Boolean(topic) });
      return;
    }
    case 'stats': {
      const mem = process.memoryUsage();
      reply(m.id, { ok: true, rss: mem.rss, heapUsed: mem.heapUsed, external: mem.external, arrayBuffers: mem.arrayBuffers });
      return;
    }
    case 'gc': {
      (globalThis as { gc?: () => void }).gc?.();
      reply(m.id, { ok: true });
      return;
    }
    case 'close': {
      await b.close();
      broker = null;
      cleanupDir();
      reply(m.id, { ok: true });
      process.exit(0);
    }
  }
}

process.on('disconnect', () => {
  // The parent went away: stop quickly, leave nothing behind.
  const b = broker;
  broker = null;
  const done = () => {
    cleanupDir();
    process.exit(0);
  };
  if (b) b.close().then(done, done);
  else done();
});

main().catch((err: unknown) => {
  console.error(err);
  cleanupDir();
  process.exit(1);
});
