/**
 * Per-test resources for integration tests: brokers (in-process, ephemeral port), temp dirs,
 * child processes and anything else with a close(). `useResources()` registers an afterEach in
 * the calling suite that releases everything the test acquired, in reverse order, even when the
 * test failed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { startBroker, type RunningBroker, type StartBrokerOptions } from '../../../src/index.js';
import { BatchHeader } from '../../../src/protocol/records/batch-header.js';
import { iterateBatches } from '../../../src/protocol/records/batch-iterator.js';
import { killChildren } from './process.js';

export interface Resources {
  /** Starts an in-process broker on an ephemeral port; closed after the test. */
  broker(options?: StartBrokerOptions): Promise<RunningBroker>;
  /** A fresh temp directory, removed after the test. */
  tempDir(prefix?: string): Promise<string>;
  /** Runs `fn` after the test (before brokers started earlier are closed). */
  defer(fn: () => unknown): void;
}

export function useResources(): Resources {
  let cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    killChildren();
    const list = cleanups.reverse();
    cleanups = [];
    const errors: unknown[] = [];
    for (const fn of list) {
      try {
        await fn();
      } catch (e) {
        errors.push(e);
      }
    }
    if (errors.length > 0) throw errors[0];
  });
  return {
    async broker(options = {}) {
      const b = await startBroker({ logLevel: process.env.GREGOR_TEST_LOG_LEVEL ?? 'silent', ...options });
      cleanups.push(() => b.close());
      return b;
    },
    async tempDir(prefix = 'gregor-it-') {
      const dir = await mkdtemp(join(tmpdir(), prefix));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      return dir;
    },
    defer(fn) {
      cleanups.push(fn);
    },
  };
}

export interface StoredBatch {
  baseOffset: bigint;
  lastOffset: bigint;
  recordsCount: number;
  compression: number;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  isTransactional: boolean;
}

/** The headers of the batches stored in one partition's log (looked at inside the broker). */
export function storedBatches(broker: RunningBroker, topic: string, partition: number): StoredBatch[] {
  const p = broker.broker.replicas.getPartition(topic, partition);
  if (!p) throw new Error(`broker does not host ${topic}-${partition}`);
  const read = p.log.read(p.log.logStartOffset, 0x7fffffff, { minOneMessage: true });
  const out: StoredBatch[] = [];
  for (const chunk of read.records) {
    for (const batch of iterateBatches(chunk)) {
      const h = new BatchHeader(batch);
      out.push({
        baseOffset: h.baseOffset,
        lastOffset: h.lastOffset,
        recordsCount: h.recordsCount,
        compression: h.compression,
        producerId: h.producerId,
        producerEpoch: h.producerEpoch,
        baseSequence: h.baseSequence,
        isTransactional: h.isTransactional,
      });
    }
  }
  return out;
}

/** Log end offsets of every partition of a topic, from the broker's own logs. */
export function logEndOffsets(broker: RunningBroker, topic: string): bigint[] {
  const t = broker.broker.image.topicsByName.get(topic);
  if (!t) throw new Error(`no topic ${topic}`);
  return [...t.partitions.keys()].sort((a, b) => a - b).map((i) => broker.broker.replicas.getPartition(topic, i)!.log.logEndOffset);
}
