/**
 * Metadata-log record values as KRaft writes them in __cluster_metadata (MetadataRecordSerde):
 *
 *   unsigned varint frameVersion (1) | unsigned varint apiKey (record type) | unsigned varint version | body
 *
 * The record key is null and there are no headers.
 */
import { METADATA_RECORDS } from './generated/metadata-records.js';
import { DecodeError } from './primitives/errors.js';
import { Reader } from './primitives/reader.js';
import { Writer } from './primitives/writer.js';

export const METADATA_FRAME_VERSION = 1;

export interface MetadataRecord {
  /** Record type: the `apiKey` of the metadata schema (TopicRecord = 2, PartitionRecord = 3, ...). */
  type: number;
  version: number;
  data: unknown;
}

export function encodeMetadataRecord(record: MetadataRecord): Buffer {
  const t = METADATA_RECORDS.get(record.type);
  if (!t) throw new RangeError(`unknown metadata record type ${record.type}`);
  const w = new Writer(64);
  w.writeUnsignedVarint(METADATA_FRAME_VERSION);
  w.writeUnsignedVarint(record.type);
  w.writeUnsignedVarint(record.version);
  t.encode(w, record.version, record.data);
  return w.toBuffer();
}

export function decodeMetadataRecord(value: Buffer): MetadataRecord {
  const r = new Reader(value);
  const frameVersion = r.readUnsignedVarint();
  if (frameVersion !== METADATA_FRAME_VERSION) throw new DecodeError(`unsupported metadata record frame version ${frameVersion}`);
  const type = r.readUnsignedVarint();
  const version = r.readUnsignedVarint();
  const t = METADATA_RECORDS.get(type);
  if (!t) throw new DecodeError(`unknown metadata record type ${type}`);
  if (version < t.minVersion || version > t.maxVersion) throw new DecodeError(`${t.name} has no version ${version}`);
  const data = t.decode(r, version);
  if (r.remaining !== 0) throw new DecodeError(`${r.remaining} bytes left after ${t.name} v${version}`);
  return { type, version, data };
}
