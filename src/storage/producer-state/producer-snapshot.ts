/**
 * Producer state snapshot files: Apache Kafka's `<offset>.snapshot` format, byte for byte
 * (ProducerStateManager.PID_SNAPSHOT_MAP_SCHEMA, writeSnapshot / readSnapshot).
 *
 * File name: the snapshot's offset (the map end offset, exclusive: state covers offsets below it)
 * zero-padded to 20 digits, then ".snapshot", e.g. 00000000000000001234.snapshot.
 *
 * Layout, all big-endian:
 *   0  version            int16   always 1
 *   2  crc                uint32  CRC-32C of bytes 6 .. end of file
 *   6  producer_entries   int32 count, then `count` entries of 46 bytes:
 *        producer_id              int64
 *        epoch                    int16
 *        last_sequence            int32   -1 when the producer has no retained batch
 *        last_offset              int64   -1 when the producer has no retained batch
 *        offset_delta             int32   lastOffset - firstOffset of the last batch (0 when none)
 *        timestamp                int64   the entry's lastTimestamp
 *        coordinator_epoch        int32
 *        current_txn_first_offset int64   -1 when no transaction is open
 *
 * Only the producer's LAST batch is stored, so after loading a snapshot duplicate detection covers
 * one batch per producer (as in Kafka). On read, a wrong version, a CRC mismatch or a truncated /
 * malformed body raises CorruptSnapshotError (Kafka's CorruptSnapshotException); the manager then
 * deletes that file and falls back to an older snapshot or to the log.
 */
import { BatchMetadata } from './batch-metadata.js';
import { crc32c } from '../../protocol/crc32c.js';
import { ProducerStateEntry } from './producer-state-entry.js';

export const PRODUCER_SNAPSHOT_VERSION = 1;
export const PRODUCER_SNAPSHOT_FILE_SUFFIX = '.snapshot';
export const DELETED_FILE_SUFFIX = '.deleted';

const VERSION_OFFSET = 0;
const CRC_OFFSET = VERSION_OFFSET + 2;
const PRODUCER_ENTRIES_OFFSET = CRC_OFFSET + 4;
const ENTRY_SIZE = 8 + 2 + 4 + 8 + 4 + 8 + 4 + 8;

export class CorruptSnapshotError extends Error {
  override name = 'CorruptSnapshotError';
}

/** LogFileUtils.filenamePrefixFromOffset + ".snapshot". */
export function producerSnapshotFileName(offset: bigint): string {
  return offset.toString().padStart(20, '0') + PRODUCER_SNAPSHOT_FILE_SUFFIX;
}

/** The offset a snapshot file name stands for (LogFileUtils.offsetFromFileName), or undefined. */
export function offsetFromSnapshotFileName(name: string): bigint | undefined {
  if (!name.endsWith(PRODUCER_SNAPSHOT_FILE_SUFFIX)) return undefined;
  const prefix = name.slice(0, name.indexOf('.'));
  if (!/^\d+$/.test(prefix)) return undefined;
  const offset = BigInt(prefix);
  return offset <= 0x7fffffffffffffffn ? offset : undefined;
}

export function writeProducerSnapshot(entries: Iterable<ProducerStateEntry>): Buffer {
  const list = [...entries];
  const buf = Buffer.alloc(PRODUCER_ENTRIES_OFFSET + 4 + list.length * ENTRY_SIZE);
  buf.writeInt16BE(PRODUCER_SNAPSHOT_VERSION, VERSION_OFFSET);
  let pos = PRODUCER_ENTRIES_OFFSET;
  buf.writeInt32BE(list.length, pos);
  pos += 4;
  for (const e of list) {
    buf.writeBigInt64BE(e.producerId, pos); pos += 8;
    buf.writeInt16BE(e.producerEpoch, pos); pos += 2;
    buf.writeInt32BE(e.lastSeq, pos); pos += 4;
    buf.writeBigInt64BE(e.lastDataOffset, pos); pos += 8;
    buf.writeInt32BE(e.lastOffsetDelta, pos); pos += 4;
    buf.writeBigInt64BE(e.lastTimestamp, pos); pos += 8;
    buf.writeInt32BE(e.coordinatorEpoch, pos); pos += 4;
    buf.writeBigInt64BE(e.currentTxnFirstOffset ?? -1n, pos); pos += 8;
  }
  buf.writeUInt32BE(crc32c(buf, PRODUCER_ENTRIES_OFFSET, buf.length), CRC_OFFSET);
  return buf;
}

export function readProducerSnapshot(buf: Buffer): ProducerStateEntry[] {
  if (buf.length < PRODUCER_ENTRIES_OFFSET + 4) {
    throw new CorruptSnapshotError(`Snapshot failed schema validation: ${buf.length} bytes is too short`);
  }
  const count = buf.readInt32BE(PRODUCER_ENTRIES_OFFSET);
  if (count < 0) throw new CorruptSnapshotError(`Snapshot failed schema validation: array size ${count} cannot be negative`);
  if (count * ENTRY_SIZE > buf.length - PRODUCER_ENTRIES_OFFSET - 4) {
    throw new CorruptSnapshotError(`Snapshot failed schema validation: ${count} entries do not fit in ${buf.length} bytes`);
  }
  // Kafka parses the whole struct first, then checks the version, then the CRC.
  const version = buf.readInt16BE(VERSION_OFFSET);
  if (version !== PRODUCER_SNAPSHOT_VERSION) throw new CorruptSnapshotError(`Snapshot contained an unknown file version ${version}`);
  const crc = buf.readUInt32BE(CRC_OFFSET);
  const computed = crc32c(buf, PRODUCER_ENTRIES_OFFSET, buf.length);
  if (crc !== computed) {
    throw new CorruptSnapshotError(`Snapshot is corrupt (CRC is no longer valid). Stored crc: ${crc}. Computed crc: ${computed}`);
  }
  const entries: ProducerStateEntry[] = [];
  let pos = PRODUCER_ENTRIES_OFFSET + 4;
  for (let i = 0; i < count; i++) {
    const producerId = buf.readBigInt64BE(pos); pos += 8;
    const epoch = buf.readInt16BE(pos); pos += 2;
    const lastSeq = buf.readInt32BE(pos); pos += 4;
    const lastOffset = buf.readBigInt64BE(pos); pos += 8;
    const offsetDelta = buf.readInt32BE(pos); pos += 4;
    const timestamp = buf.readBigInt64BE(pos); pos += 8;
    const coordinatorEpoch = buf.readInt32BE(pos); pos += 4;
    const txnFirstOffset = buf.readBigInt64BE(pos); pos += 8;
    const batch = lastOffset >= 0n ? new BatchMetadata(lastSeq, lastOffset, offsetDelta, timestamp) : undefined;
    entries.push(new ProducerStateEntry(producerId, epoch, coordinatorEpoch, timestamp,
      txnFirstOffset >= 0n ? txnFirstOffset : null, batch));
  }
  return entries;
}
