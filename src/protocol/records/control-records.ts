/**
 * Control records (batches with attribute bit 5 set) and transaction markers.
 *
 *   key   int16 version (0) | int16 type            (ControlRecordType, 4 bytes)
 *   value for ABORT/COMMIT: int16 version (0) | int32 coordinatorEpoch   (6 bytes)
 *
 * An end-transaction marker is what Java's MemoryRecords.writeEndTransactionalMarker writes: one
 * batch, CreateTime, no compression, isTransactional and isControl set, the producer's id and
 * epoch, baseSequence -1, one record with offsetDelta 0, the marker timestamp, that key and
 * value and no headers. Readers take the type from bytes 2-3 whatever the key version
 * (ControlRecordType.parse), and reject keys shorter than 4 bytes and marker values shorter than 6.
 */
import { NO_SEQUENCE, TimestampType } from './batch-header.js';
import { buildRecordBatchSync } from './build-batch.js';
import { CorruptRecordError } from './errors.js';

export enum ControlRecordType {
  Abort = 0,
  Commit = 1,
  LeaderChange = 2,
  SnapshotHeader = 3,
  SnapshotFooter = 4,
  KRaftVersion = 5,
  KRaftVoters = 6,
}

export const CONTROL_RECORD_KEY_VERSION = 0;
export const END_TXN_MARKER_VALUE_VERSION = 0;

export function encodeControlRecordKey(type: ControlRecordType | number, version = CONTROL_RECORD_KEY_VERSION): Buffer {
  const key = Buffer.allocUnsafe(4);
  key.writeInt16BE(version, 0);
  key.writeInt16BE(type, 2);
  return key;
}

/** Type and version of a control record key; unknown types are returned as numbers for the caller to ignore. */
export function parseControlRecordKey(key: Buffer | null): { version: number; type: number } {
  if (key === null || key.length < 4) {
    throw new CorruptRecordError(
      `Invalid value size found for end control record key. Must have at least 4 bytes, but found only ${key?.length ?? 0}`,
    );
  }
  const version = key.readInt16BE(0);
  if (version < 0) throw new CorruptRecordError(`Invalid version found for control record: ${version}. May indicate data corruption`);
  return { version, type: key.readInt16BE(2) };
}

export function encodeEndTxnMarkerValue(coordinatorEpoch: number, version = END_TXN_MARKER_VALUE_VERSION): Buffer {
  const value = Buffer.allocUnsafe(6);
  value.writeInt16BE(version, 0);
  value.writeInt32BE(coordinatorEpoch, 2);
  return value;
}

export function parseEndTxnMarkerValue(value: Buffer | null): { version: number; coordinatorEpoch: number } {
  if (value === null || value.length < 6) {
    throw new CorruptRecordError(
      `Invalid value size found for end transaction marker. Must have at least 6 bytes, but found only ${value?.length ?? 0}`,
    );
  }
  return { version: value.readInt16BE(0), coordinatorEpoch: value.readInt32BE(2) };
}

export interface EndTxnMarkerOptions {
  type: ControlRecordType.Commit | ControlRecordType.Abort;
  producerId: bigint;
  producerEpoch: number;
  coordinatorEpoch: number;
  /** Marker (and batch) timestamp. */
  timestamp: bigint;
  baseOffset?: bigint;
  partitionLeaderEpoch?: number;
}

/** A COMMIT or ABORT marker batch, byte for byte as MemoryRecords.writeEndTransactionalMarker writes it. */
export function buildEndTxnMarker(options: EndTxnMarkerOptions): Buffer {
  return buildRecordBatchSync({
    records: [
      {
        key: encodeControlRecordKey(options.type),
        value: encodeEndTxnMarkerValue(options.coordinatorEpoch),
        timestamp: options.timestamp,
        offsetDelta: 0,
      },
    ],
    baseOffset: options.baseOffset ?? 0n,
    producerId: options.producerId,
    producerEpoch: options.producerEpoch,
    baseSequence: NO_SEQUENCE,
    isTransactional: true,
    isControl: true,
    partitionLeaderEpoch: options.partitionLeaderEpoch,
    timestampType: TimestampType.CreateTime,
  });
}
