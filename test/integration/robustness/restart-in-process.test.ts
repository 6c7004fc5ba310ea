/**
 * Restarts inside the test process on a MemoryStorageFs shared by two Broker instances: the first
 * "dies" (its sockets stop, its storage is left exactly as the page cache would hold it after a
 * kill -9: nothing flushed, no checkpoints, no clean-shutdown marker), the second starts on the
 * same files. Fast, deterministic counterparts of the CLI durability tests.
 */
import { Kafka, logLevel } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { Broker } from '../../../src/broker/broker.js';
import { loadBrokerConfig } from '../../../src/config/sources.js';
import { silentLogger } from '../../../src/logger.js';
import { ApiKey } from '../../../src/protocol/generated/api-messages.js';
import { defaultListOffsetsRequest, type ListOffsetsResponse } from '../../../src/protocol/generated/api/02-list-offsets.js';
import { MemoryStorageFs } from '../../../src/storage/fs/memory-fs.js';
import { ManualScheduler } from '../../../src/storage/scheduler.js';
import { existsSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { startBroker } from '../../../src/index.js';
import { RawKafkaClient, makeTempDir } from '../helpers-robustness.js';

const LOG_DIR = '/robustness/data';
const running: Broker[] = [];
const clients: RawKafkaClient[] = [];

function config() {
  return loadBrokerConfig({
    properties: {
      'process.roles': 'broker,controller',
      'node.id': '1',
      listeners: 'PLAINTEXT://127.0.0.1:0,CONTROLLER://127.0.0.1:0',
      'advertised.listeners': 'PLAINTEXT://127.0.0.1:0',
      'controller.listener.names': 'CONTROLLER',
      'controller.quorum.voters': '1@127.0.0.1:9093',
      'log.dirs': LOG_DIR,
      'offsets.topic.replication.factor': '1',
    },
  }).config;
}

async function start(fs: MemoryStorageFs): Promise<Broker> {
  // A scheduler that never fires: no background flush or checkpoint happens behind the test's back.
  const broker = await Broker.start({ config: config(), fs, log: silentLogger(), scheduler: new ManualScheduler(0) });
  running.push(broker);
  return broker;
}

/** The process dies: connections drop, nothing is flushed or checkpointed, no marker is written. */
async function kill(broker: Broker): Promise<void> {
  const dead = broker as unknown as { socketServer: { close(ms: number): Promise<void> }; dirLock: { release(): void } };
  await dead.socketServer.close(0);
  // The process is gone, and with it its hold on the log directories.
  dead.dirLock.release();
  running.splice(running.indexOf(broker), 1);
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const b of running.splice(0)) await b.close();
});

async function latestOffset(broker: Broker, topic: string): Promise<bigint> {
  const c = await RawKafkaClient.connect(broker.address().port);
  clients.push(c);
  const res = await c.request<ListOffsetsResponse>(ApiKey.ListOffsets, 5, {
    ...defaultListOffsetsRequest(),
    replicaId: -1,
    topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n, maxNumOffsets: 1 }] }],
  });
  const p = res.body.topics[0]!.partitions[0]!;
  expect(p.errorCode).toBe(0);
  return p.offset;
}

describe('restart after a kill (in process)', () => {
  it('records acknowledged before the kill are visible to consumers right after the restart (high watermark = log end)', async () => {
    const fs = new MemoryStorageFs();
    const first = await start(fs);
    const producer = new Kafka({ brokers: [`127.0.0.1:${first.address().port}`], logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    await producer.send({ topic: 'hw', acks: -1, messages: Array.from({ length: 5 }, (_, i) => ({ value: `v${i}` })) });
    await producer.disconnect();
    expect(await latestOffset(first, 'hw')).toBe(5n);
    await kill(first);

    const second = await start(fs);
    const partition = second.replicas.getPartition('hw', 0)!;
    expect(partition.log.logEndOffset).toBe(5n);
    // With this node the only replica, everything in its log is committed: Kafka's makeLeader
    // moves the high watermark to the log end at once; a stale (or missing) checkpoint must not hide data.
    expect(partition.log.highWatermark).toBe(5n);
    expect(await latestOffset(second, 'hw')).toBe(5n);
  });
});

describe('log directory lock', () => {
  it('a second broker on the same directories fails before touching them; after close they can be reused', async () => {
    const fs = new MemoryStorageFs();
    const first = await start(fs);
    await expect(start(fs)).rejects.toThrow(/Failed to acquire lock on file \.lock in \/robustness\/data\. A Kafka instance in another process or thread is using this directory/);
    expect(fs.exists(`${LOG_DIR}/.kafka_cleanshutdown`)).toBe(false);
    // Brokers on other storage are not affected.
    await start(new MemoryStorageFs());
    await first.close();
    running.splice(running.indexOf(first), 1);
    await start(fs);
  });

  it('on disk: startBroker twice on one directory fails for the second, and the lock file goes away on close', async () => {
    const dir = makeTempDir();
    try {
      const a = await startBroker({ logDir: dir.path });
      expect(existsSync(join(dir.path, '.lock'))).toBe(true);
      await expect(startBroker({ logDir: dir.path })).rejects.toThrow(/Failed to acquire lock/);
      expect(existsSync(join(dir.path, '.kafka_cleanshutdown'))).toBe(false);
      await a.close();
      expect(existsSync(join(dir.path, '.lock'))).toBe(false);
      expect(existsSync(join(dir.path, '.kafka_cleanshutdown'))).toBe(true);
      const b = await startBroker({ logDir: dir.path });
      await b.close();
    } finally {
      dir.remove();
    }
  });

  it('on disk: a lock left by a process that is gone is taken over', async () => {
    const dir = makeTempDir();
    try {
      // A pid that cannot be running (above the kernel's pid_max).
      writeFileSync(join(dir.path, '.lock'), JSON.stringify({ pid: 2 ** 30, hostname: hostname(), processStart: null }));
      const a = await startBroker({ logDir: dir.path });
      await a.close();
      // A lock from another host (a recreated container) is stale too.
      writeFileSync(join(dir.path, '.lock'), JSON.stringify({ pid: process.ppid, hostname: 'another-host', processStart: null }));
      const b = await startBroker({ logDir: dir.path });
      await b.close();
      // A live process on this host holds it.
      writeFileSync(join(dir.path, '.lock'), JSON.stringify({ pid: process.ppid, hostname: hostname(), processStart: null }));
      await expect(startBroker({ logDir: dir.path })).rejects.toThrow(/Failed to acquire lock/);
    } finally {
      dir.remove();
    }
  });
});
