import { existsSync } from 'node:fs';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { KafkaClient } from '../../../src/client/kafka-client.js';
import { ErrorCode } from '../../../src/protocol/error-codes.js';
import { ApiKey } from '../../../src/protocol/generated/api-messages.js';
import type { AlterReplicaLogDirsResponse } from '../../../src/protocol/generated/api/34-alter-replica-log-dirs.js';
import type { DescribeLogDirsResponse } from '../../../src/protocol/generated/api/35-describe-log-dirs.js';
import { useResources } from '../helpers/broker.js';

const { Kafka, logLevel } = kafkajs;

describe('several log.dirs', () => {
  const res = useResources();

  it('spreads partitions over the log dirs, reports their sizes, moves a partition and keeps it there after a restart', async () => {
    const dirA = await res.tempDir();
    const dirB = await res.tempDir();
    const start = () => res.broker({ logDir: dirA, config: { 'log.dirs': `${dirA},${dirB}` } });
    let broker = await start();
    await broker.createTopic('spread', { partitions: 2 });
    const kafka = () => new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const producer = kafka().producer();
    await producer.connect();
    await producer.send({ topic: 'spread', messages: [0, 1, 2, 3].map((i) => ({ partition: i % 2, value: `v${i}` })) });
    await producer.disconnect();

    const client = new KafkaClient({ bootstrapServers: broker.bootstrap });
    res.defer(() => client.close());
    const describeDirs = async (c: KafkaClient) => (await c.send<DescribeLogDirsResponse>('any', ApiKey.DescribeLogDirs, { topics: null })).results;
    const where = (results: DescribeLogDirsResponse['results']) =>
      Object.fromEntries(results.flatMap((r) => r.topics.flatMap((t) => t.partitions.map((p) => [`${t.name}-${p.partitionIndex}`, { dir: r.logDir, size: p.partitionSize }]))));

    const before = await describeDirs(client);
    expect(before.map((r) => r.logDir).sort()).toEqual([dirA, dirB].sort());
    for (const r of before) expect(r.totalBytes).toBeGreaterThan(0n);
    const placed = where(before);
    // Kafka's placement: each new partition goes to the log dir holding the fewest.
    expect(new Set([placed['spread-0']!.dir, placed['spread-1']!.dir]).size).toBe(2);
    expect(placed['spread-0']!.size).toBeGreaterThan(0n);

    const target = placed['spread-0']!.dir === dirA ? dirB : dirA;
    const moved = await client.send<AlterReplicaLogDirsResponse>('any', ApiKey.AlterReplicaLogDirs, { dirs: [{ path: target, topics: [{ name: 'spread', partitions: [0] }] }] });
    expect(moved.results).toEqual([{ topicName: 'spread', partitions: [{ partitionIndex: 0, errorCode: ErrorCode.NONE }] }]);
    const notADir = await client.send<AlterReplicaLogDirsResponse>('any', ApiKey.AlterReplicaLogDirs, { dirs: [{ path: '/no/such/dir', topics: [{ name: 'spread', partitions: [1] }] }] });
    expect(notADir.results[0]!.partitions[0]!.errorCode).toBe(ErrorCode.LOG_DIR_NOT_FOUND);
    expect(where(await describeDirs(client))['spread-0']!.dir).toBe(target);
    expect(existsSync(join(target, 'spread-0', '00000000000000000000.log'))).toBe(true);

    // The moved partition keeps serving: produce more, then read everything back after a restart.
    const again = kafka().producer();
    await again.connect();
    await again.send({ topic: 'spread', messages: [{ partition: 0, value: 'after-move' }] });
    await again.disconnect();
    await client.close();
    await broker.close();

    broker = await start();
    const client2 = new KafkaClient({ bootstrapServers: broker.bootstrap });
    res.defer(() => client2.close());
    expect(where(await describeDirs(client2))['spread-0']!.dir).toBe(target);
    const admin = kafka().admin();
    await admin.connect();
    res.defer(() => admin.disconnect());
    const offsets = await admin.fetchTopicOffsets('spread');
    expect(offsets.find((o) => o.partition === 0)!.high).toBe('3');
    expect(offsets.find((o) => o.partition === 1)!.high).toBe('2');
  });
});
