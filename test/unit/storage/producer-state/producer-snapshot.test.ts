import { describe, expect, it } from 'vitest';
import { crc32c } from '../../../../src/protocol/crc32c.js';
import {
  BatchMetadata,
  CorruptSnapshotError,
  ProducerStateEntry,
  offsetFromSnapshotFileName,
  producerSnapshotFileName,
  readProducerSnapshot,
  writeProducerSnapshot,
} from '../../../../src/storage/producer-state/index.js';

function entryWithBatches(): ProducerStateEntry {
  const e = ProducerStateEntry.empty(0x0102030405060708n);
  e.addBatch(3, 9, 100n, 4, 5555n);
  e.addBatch(3, 14, 110n, 4, 6666n);
  return e;
}

describe('producer snapshot format', () => {
  it('uses the CRC-32C (Castagnoli) check value', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  it('names files with the 20-digit zero-padded offset', () => {
    expect(producerSnapshotFileName(1234n)).toBe('00000000000000001234.snapshot');
    expect(offsetFromSnapshotFileName('00000000000000001234.snapshot')).toBe(1234n);
    expect(offsetFromSnapshotFileName('00000000000000001234.snapshot.deleted')).toBeUndefined();
    expect(offsetFromSnapshotFileName('00000000000000001234.log')).toBeUndefined();
    expect(offsetFromSnapshotFileName('leader-epoch-checkpoint')).toBeUndefined();
  });

  it('writes Kafka\'s layout: version, crc, then 46-byte entries with the last batch only', () => {
    const txn = new ProducerStateEntry(77n, 2, 5, 42n, 900n);
    const buf = writeProducerSnapshot([entryWithBatches(), txn]);
    expect(buf.length).toBe(2 + 4 + 4 + 2 * 46);
    expect(buf.readInt16BE(0)).toBe(1);
    expect(buf.readUInt32BE(2)).toBe(crc32c(buf, 6, buf.length));
    expect(buf.readInt32BE(6)).toBe(2);
    let p = 10;
    expect(buf.readBigInt64BE(p)).toBe(0x0102030405060708n);
    expect(buf.readInt16BE(p + 8)).toBe(3);
    expect(buf.readInt32BE(p + 10)).toBe(14); // last sequence
    expect(buf.readBigInt64BE(p + 14)).toBe(110n); // last offset
    expect(buf.readInt32BE(p + 22)).toBe(4); // offset delta
    expect(buf.readBigInt64BE(p + 26)).toBe(6666n); // timestamp
    expect(buf.readInt32BE(p + 34)).toBe(-1); // coordinator epoch
    expect(buf.readBigInt64BE(p + 38)).toBe(-1n); // no open transaction
    p += 46;
    expect(buf.readBigInt64BE(p)).toBe(77n);
    expect(buf.readInt32BE(p + 10)).toBe(-1);
    expect(buf.readBigInt64BE(p + 14)).toBe(-1n);
    expect(buf.readInt32BE(p + 22)).toBe(0);
    expect(buf.readBigInt64BE(p + 26)).toBe(42n);
    expect(buf.readInt32BE(p + 34)).toBe(5);
    expect(buf.readBigInt64BE(p + 38)).toBe(900n);
  });

  it('round-trips entries', () => {
    const [a, b] = readProducerSnapshot(writeProducerSnapshot([entryWithBatches(), new ProducerStateEntry(77n, 2, 5, 42n, 900n)]));
    expect(a!.producerId).toBe(0x0102030405060708n);
    expect(a!.producerEpoch).toBe(3);
    expect(a!.batchMetadata()).toEqual([new BatchMetadata(14, 110n, 4, 6666n)]);
    expect(a!.firstSeq).toBe(10);
    expect(a!.firstDataOffset).toBe(106n);
    expect(a!.lastTimestamp).toBe(6666n);
    expect(a!.currentTxnFirstOffset).toBeNull();
    expect(b!.isEmpty).toBe(true);
    expect(b!.lastSeq).toBe(-1);
    expect(b!.coordinatorEpoch).toBe(5);
    expect(b!.currentTxnFirstOffset).toBe(900n);
    expect(b!.lastTimestamp).toBe(42n);
    expect(readProducerSnapshot(writeProducerSnapshot([]))).toEqual([]);
  });

  it('rejects a flipped bit, an unknown version, and truncated or malformed files', () => {
    const good = writeProducerSnapshot([entryWithBatches()]);
    const flipped = Buffer.from(good);
    flipped[20]! ^= 1;
    expect(() => readProducerSnapshot(flipped)).toThrow(/CRC/);
    const v2 = Buffer.from(good);
    v2.writeInt16BE(2, 0);
    expect(() => readProducerSnapshot(v2)).toThrow(/version 2/);
    expect(() => readProducerSnapshot(good.subarray(0, good.length - 1))).toThrow(CorruptSnapshotError);
    expect(() => readProducerSnapshot(Buffer.alloc(0))).toThrow(CorruptSnapshotError);
    const negative = Buffer.from(good);
    negative.writeInt32BE(-1, 6);
    expect(() => readProducerSnapshot(negative)).toThrow(CorruptSnapshotError);
  });
});
