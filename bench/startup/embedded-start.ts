/**
 * Embedded start-up in a fresh process: time to import the package, startBroker() (in memory, or
 * on a temp dir with --disk), create a topic, and get the first Produce acknowledged over the wire
 * (one record, acks=1, through bench/lib/wire.ts). Also the RSS after that first ack.
 *
 * argv: [--disk]. Prints RESULT {importMs, startMs, firstAckMs, rss}.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emitResult } from '../lib/proc.js';

const disk = process.argv.includes('--disk');

async function main(): Promise<void> {
  const t0 = performance.now();
  const { startBroker } = await import('../../src/index.js');
  const { makeBatch } = await import('../lib/records.js');
  const { produceRequest, WireConnection, PRODUCE_VERSION } = await import('../lib/wire.js');
  const { decodeResponseFrame } = await import('../../src/protocol/frame.js');
  const importMs = performance.now() - t0;
  const batch = makeBatch(1, 100);
  const request = produceRequest('first', [{ index: 0, records: batch }], 1);
  const dir = disk ? mkdtempSync(join(tmpdir(), 'gregor-bench-embedded-')) : undefined;
  try {
    const t1 = performance.now();
    const broker = await startBroker({ logDir: dir });
    const startMs = performance.now() - t1;
    await broker.createTopic('first', { partitions: 1 });
    const conn = await WireConnection.open(broker.host, broker.port);
    const frame = await conn.request(request);
    const firstAckMs = performance.now() - t1;
    const res = decodeResponseFrame(0, PRODUCE_VERSION, frame).body as { responses: { partitionResponses: { errorCode: number }[] }[] };
    const errorCode = res.responses[0]?.partitionResponses[0]?.errorCode ?? -1;
    const rss = process.memoryUsage().rss;
    conn.close();
    await broker.close();
    emitResult({ importMs, startMs, firstAckMs, rss, errorCode, storage: disk ? 'disk' : 'memory' });
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
