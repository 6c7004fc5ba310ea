/**
 * The embedding API's promises: several brokers in one process, each its own cluster on its own
 * port, and close() releasing every socket, timer and file it opened.
 *
 * Leaks are found three ways: an async_hooks tracker of every TCP handle, timer and file request
 * created while the brokers ran (each must be destroyed by the end, unref'd timers included,
 * which process.getActiveResourcesInfo() would not show), the active handle count, and the
 * process's open file descriptors (/proc/self/fd: the logs are written with synchronous fs calls,
 * which no hook sees).
 */
import { createHook } from 'node:async_hooks';
import { readdirSync } from 'node:fs';
import { get } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../../../src/index.js';
import { requestApiVersions } from '../../../src/cli/healthcheck.js';

const { Kafka, logLevel } = kafkajs;

const TRACKED = new Set(['TCPWRAP', 'TCPSERVERWRAP', 'TCPCONNECTWRAP', 'Timeout', 'FSREQCALLBACK', 'FILEHANDLE', 'FSREQPROMISE', 'PIPEWRAP', 'SIGNALWRAP', 'HTTPINCOMINGMESSAGE', 'HTTPCLIENTREQUEST']);

/**
 * Resources that are not the brokers': the test runner's own file reads, and Node's process-wide
 * HTTP Date-header cache (an unref'd timer that expires by itself one second after the last
 * HTTP response, here the metrics endpoint's).
 */
const NOT_OURS = [/node_modules\/(@vitest|vitest|vite)\//, /at utcDate \(node:internal\/http/];

function openFds(): string[] {
  return readdirSync('/proc/self/fd');
}

/** Lets closed handles and finished timers run their destroy hooks. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
  await new Promise((r) => setTimeout(r, 20));
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
}

/** GET without keep-alive (fetch() would leave undici's pool timers behind, which are not ours). */
function httpStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject);
  });
}

async function produceAndRead(broker: RunningBroker, topic: string, value: string): Promise<string[]> {
  const kafka = new Kafka({ clientId: `lifecycle-${topic}`, brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  const admin = kafka.admin();
  try {
    await producer.connect();
    await admin.connect();
    await producer.send({ topic, acks: -1, messages: [{ value }] });
    return (await admin.listTopics()).filter((t) => !t.startsWith('__'));
  } finally {
    await producer.disconnect();
    await admin.disconnect();
  }
}

describe('embedded brokers', () => {
  it('run side by side in one process and release every socket, timer and file on close()', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gregor-embed-'));
    try {
      await settle();
      const fdsBefore = openFds();
      const handlesBefore = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length;
      const live = new Map<number, string>();
      const hook = createHook({
        init(asyncId, type) {
          if (TRACKED.has(type)) live.set(asyncId, `${type}${new Error().stack ?? ''}`);
        },
        destroy(asyncId) {
          live.delete(asyncId);
        },
      });
      const stackTraceLimit = Error.stackTraceLimit;
      Error.stackTraceLimit = 50;
      hook.enable();
      let leaked: string[];
      try {
        // Three brokers: two in memory, one on disk with the metrics endpoint on.
        const brokers = await Promise.all([startBroker(), startBroker({ config: { 'num.partitions': 2 } }), startBroker({ logDir: dir, metricsPort: 0 })]);
        expect(new Set(brokers.map((b) => b.port)).size).toBe(3);
        expect(new Set(brokers.map((b) => b.clusterId)).size).toBe(3);
        // Each is its own cluster: a topic auto-created on one does not exist on the others.
        const seen = await Promise.all(brokers.map((b, i) => produceAndRead(b, `topic-${i}`, `from ${i}`)));
        expect(seen).toEqual([['topic-0'], ['topic-1'], ['topic-2']]);
        expect(brokers[1]!.broker.image.topicsByName.get('topic-1')!.partitions.size).toBe(2);
        expect(await httpStatus(brokers[2]!.metricsUrl!)).toBe(200);
        // Gregor's own wire client (the healthcheck) talks to it too.
        const hc = await requestApiVersions('127.0.0.1', brokers[0]!.port, 5000);
        expect(hc.errorCode).toBe(0);
        expect(openFds().length).toBeGreaterThan(fdsBefore.length);

        await Promise.all(brokers.map((b) => b.close()));
        // close() is idempotent.
        await brokers[0]!.close();
        await settle();
        leaked = [...live.values()].filter((stack) => !NOT_OURS.some((re) => re.test(stack)));
      } finally {
        hook.disable();
        Error.stackTraceLimit = stackTraceLimit;
      }
      expect(leaked).toEqual([]);
      expect((process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length).toBe(handlesBefore);
      expect(openFds()).toEqual(fdsBefore);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a restarted on-disk broker keeps its data and cluster id', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gregor-embed-'));
    try {
      const first = await startBroker({ logDir: dir, clusterId: 'EmbeddedClusterIdAAAAA' });
      await first.createTopic('kept', { partitions: 1 });
      await first.close();
      const second = await startBroker({ logDir: dir });
      expect(second.clusterId).toBe('EmbeddedClusterIdAAAAA');
      expect(second.broker.image.topicsByName.has('kept')).toBe(true);
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
