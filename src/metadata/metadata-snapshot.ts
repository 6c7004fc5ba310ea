/**
 * KRaft-style snapshots of the metadata image, so a long metadata log need not be replayed from
 * its first record.
 *
 * File: `<metadata log dir>/__cluster_metadata-0/<endOffset, 20 digits>-<epoch, 10 digits>.checkpoint`,
 * written as `.checkpoint.part`, fsynced and renamed (as Kafka's FileRawSnapshotWriter). Content:
 * record batches with offsets from 0: a control batch holding a SnapshotHeaderRecord (control type
 * 3), batches of metadata records that rebuild the image (framed like the log's records), and a
 * control batch holding a SnapshotFooterRecord (control type 4). `endOffset` is the offset of the
 * first log record the snapshot does not contain.
 */
import { join } from 'node:path';
import { MetadataRecordKey } from '../protocol/generated/metadata-records.js';
import { defaultConfigRecord } from '../protocol/generated/metadata/config-record.js';
import { defaultFeatureLevelRecord } from '../protocol/generated/metadata/feature-level-record.js';
import { defaultPartitionRecord } from '../protocol/generated/metadata/partition-record.js';
import { defaultTopicRecord } from '../protocol/generated/metadata/topic-record.js';
import { encodeSnapshotFooterRecord, defaultSnapshotFooterRecord } from '../protocol/generated/data/snapshot-footer-record.js';
import { encodeSnapshotHeaderRecord, defaultSnapshotHeaderRecord } from '../protocol/generated/data/snapshot-header-record.js';
import { decodeMetadataRecord, encodeMetadataRecord, type MetadataRecord } from '../protocol/metadata-record-serde.js';
import { Writer } from '../protocol/primitives/writer.js';
import { BatchHeader } from '../protocol/records/batch-header.js';
import { iterateBatches } from '../protocol/records/batch-iterator.js';
import { buildRecordBatchSync } from '../protocol/records/build-batch.js';
import { ControlRecordType, encodeControlRecordKey } from '../protocol/records/control-records.js';
import { iterateRecordsSync } from '../protocol/records/read-records.js';
import { writeFileAtomic } from '../storage/fs/fs-utils.js';
import type { StorageFs } from '../storage/fs/storage-fs.js';
import type { MetadataImage } from './image.js';

const SUFFIX = '.checkpoint';
const RECORDS_PER_BATCH = 1000;

export function snapshotFileName(endOffset: bigint, epoch: number): string {
  return `${endOffset.toString().padStart(20, '0')}-${String(epoch).padStart(10, '0')}${SUFFIX}`;
}

/** The snapshots in a directory, newest last. */
export function listSnapshots(fs: StorageFs, dir: string): { endOffset: bigint; epoch: number; path: string }[] {
  if (!fs.exists(dir)) return [];
  return fs
    .readdir(dir)
    .map((name) => /^(\d{20})-(\d{10})\.checkpoint$/.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ endOffset: BigInt(m[1]!), epoch: Number(m[2]!), path: join(dir, m[0]) }))
    .sort((a, b) => (a.endOffset < b.endOffset ? -1 : a.endOffset > b.endOffset ? 1 : 0));
}

/** The records that rebuild an image from nothing, in an order replay accepts. */
export function imageRecords(image: MetadataImage): MetadataRecord[] {
  const out: MetadataRecord[] = [];
  for (const [name, featureLevel] of image.features) {
    out.push({ type: MetadataRecordKey.FeatureLevelRecord, version: 0, data: { ...defaultFeatureLevelRecord(), name, featureLevel } });
  }
  for (const b of image.brokers.values()) out.push({ type: MetadataRecordKey.RegisterBrokerRecord, version: 3, data: b.registration });
  for (const t of image.topicsByName.values()) {
    out.push({ type: MetadataRecordKey.TopicRecord, version: 0, data: { ...defaultTopicRecord(), name: t.name, topicId: t.topicId } });
    for (const p of t.partitions.values()) {
      out.push({
        type: MetadataRecordKey.PartitionRecord,
        version: 1,
        data: { ...defaultPartitionRecord(), partitionId: p.partitionId, topicId: p.topicId, replicas: p.replicas, isr: p.isr, leader: p.leader, leaderEpoch: p.leaderEpoch, partitionEpoch: p.partitionEpoch, directories: p.directories },
      });
    }
  }
  for (const [resourceType, byName] of image.configs) {
    for (const [resourceName, entries] of byName) {
      for (const [name, value] of entries) {
        out.push({ type: MetadataRecordKey.ConfigRecord, version: 0, data: { ...defaultConfigRecord(), resourceType, resourceName, name, value } });
      }
    }
  }
  if (image.producerIdsRecord) out.push({ type: MetadataRecordKey.ProducerIdsRecord, version: 0, data: image.producerIdsRecord });
  return out;
}

function controlBatch(type: ControlRecordType, value: Buffer, baseOffset: bigint, epoch: number, nowMs: number): Buffer {
  return buildRecordBatchSync({ records: [{ key: encodeControlRecordKey(type), value }], baseOffset, isControl: true, partitionLeaderEpoch: epoch, defaultTimestamp: BigInt(nowMs) });
}

/** Writes a snapshot of the image as of `endOffset` (the next log offset) and returns its path. */
export function writeSnapshot(fs: StorageFs, dir: string, image: MetadataImage, endOffset: bigint, epoch: number, nowMs: number): string {
  const header = new Writer(32);
  encodeSnapshotHeaderRecord(header, 0, { ...defaultSnapshotHeaderRecord(), version: 0, lastContainedLogTimestamp: BigInt(nowMs) });
  const batches: Buffer[] = [controlBatch(ControlRecordType.SnapshotHeader, header.toBuffer(), 0n, epoch, nowMs)];
  const records = imageRecords(image);
  let offset = 1n;
  for (let i = 0; i < records.length; i += RECORDS_PER_BATCH) {
    const chunk = records.slice(i, i + RECORDS_PER_BATCH);
    batches.push(buildRecordBatchSync({ records: chunk.map((r) => ({ key: null, value: encodeMetadataRecord(r) })), baseOffset: offset, partitionLeaderEpoch: epoch, defaultTimestamp: BigInt(nowMs) }));
    offset += BigInt(chunk.length);
  }
  const footer = new Writer(16);
  encodeSnapshotFooterRecord(footer, 0, { ...defaultSnapshotFooterRecord(), version: 0 });
  batches.push(controlBatch(ControlRecordType.SnapshotFooter, footer.toBuffer(), offset, epoch, nowMs));
  const path = join(dir, snapshotFileName(endOffset, epoch));
  writeFileAtomic(fs, path, Buffer.concat(batches));
  return path;
}

/** Reads the metadata records of a snapshot file (control batches skipped). */
export function readSnapshotRecords(fs: StorageFs, path: string): MetadataRecord[] {
  const data = fs.readFile(path);
  const out: MetadataRecord[] = [];
  let sawFooter = false;
  for (const batch of iterateBatches(data)) {
    if (new BatchHeader(batch).isControl) {
      for (const r of iterateRecordsSync(batch, { maxDecompressedBytes: data.length * 64 })) {
        if (r.key && r.key.readInt16BE(2) === ControlRecordType.SnapshotFooter) sawFooter = true;
      }
      continue;
    }
    for (const r of iterateRecordsSync(batch, { maxDecompressedBytes: data.length * 64 })) {
      if (r.value) out.push(decodeMetadataRecord(r.value));
    }
  }
  if (!sawFooter) throw new Error(`metadata snapshot ${path} has no footer: it is incomplete`);
  return out;
}
