/**
 * The __cluster_metadata log of a single voter: metadata records in ordinary record batches
 * (null keys, values framed by metadata-record-serde) in `<metadata.log.dir>/__cluster_metadata-0`,
 * committed as soon as they are written and fsynced. A Raft quorum will replicate this same log.
 *
 * Once `metadata.log.max.record.bytes.between.snapshots` bytes were appended since the last
 * snapshot, the image is written as a snapshot (metadata-snapshot.ts) and the log start offset moves
 * to it, so whole segments before it are deleted; start-up loads the newest snapshot, then replays
 * the log after it.
 */
import { BatchHeader } from '../protocol/records/batch-header.js';
import { iterateBatches } from '../protocol/records/batch-iterator.js';
import { buildRecordBatchSync } from '../protocol/records/build-batch.js';
import { iterateRecordsSync } from '../protocol/records/read-records.js';
import { decodeMetadataRecord, encodeMetadataRecord, type MetadataRecord } from '../protocol/metadata-record-serde.js';
import type { StorageFs } from '../storage/fs/storage-fs.js';
import type { PartitionLog } from '../storage/partition-log.js';
import type { MetadataImage } from './image.js';
import type { MetadataLog } from './metadata-log.js';
import { listSnapshots, readSnapshotRecords, writeSnapshot } from './metadata-snapshot.js';

const READ_BYTES = 4 * 1024 * 1024;

export interface LocalMetadataLogOptions {
  log: PartitionLog;
  fs: StorageFs;
  /** The image the records are applied to: what a snapshot writes out. */
  image: MetadataImage;
  leaderEpoch: number;
  now: () => number;
  /** metadata.log.max.record.bytes.between.snapshots (Kafka's default 20 MiB). */
  maxBytesBetweenSnapshots: number;
}

export class LocalMetadataLog implements MetadataLog {
  private readonly log: PartitionLog;
  private readonly leaderEpoch: number;
  private readonly now: () => number;
  private bytesSinceSnapshot = 0;

  constructor(private readonly opts: LocalMetadataLogOptions) {
    this.log = opts.log;
    this.leaderEpoch = opts.leaderEpoch;
    this.now = opts.now;
  }

  append(records: MetadataRecord[]): bigint {
    const batch = buildRecordBatchSync({
      records: records.map((r) => ({ key: null, value: encodeMetadataRecord(r) })),
      defaultTimestamp: BigInt(this.now()),
      partitionLeaderEpoch: this.leaderEpoch,
    });
    const result = this.log.append(batch, { leaderEpoch: this.leaderEpoch });
    this.log.flush();
    this.log.highWatermark = this.log.logEndOffset;
    this.bytesSinceSnapshot += batch.length;
    return result.lastOffset;
  }

  /** Called once the appended records are applied to the image: snapshots when the log has grown enough. */
  maybeSnapshot(): void {
    if (this.bytesSinceSnapshot >= this.opts.maxBytesBetweenSnapshots) this.snapshot();
  }

  /** Writes the image as a snapshot at the log end and drops the log segments it makes redundant. */
  snapshot(): string {
    const endOffset = this.log.logEndOffset;
    const path = writeSnapshot(this.opts.fs, this.log.dir, this.opts.image, endOffset, this.leaderEpoch, this.now());
    for (const old of listSnapshots(this.opts.fs, this.log.dir)) if (old.endOffset < endOffset) this.opts.fs.unlink(old.path);
    this.log.setLogStartOffset(endOffset);
    this.bytesSinceSnapshot = 0;
    return path;
  }

  replay(apply: (record: MetadataRecord, offset: bigint) => void): void {
    let offset = this.log.logStartOffset;
    const snapshot = listSnapshots(this.opts.fs, this.log.dir)
      .filter((s) => s.endOffset <= this.log.logEndOffset)
      .pop();
    if (snapshot && snapshot.endOffset >= offset) {
      for (const record of readSnapshotRecords(this.opts.fs, snapshot.path)) apply(record, snapshot.endOffset - 1n);
      offset = snapshot.endOffset;
    } else if (offset > 0n) {
      throw new Error(`the metadata log starts at offset ${offset} but no snapshot covers the records before it`);
    }
    while (offset < this.log.logEndOffset) {
      const { records } = this.log.read(offset, READ_BYTES, { minOneMessage: true });
      if (records.length === 0) break;
      const start = offset;
      for (const chunk of records) {
        for (const batch of iterateBatches(chunk)) {
          const header = new BatchHeader(batch);
          if (header.lastOffset < offset) continue;
          offset = header.lastOffset + 1n;
          if (header.isControl) continue;
          for (const record of iterateRecordsSync(batch, { maxDecompressedBytes: READ_BYTES * 16 })) {
            if (record.value) apply(decodeMetadataRecord(record.value), record.offset);
          }
        }
      }
      if (offset === start) break;
    }
    this.log.highWatermark = this.log.logEndOffset;
  }

  close(): void {
    this.log.close();
  }
}
