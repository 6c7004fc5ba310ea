/**
 * The aborted transactions of one partition, for read_committed fetches (what Kafka keeps per
 * segment in the .txnindex file and reads with collectAbortedTransactions).
 *
 * Gregor keeps it in memory instead of writing .txnindex files: it is rebuilt from the log the
 * first time a read_committed fetch needs it (one pass over the batch headers, decoding only the
 * single record of each control batch), then kept current by the partition's marker appends.
 * A truncation invalidates it (the next use rebuilds it); entries below the log start offset are
 * harmless (consumers only use those overlapping what they fetched).
 */
import { BatchHeader } from '../protocol/records/batch-header.js';
import { iterateBatches } from '../protocol/records/batch-iterator.js';
import { ControlRecordType, parseControlRecordKey } from '../protocol/records/control-records.js';
import { iterateRecordsSync } from '../protocol/records/read-records.js';
import type { PartitionLog } from '../storage/partition-log.js';

export interface AbortedTxnEntry {
  producerId: bigint;
  firstOffset: bigint;
  /** Offset of the ABORT marker. */
  lastOffset: bigint;
}

const READ_CHUNK_BYTES = 4 * 1024 * 1024;

export class AbortedTxnIndex {
  /** Ascending by lastOffset (markers are appended in offset order). */
  private entries: AbortedTxnEntry[] | null = null;

  constructor(private readonly log: PartitionLog) {
    log.addListener((_log, event) => {
      if (event === 'truncate') this.entries = null;
    });
  }

  /** Records an ABORT marker just appended (ignored until the index is built: the build will read it). */
  onAbort(entry: AbortedTxnEntry): void {
    this.entries?.push(entry);
  }

  /** Aborted transactions overlapping [fetchOffset, upperBound): those whose marker is at or after fetchOffset and that began before upperBound. */
  collect(fetchOffset: bigint, upperBound: bigint): AbortedTxnEntry[] {
    const entries = (this.entries ??= this.rebuild());
    const out: AbortedTxnEntry[] = [];
    for (const e of entries) if (e.lastOffset >= fetchOffset && e.firstOffset < upperBound) out.push(e);
    return out;
  }

  private rebuild(): AbortedTxnEntry[] {
    const entries: AbortedTxnEntry[] = [];
    const open = new Map<bigint, bigint>();
    const end = this.log.logEndOffset;
    let offset = this.log.logStartOffset;
    while (offset < end) {
      const read = this.log.read(offset, READ_CHUNK_BYTES, { minOneMessage: true });
      let advanced = false;
      for (const chunk of read.records) {
        for (const batch of iterateBatches(chunk)) {
          const h = new BatchHeader(batch);
          if (h.lastOffset < offset) continue;
          offset = h.lastOffset + 1n;
          advanced = true;
          if (h.producerId < 0n || !h.isTransactional) continue;
          if (!h.isControl) {
            if (!open.has(h.producerId)) open.set(h.producerId, h.baseOffset);
            continue;
          }
          for (const r of iterateRecordsSync(batch, { maxDecompressedBytes: 1024 * 1024 })) {
            const { type } = parseControlRecordKey(r.key);
            const first = open.get(h.producerId);
            open.delete(h.producerId);
            if (type === ControlRecordType.Abort && first !== undefined) entries.push({ producerId: h.producerId, firstOffset: first, lastOffset: r.offset });
            break;
          }
        }
      }
      if (!advanced) break;
    }
    return entries;
  }
}
