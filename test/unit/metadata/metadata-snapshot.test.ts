import { describe, expect, it } from 'vitest';
import { Controller } from '../../../src/metadata/controller.js';
import { ConfigResourceType, MetadataImage } from '../../../src/metadata/image.js';
import { LocalMetadataLog } from '../../../src/metadata/local-metadata-log.js';
import { imageRecords, listSnapshots, readSnapshotRecords } from '../../../src/metadata/metadata-snapshot.js';
import { MemoryStorageFs } from '../../../src/storage/fs/memory-fs.js';
import { PartitionLog } from '../../../src/storage/partition-log.js';
import { DEFAULT_LOG_CONFIG } from '../../../src/storage/log-config.js';

const DIR = '/meta/__cluster_metadata-0';

function open(fs: MemoryStorageFs, maxBytesBetweenSnapshots: number) {
  const image = new MetadataImage();
  const log = PartitionLog.open({ dir: DIR, topicPartition: { topic: '__cluster_metadata', partition: 0 }, config: { ...DEFAULT_LOG_CONFIG, segmentBytes: 4096 }, fs, clock: () => 1_700_000_000_000, hadCleanShutdown: true });
  const metadataLog = new LocalMetadataLog({ log, fs, image, leaderEpoch: 0, now: () => 1_700_000_000_000, maxBytesBetweenSnapshots });
  metadataLog.replay((r, offset) => image.apply(r, offset));
  const controller = new Controller({
    nodeId: 1,
    image,
    log: metadataLog,
    defaultNumPartitions: () => 2,
    defaultReplicationFactor: () => 1,
    validateTopicConfigs: () => null,
    directoryId: () => 'AAAAAAAAAAAAAAAAAAAAAg',
  });
  return { image, log, metadataLog, controller };
}

/** What an image holds, in a comparable form. */
function summary(image: MetadataImage) {
  return {
    topics: [...image.topicsByName.values()].map((t) => ({ name: t.name, id: t.topicId, partitions: [...t.partitions.values()] })),
    brokers: [...image.brokers.values()].map((b) => b.registration),
    configs: imageRecords(image).filter((r) => r.type === 4).map((r) => r.data),
    features: [...image.features],
    nextProducerId: image.nextProducerId,
  };
}

describe('metadata snapshots', () => {
  it('writes the image once enough bytes were appended, drops the log before it, and restores the same image', () => {
    const fs = new MemoryStorageFs(() => 0);
    const first = open(fs, 8 * 1024);
    first.controller.registerBroker([{ name: 'PLAINTEXT', host: 'localhost', port: 9092, securityProtocol: 0 }], null);
    for (let i = 0; i < 60; i++) {
      first.controller.createTopics([{ name: `topic-${i}`, numPartitions: 2, replicationFactor: 1, assignments: [], configs: [{ name: 'retention.ms', value: String(i) }] }], false);
    }
    first.controller.alterConfigs(ConfigResourceType.BROKER, '1', [{ name: 'log.retention.ms', value: '1000' }]);
    first.controller.allocateProducerIdBlock();
    const expected = summary(first.image);
    const snapshots = listSnapshots(fs, DIR);
    expect(snapshots.length).toBe(1);
    expect(first.log.logStartOffset).toBe(snapshots[0]!.endOffset);
    expect(first.log.logStartOffset).toBeGreaterThan(0n);
    first.log.close();

    const second = open(fs, 8 * 1024);
    expect(summary(second.image)).toEqual(expected);
    // The log keeps working after the snapshot: new records land after it and replay again.
    second.controller.createTopics([{ name: 'after', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], false);
    second.log.close();
    expect(open(fs, 8 * 1024).image.topicsByName.has('after')).toBe(true);
  });

  it('refuses a log whose start was moved with no snapshot covering it', () => {
    const fs = new MemoryStorageFs(() => 0);
    const a = open(fs, 1 << 30);
    a.controller.registerBroker([], null);
    for (let i = 0; i < 40; i++) a.controller.createTopics([{ name: `t${i}`, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], false);
    a.metadataLog.snapshot();
    expect(a.log.numberOfSegments).toBe(1); // the segments before the snapshot are gone
    a.log.close();
    for (const s of listSnapshots(fs, DIR)) fs.unlink(s.path);
    expect(() => open(fs, 1 << 30)).toThrow(/no snapshot covers/);
  });

  it('rejects an incomplete snapshot file (no footer)', () => {
    const fs = new MemoryStorageFs(() => 0);
    const a = open(fs, 1 << 30);
    a.controller.registerBroker([], null);
    const path = a.metadataLog.snapshot();
    const data = fs.readFile(path);
    fs.writeFile(path, data.subarray(0, data.length - 20));
    expect(() => readSnapshotRecords(fs, path)).toThrow(/no footer/);
  });
});
