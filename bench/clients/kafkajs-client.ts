/**
 * kafkajs 2.2 (root node_modules) as a load client, in its own process.
 *
 * kafkajs has no lz4 or zstd codec of its own; this registers codecs backed by lz4-napi's frame
 * API and @mongodb-js/zstd (the broker's own dependencies), as an application using kafkajs would
 * with kafkajs-lz4 / @kafkajs/zstd.
 *
 * produce: `concurrency` send() calls in flight, each 1000 records to one partition (rotating);
 *   timed from the first send after a warm-up send to the last acknowledgement.
 * consume: kafkajs's consumer needs a consumer group, which the broker does not serve yet, so this
 *   drives kafkajs's own Cluster/Broker.fetch (what its consumer calls per fetch: protocol
 *   decoding, decompression, record parsing) over every partition from offset 0, without the group
 *   protocol and without an eachMessage callback. Timed from the first fetch to the last record.
 *
 * argv[2]: JSON KafkajsArgs. Prints MARK start / MARK end, then RESULT {json}.
 */
import { compress as zstdCompress, decompress as zstdDecompress } from '@mongodb-js/zstd';
import kafkajs from 'kafkajs';
import { connect } from 'node:net';
import { compressFrame, decompressFrame } from 'lz4-napi';
import { emitMark, emitResult, SelfCpu } from '../lib/proc.js';
import { sampleValue } from '../lib/records.js';
import { round } from '../lib/stats.js';

export interface KafkajsArgs {
  mode: 'produce' | 'consume';
  bootstrap: string;
  topic: string;
  partitions: number;
  recordBytes: number;
  acks?: number;
  compression?: 'none' | 'lz4' | 'zstd';
  durationMs: number;
  concurrency?: number;
  expected?: number;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- kafkajs internals are untyped */
const { CompressionCodecs, CompressionTypes, Kafka, logLevel } = kafkajs; // CommonJS: no named exports under ESM
const codecs = CompressionCodecs as unknown as Record<number, () => unknown>;
codecs[CompressionTypes.LZ4] = () => ({
  compress: async (encoder: { buffer: Buffer }) => compressFrame(encoder.buffer),
  decompress: async (buffer: Buffer) => decompressFrame(buffer),
});
codecs[CompressionTypes.ZSTD] = () => ({
  compress: async (encoder: { buffer: Buffer }) => zstdCompress(encoder.buffer, 3),
  decompress: async (buffer: Buffer) => zstdDecompress(buffer),
});

const a = JSON.parse(process.argv[2]!) as KafkajsArgs;
// BENCH_KAFKAJS_NODELAY=1 turns Nagle off on kafkajs's sockets (kafkajs leaves it on): a diagnostic.
const socketFactory = process.env.BENCH_KAFKAJS_NODELAY
  ? ({ host, port, onConnect }: { host: string; port: number; onConnect: () => void }) => {
      const socket = connect({ host, port }, onConnect);
      socket.setKeepAlive(true, 60_000);
      socket.setNoDelay(true);
      return socket;
    }
  : undefined;
const kafka = new Kafka({ brokers: [a.bootstrap], clientId: 'gregor-bench', logLevel: logLevel.NOTHING, retry: { retries: 2, initialRetryTime: 100 }, ...(socketFactory ? { socketFactory } : {}) });
const COMPRESSION = { none: CompressionTypes.None, lz4: CompressionTypes.LZ4, zstd: CompressionTypes.ZSTD } as const;
const PER_SEND = 1000;

async function produce(): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const value = sampleValue(a.recordBytes);
  const byPartition = Array.from({ length: a.partitions }, (_, partition) => Array.from({ length: PER_SEND }, () => ({ partition, value })));
  const compression = COMPRESSION[a.compression ?? 'none'];
  const acks = a.acks ?? 1;
  let nextPartition = 0;
  const sendOne = () => producer.send({ topic: a.topic, acks, compression, messages: byPartition[nextPartition++ % a.partitions]! });
  await sendOne(); // warm-up: metadata and connection

  let records = 0;
  let errors = 0;
  let firstError: string | null = null;
  let lastAck = 0;
  emitMark('start');
  const cpu = new SelfCpu().start();
  const t0 = performance.now();
  const deadline = t0 + a.durationMs;
  const worker = async () => {
    while (performance.now() < deadline) {
      try {
        await sendOne();
        records += PER_SEND;
        lastAck = performance.now();
      } catch (e) {
        errors++;
        firstError ??= e instanceof Error ? e.message : String(e);
        if (errors > 10) return;
      }
    }
  };
  await Promise.all(Array.from({ length: a.concurrency ?? 4 }, worker));
  const clientCpuPct = cpu.stop();
  emitMark('end');
  await producer.disconnect();
  const seconds = ((lastAck || performance.now()) - t0) / 1000;
  emitResult({
    records,
    errors,
    firstError,
    seconds: round(seconds, 3),
    recordsPerSec: Math.round(records / seconds),
    mbPerSec: round((records * a.recordBytes) / seconds / 1e6, 1),
    clientCpuPct: round(clientCpuPct, 0),
  });
}

async function consume(): Promise<void> {
  const sym = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  if (!sym) throw new Error('kafkajs internals changed: no createCluster');
  const cluster = (kafka as any)[sym]({ allowAutoTopicCreation: false });
  await cluster.connect();
  await cluster.addTargetTopic(a.topic);
  const leaders = cluster.findLeaderForPartitions(a.topic, Array.from({ length: a.partitions }, (_, i) => i)) as Record<string, number[]>;
  const offsets = new Map<number, bigint>();
  for (let p = 0; p < a.partitions; p++) offsets.set(p, 0n);
  const expected = a.expected ?? 0;
  let count = 0;
  let bytes = 0;
  emitMark('start');
  const cpu = new SelfCpu().start();
  const t0 = performance.now();
  let t1 = t0;
  const deadline = t0 + a.durationMs;
  const done = new Set<number>();
  await Promise.all(
    Object.entries(leaders).map(async ([nodeId, partitions]) => {
      const broker = await cluster.findBroker({ nodeId: Number(nodeId) });
      while (count < expected && performance.now() < deadline) {
        const active = partitions.filter((p) => !done.has(p));
        if (active.length === 0) return;
        const { responses } = await broker.fetch({
          maxWaitTime: 100,
          minBytes: 1,
          maxBytes: 52428800,
          isolationLevel: 1,
          topics: [{ topic: a.topic, partitions: active.map((partition) => ({ partition, fetchOffset: offsets.get(partition)!.toString(), maxBytes: 1048576 })) }],
        });
        let got = 0;
        let gotBytes = 0;
        for (const t of responses) {
          for (const p of t.partitions) {
            const msgs = p.messages as { offset: string; value: Buffer | null }[];
            for (const m of msgs) gotBytes += m.value ? m.value.length : 0;
            got += msgs.length;
            if (msgs.length > 0) offsets.set(p.partition, BigInt(msgs[msgs.length - 1]!.offset) + 1n);
            else if (BigInt(p.highWatermark) <= offsets.get(p.partition)!) done.add(p.partition);
          }
        }
        if (got === 0) continue;
        count += got;
        bytes += gotBytes;
        t1 = performance.now();
      }
    }),
  );
  const clientCpuPct = cpu.stop();
  emitMark('end');
  await cluster.disconnect();
  const seconds = (t1 - t0) / 1000;
  emitResult({
    records: count,
    expected,
    complete: count >= expected,
    seconds: round(seconds, 3),
    recordsPerSec: Math.round(count / seconds),
    mbPerSec: round(bytes / seconds / 1e6, 1),
    clientCpuPct: round(clientCpuPct, 0),
  });
}

(a.mode === 'produce' ? produce() : consume()).then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
