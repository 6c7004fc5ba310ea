/**
 * Brokers for the log-management tests: in-process, like startBroker(), but with a broker clock
 * that the test can move forward (retention and compaction decide by the broker's clock, so
 * "an hour later" needs no waiting), and a view of the stored batches of a partition.
 */
import { Broker } from '../../../src/broker/broker.js';
import { loadBrokerConfig } from '../../../src/config/sources.js';
import { silentLogger } from '../../../src/logger.js';
import { createLogger } from '../../../src/logger.js';
import { BatchHeader } from '../../../src/protocol/records/batch-header.js';
import { iterateBatches } from '../../../src/protocol/records/batch-iterator.js';
import { MemoryStorageFs } from '../../../src/storage/fs/memory-fs.js';
import { NodeStorageFs } from '../../../src/storage/fs/node-fs.js';
import type { Resources } from '../helpers/broker.js';

export interface ClockBroker {
  broker: Broker;
  bootstrap: string;
  /** Moves the broker's clock forward (it then runs ahead of the wall clock by the total). */
  shift(ms: number): void;
  now(): number;
  close(): Promise<void>;
  createTopic(name: string, configs?: Record<string, string>, partitions?: number): void;
}

/** Settings that make the background tasks react within tens of ms. */
export const FAST_TASKS: Record<string, string> = {
  'log.initial.task.delay.ms': '0',
  'log.retention.check.interval.ms': '50',
  'log.cleaner.backoff.ms': '50',
  'log.segment.delete.delay.ms': '100',
};

export async function startClockBroker(res: Resources, config: Record<string, string> = {}, logDir?: string): Promise<ClockBroker> {
  const host = '127.0.0.1';
  let offset = 0;
  const now = () => Date.now() + offset;
  const properties: Record<string, string> = {
    'process.roles': 'broker,controller',
    'node.id': '1',
    listeners: `PLAINTEXT://${host}:0,CONTROLLER://${host}:0`,
    'advertised.listeners': `PLAINTEXT://${host}:0`,
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'controller.quorum.bootstrap.servers': `${host}:9093`,
    'log.dirs': logDir ?? '/gregor-memory/data',
    'offsets.topic.replication.factor': '1',
    'offsets.topic.num.partitions': '1',
    'transaction.state.log.replication.factor': '1',
    'transaction.state.log.min.isr': '1',
    'group.initial.rebalance.delay.ms': '0',
    ...FAST_TASKS,
    ...config,
  };
  const { config: brokerConfig } = loadBrokerConfig({ properties });
  const level = process.env.GREGOR_TEST_LOG_LEVEL;
  const log = level && level !== 'silent' ? createLogger({ level }) : silentLogger();
  const broker = await Broker.start({ config: brokerConfig, fs: logDir ? new NodeStorageFs() : new MemoryStorageFs(), log, now });
  const address = broker.address('PLAINTEXT');
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await broker.close();
  };
  res.defer(close);
  return {
    broker,
    bootstrap: `${address.host}:${address.port}`,
    shift(ms) {
      offset += ms;
    },
    now,
    close,
    createTopic(name, configs = {}, partitions = 1) {
      const [r] = broker.controller.createTopics(
        [{ name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: Object.entries(configs).map(([k, value]) => ({ name: k, value })) }],
        false,
      );
      if (r && r.errorCode !== 0) throw new Error(`create ${name}: ${r.errorMessage}`);
    },
  };
}

export interface Stored {
  baseOffset: bigint;
  lastOffset: bigint;
  count: number;
  compression: number;
  attributes: number;
  maxTimestamp: bigint;
}

/** Headers of the batches stored for a partition, from its log start offset. */
export function stored(broker: Broker, topic: string, partition = 0): Stored[] {
  const p = broker.replicas.getPartition(topic, partition);
  if (!p) throw new Error(`no partition ${topic}-${partition}`);
  const out: Stored[] = [];
  if (p.log.logStartOffset >= p.log.logEndOffset) return out;
  for (const chunk of p.log.read(p.log.logStartOffset, 0x7fffffff, { minOneMessage: true }).records) {
    for (const b of iterateBatches(chunk)) {
      const h = new BatchHeader(b);
      out.push({ baseOffset: h.baseOffset, lastOffset: h.lastOffset, count: h.recordsCount, compression: h.compression, attributes: h.attributes, maxTimestamp: h.maxTimestamp });
    }
  }
  return out;
}

export function partitionLog(broker: Broker, topic: string, partition = 0) {
  const p = broker.replicas.getPartition(topic, partition);
  if (!p) throw new Error(`no partition ${topic}-${partition}`);
  return p.log;
}
