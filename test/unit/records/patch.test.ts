import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ATTRIBUTES, BatchHeader, CompressionType, CRC, TimestampType } from '../../../src/protocol/records/batch-header.js';
import {
  computeBatchCrc,
  isBatchCrcValid,
  setBaseOffset,
  setLastOffset,
  setLogAppendTime,
  setMaxTimestamp,
  setPartitionLeaderEpoch,
  updateBatchCrc,
} from '../../../src/protocol/records/batch-patch.js';
import { buildRecordBatch, buildRecordBatchSync } from '../../../src/protocol/records/build-batch.js';
import { readRecords } from '../../../src/protocol/records/read-records.js';

const LIMIT = { maxDecompressedBytes: 1 << 20 };

function sample(compression = CompressionType.None): Promise<Buffer> {
  return buildRecordBatch({
    records: [
      { key: Buffer.from('a'), value: Buffer.from('1'), timestamp: 1000n },
      { key: Buffer.from('b'), value: Buffer.from('2'), timestamp: 1005n },
      { key: Buffer.from('c'), value: Buffer.from('3'), timestamp: 1002n },
    ],
    compression,
  });
}

describe('patching a batch in place', () => {
  it('sets baseOffset and partitionLeaderEpoch without touching the CRC', async () => {
    const batch = await sample();
    const crc = batch.readUInt32BE(CRC);
    setBaseOffset(batch, 1234567890123n);
    setPartitionLeaderEpoch(batch, 17);
    const h = new BatchHeader(batch);
    expect(h.baseOffset).toBe(1234567890123n);
    expect(h.partitionLeaderEpoch).toBe(17);
    expect(batch.readUInt32BE(CRC)).toBe(crc);
    expect(isBatchCrcValid(batch)).toBe(true);
    expect((await readRecords(batch, LIMIT)).map((r) => r.offset)).toEqual([1234567890123n, 1234567890124n, 1234567890125n]);
  });

  it('sets the last offset the way Java does (base = last - lastOffsetDelta)', async () => {
    const batch = await sample();
    setLastOffset(batch, 52n);
    expect(new BatchHeader(batch).baseOffset).toBe(50n);
  });

  it.each([CompressionType.None, CompressionType.Snappy])('stamps LogAppendTime and recomputes the CRC (compression %s)', async (compression) => {
    const batch = await sample(compression);
    expect(setLogAppendTime(batch, 99_999n)).toBe(true);
    const h = new BatchHeader(batch);
    expect(h.isLogAppendTime).toBe(true);
    expect(h.compression).toBe(compression);
    expect(h.maxTimestamp).toBe(99_999n);
    expect(isBatchCrcValid(batch)).toBe(true);
    expect((await readRecords(batch, LIMIT)).map((r) => r.timestamp)).toEqual([99_999n, 99_999n, 99_999n]);
  });

  it('leaves the batch alone when type and maxTimestamp already match', async () => {
    const batch = await sample();
    batch.writeUInt32BE(0xdeadbeef, CRC); // a stale CRC would survive a no-op
    expect(setMaxTimestamp(batch, TimestampType.CreateTime, 1005n)).toBe(false);
    expect(batch.readUInt32BE(CRC)).toBe(0xdeadbeef);
    expect(setMaxTimestamp(batch, TimestampType.CreateTime, 1006n)).toBe(true);
    expect(isBatchCrcValid(batch)).toBe(true);
  });

  it('can switch a producer LogAppendTime batch back to CreateTime, keeping other attribute bits', async () => {
    const batch = buildRecordBatchSync({
      records: [{ value: Buffer.from('x'), timestamp: 5n }],
      timestampType: TimestampType.LogAppendTime,
      logAppendTime: 9n,
      isTransactional: true,
      producerId: 1n,
      baseSequence: 0,
    });
    setMaxTimestamp(batch, TimestampType.CreateTime, 5n);
    const h = new BatchHeader(batch);
    expect(h.isLogAppendTime).toBe(false);
    expect(h.isTransactional).toBe(true);
    expect(isBatchCrcValid(batch)).toBe(true);
  });

  it('updateBatchCrc repairs the CRC after a manual edit', async () => {
    const batch = await sample();
    batch.writeInt16BE(batch.readInt16BE(ATTRIBUTES) | 0x10, ATTRIBUTES);
    expect(isBatchCrcValid(batch)).toBe(false);
    updateBatchCrc(batch);
    expect(isBatchCrcValid(batch)).toBe(true);
    expect(batch.readUInt32BE(CRC)).toBe(computeBatchCrc(batch));
  });

  it('works on a batch that sits inside a larger buffer', async () => {
    const batch = await sample();
    const blob = Buffer.concat([Buffer.alloc(7, 0xee), batch, Buffer.alloc(5, 0xee)]);
    setBaseOffset(blob, 77n, 7);
    setLogAppendTime(blob, 123n, 7);
    expect(isBatchCrcValid(blob, 7)).toBe(true);
    expect(new BatchHeader(blob, 7).baseOffset).toBe(77n);
    expect(blob[6]).toBe(0xee);
    expect(blob[7 + batch.length]).toBe(0xee);
  });
});

describe('CRC-32C detects tampering', () => {
  it('any single-byte change in attributes..end invalidates the batch', async () => {
    const batch = await sample(CompressionType.Lz4);
    fc.assert(
      fc.property(fc.integer({ min: ATTRIBUTES, max: batch.length - 1 }), fc.integer({ min: 1, max: 255 }), (pos, xor) => {
        const copy = Buffer.from(batch);
        copy[pos] ^= xor;
        expect(isBatchCrcValid(copy)).toBe(false);
      }),
    );
  });

  it('a changed CRC field is detected', async () => {
    const batch = await sample();
    batch[CRC + 3] ^= 1;
    expect(isBatchCrcValid(batch)).toBe(false);
  });

  it('a batch shorter than its header or than its batchLength is never valid', async () => {
    const batch = await sample();
    expect(isBatchCrcValid(batch.subarray(0, batch.length - 1))).toBe(false);
    const short = Buffer.from(batch.subarray(0, 40));
    short.writeInt32BE(28, 8);
    expect(isBatchCrcValid(short)).toBe(false);
  });
});
