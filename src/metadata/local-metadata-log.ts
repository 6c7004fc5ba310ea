/**
 * The __cluster_metadata log of a single voter: metadata records in ordinary record batches
 * (null keys, values framed by metadata-record-serde) in `<metadata.log.dir>/__cluster_metadata-0`,
 * committed as soon as they are written and fsynced. A Raft quorum will replicate this same log.
 */
import { BatchHeader } from '../protocol/records/batch-header.js';
import { iterateBatches } from '../protocol/records/batch-iterator.js';
import { buildRecordBatchSync } from '../protocol/records/build-batch.js';
import { iterateRecordsSync } from '../protocol/records/read-records.js';
import { decodeMetadataRecord, encodeMetadataRecord, type MetadataRecord } from '../protocol/metadata-record-serde.js';
import type { PartitionLog } from '../storage/partition-log.js';
import type { MetadataLog } from './metadata-log.js';

const READ_BYTES = 4 * 1024 * 1024;

export class LocalMetadataLog implements MetadataLog {
  constructor(private readonly log: PartitionLog, private readonly leaderEpoch: number, private readonly now: () => number) {}

  append(records: MetadataRecord[]): bigint {
    const batch = buildRecordBatchSync({
      records: records.map((r) => ({ key: null, value: encodeMetadataRecord(r) })),
      defaultTimestamp: BigInt(this.now()),
      partitionLeaderEpoch: this.leaderEpoch,
    });
    const result = this.log.append(batch, { leaderEpoch: this.leaderEpoch });
    this.log.flush();
    this.log.highWatermark = this.log.logEndOffset;
    return result.lastOffset;
  }

  replay(apply: (record: MetadataRecord, offset: bigint) => void): void {
    let offset = this.log.logStartOffset;
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
