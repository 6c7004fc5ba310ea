/**
 * Records of the coordinator topics (__consumer_offsets, __transaction_state), as Kafka's
 * CoordinatorRecordSerde writes them:
 *
 *   key   = int16 keyVersion   + key struct at keyVersion (in __consumer_offsets the key version is the record type)
 *   value = int16 valueVersion + value struct at valueVersion, or null (a tombstone)
 */
import { CONSUMER_OFFSETS_RECORDS, TRANSACTION_LOG_RECORDS, type CoordinatorRecordType } from './generated/coordinator-records.js';
import { DecodeError } from './primitives/errors.js';
import { Reader } from './primitives/reader.js';
import { Writer } from './primitives/writer.js';

export interface CoordinatorRecord {
  type: number;
  key: unknown;
  /** null for a tombstone. */
  value: { version: number; data: unknown } | null;
}

export type CoordinatorTopic = '__consumer_offsets' | '__transaction_state';

function table(topic: CoordinatorTopic): ReadonlyMap<number, CoordinatorRecordType> {
  return topic === '__consumer_offsets' ? CONSUMER_OFFSETS_RECORDS : TRANSACTION_LOG_RECORDS;
}

export function encodeCoordinatorRecord(topic: CoordinatorTopic, record: CoordinatorRecord): { key: Buffer; value: Buffer | null } {
  const t = table(topic).get(record.type);
  if (!t) throw new RangeError(`unknown ${topic} record type ${record.type}`);
  const kw = new Writer(64);
  kw.writeInt16(record.type);
  t.encodeKey(kw, record.type, record.key);
  if (record.value === null) return { key: kw.toBuffer(), value: null };
  const vw = new Writer(128);
  vw.writeInt16(record.value.version);
  t.encodeValue(vw, record.value.version, record.value.data);
  return { key: kw.toBuffer(), value: vw.toBuffer() };
}

export function decodeCoordinatorRecord(topic: CoordinatorTopic, key: Buffer, value: Buffer | null): CoordinatorRecord {
  const kr = new Reader(key);
  const type = kr.readInt16();
  const t = table(topic).get(type);
  if (!t) throw new DecodeError(`unknown ${topic} record type ${type}`);
  const decodedKey = t.decodeKey(kr, type);
  if (kr.remaining !== 0) throw new DecodeError(`${kr.remaining} bytes left after ${t.keyName}`);
  if (value === null) return { type, key: decodedKey, value: null };
  const vr = new Reader(value);
  const version = vr.readInt16();
  if (version < t.valueMinVersion || version > t.valueMaxVersion) throw new DecodeError(`${t.valueName} has no version ${version}`);
  const data = t.decodeValue(vr, version);
  // Kafka tolerates trailing bytes in values written by newer versions; so do we.
  return { type, key: decodedKey, value: { version, data } };
}
