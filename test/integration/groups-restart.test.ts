/**
 * Committed offsets and group metadata survive a broker restart (the coordinator replays
 * __consumer_offsets), and the records in __consumer_offsets are Kafka's: read back by a real
 * client, they decode with Kafka's schemas (OffsetCommitKey v1 / OffsetCommitValue v3,
 * GroupMetadataKey v2 / GroupMetadataValue v3).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningBroker } from '../../src/embedded.js';
import { decodeCoordinatorRecord } from '../../src/protocol/coordinator-record-serde.js';
import type { GroupMetadataValue } from '../../src/protocol/generated/group-coordinator/group-metadata-value.js';
import type { OffsetCommitKey } from '../../src/protocol/generated/group-coordinator/offset-commit-key.js';
import type { OffsetCommitValue } from '../../src/protocol/generated/group-coordinator/offset-commit-value.js';
import { assignedPartitions, groupView, kafkajsClient, produceToAll, stableWith, startGroupBroker, waitFor } from './groups-helpers.js';

const TOPIC = 'durable';
const PARTITIONS = 3;

let broker: RunningBroker | null = null;
const dirs: string[] = [];

afterEach(async () => {
  await broker?.close();
  broker = null;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Reads every record of __consumer_offsets with kafkajs, as a tool like Burrow reads the topic. */
async function readOffsetsTopic(b: RunningBroker): Promise<{ key: Buffer; value: Buffer | null }[]> {
  const partitions = b.broker.image.topicsByName.get('__consumer_offsets')!.partitions.size;
  let expected = 0;
  for (let p = 0; p < partitions; p++) expected += Number(b.broker.replicas.getPartition('__consumer_offsets', p)!.log.logEndOffset);
  const out: { key: Buffer; value: Buffer | null }[] = [];
  const consumer = kafkajsClient(b, 'offsets-reader').consumer({ groupId: 'offsets-reader', maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: '__consumer_offsets', fromBeginning: true });
    await consumer.run({ autoCommit: false, eachMessage: async ({ message }) => void out.push({ key: message.key!, value: message.value }) });
    await waitFor(() => out.length >= expected, `${expected} records of __consumer_offsets`);
  } finally {
    await consumer.disconnect();
  }
  return out;
}

describe('__consumer_offsets across a restart', () => {
  it('keeps committed offsets, metadata and group state; its records decode with Kafka\'s schemas', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gregor-groups-'));
    dirs.push(dir);
    broker = await startGroupBroker({ logDir: dir });
    let b = broker;
    await b.createTopic(TOPIC, { partitions: PARTITIONS });
    await produceToAll(b, TOPIC, PARTITIONS, 10);

    // A group member consumes and commits explicitly, with metadata.
    const consumer = kafkajsClient(b, 'durable-member').consumer({ groupId: 'durable-group', sessionTimeout: 6000, heartbeatInterval: 200, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    let read = 0;
    await consumer.run({ autoCommit: false, eachMessage: async () => void read++ });
    await waitFor(() => stableWith(b, 'durable-group', 1, PARTITIONS) && read === 30, 'the member to read everything');
    const generation = groupView(b, 'durable-group')!.generationId;
    await consumer.commitOffsets([0, 1, 2].map((p) => ({ topic: TOPIC, partition: p, offset: String(7 + p), metadata: `meta-${p}` })));
    await consumer.disconnect();
    await waitFor(() => groupView(b, 'durable-group')?.state === 'Empty', 'the group to become Empty');

    await b.close();
    broker = await startGroupBroker({ logDir: dir });
    b = broker;

    const admin = kafkajsClient(b, 'durable-admin').admin();
    await admin.connect();
    try {
      const [fetched] = await admin.fetchOffsets({ groupId: 'durable-group', topics: [TOPIC] });
      expect(fetched!.partitions.sort((x, y) => x.partition - y.partition)).toEqual([0, 1, 2].map((p) => ({ partition: p, offset: String(7 + p), metadata: `meta-${p}` })));
    } finally {
      await admin.disconnect();
    }
    const reloaded = groupView(b, 'durable-group')!;
    expect(reloaded).toMatchObject({ state: 'Empty', generationId: generation + 1, members: [] });

    // The topic as a tool reads it.
    const records = await readOffsetsTopic(b);
    const decoded = records.map((r) => decodeCoordinatorRecord('__consumer_offsets', r.key, r.value));
    const commits = decoded.filter((r) => r.type === 1 && (r.key as OffsetCommitKey).group === 'durable-group' && r.value !== null);
    const last = new Map(commits.map((r) => [(r.key as OffsetCommitKey).partition, r]));
    for (const p of [0, 1, 2]) {
      const r = last.get(p)!;
      expect(r.value!.version).toBe(3);
      expect(r.value!.data as OffsetCommitValue).toMatchObject({ offset: BigInt(7 + p), metadata: `meta-${p}`, expireTimestamp: -1n });
    }
    const groupRecords = decoded.filter((r) => r.type === 2 && (r.key as { group: string }).group === 'durable-group');
    expect(groupRecords.every((r) => r.value === null || r.value.version === 3)).toBe(true);
    const stableRecord = groupRecords.find((r) => (r.value?.data as GroupMetadataValue | undefined)?.members.length === 1)!;
    const value = stableRecord.value!.data as GroupMetadataValue;
    expect(value).toMatchObject({ protocolType: 'consumer', generation, protocol: 'RoundRobinAssigner' });
    expect(value.members[0]).toMatchObject({ clientId: 'durable-member', clientHost: '/127.0.0.1', sessionTimeout: 6000 });
    expect(assignedPartitions(value.members[0]!.assignment)).toEqual(['durable-0', 'durable-1', 'durable-2']);

    // The same bytes read by hand, field by field, as Kafka lays them out.
    const raw = records.find((r) => r.key.readInt16BE(0) === 1 && r.value !== null && r.key.includes(Buffer.from('durable-group')))!;
    let pos = 2;
    const str = (buf: Buffer) => {
      const n = buf.readInt16BE(pos);
      const s = buf.toString('utf8', pos + 2, pos + 2 + n);
      pos += 2 + n;
      return s;
    };
    expect(str(raw.key)).toBe('durable-group');
    expect(str(raw.key)).toBe(TOPIC);
    expect(raw.key.length).toBe(pos + 4);
    const v = raw.value!;
    expect(v.readInt16BE(0)).toBe(3);
    expect(v.readBigInt64BE(2)).toBeGreaterThanOrEqual(0n);
    expect(v.readInt32BE(10)).toBeGreaterThanOrEqual(-1);
    pos = 14;
    str(v);
    expect(Number(v.readBigInt64BE(pos))).toBeGreaterThan(Date.now() - 60_000);
    expect(v.length).toBe(pos + 8);
  });
});
