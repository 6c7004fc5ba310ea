import { describe, expect, it } from 'vitest';
import { BatchHeader, CompressionType, TimestampType } from '../../../src/protocol/records/batch-header.js';
import { isBatchCrcValid } from '../../../src/protocol/records/batch-patch.js';
import {
  buildEndTxnMarker,
  ControlRecordType,
  encodeControlRecordKey,
  encodeEndTxnMarkerValue,
  parseControlRecordKey,
  parseEndTxnMarkerValue,
} from '../../../src/protocol/records/control-records.js';
import { crc32c } from '../../../src/protocol/crc32c.js';
import { crc32 } from '../../../src/protocol/records/crc32.js';
import { CorruptRecordError } from '../../../src/protocol/records/errors.js';
import { iterateLegacyEntries } from '../../../src/protocol/records/legacy.js';
import { readRecords } from '../../../src/protocol/records/read-records.js';

describe('end-transaction markers', () => {
  it('are laid out exactly as MemoryRecords.writeEndTransactionalMarker writes them', () => {
    const marker = buildEndTxnMarker({
      type: ControlRecordType.Commit,
      producerId: 0x0102030405060708n,
      producerEpoch: 3,
      coordinatorEpoch: 9,
      timestamp: 1700000000123n,
      baseOffset: 40n,
      partitionLeaderEpoch: 2,
    });
    // Hand-assembled from DefaultRecordBatch.writeHeader and DefaultRecord.writeTo.
    const expected = Buffer.from(
      '0000000000000028' + // baseOffset 40
        '00000042' + // batchLength 66 (78 - 12)
        '00000002' + // partitionLeaderEpoch
        '02' + // magic
        '00000000' + // crc, filled in below
        '0030' + // attributes: transactional | control, CreateTime, no compression
        '00000000' + // lastOffsetDelta
        '0000018bcfe5687b' + // baseTimestamp 1700000000123
        '0000018bcfe5687b' + // maxTimestamp
        '0102030405060708' + // producerId
        '0003' + // producerEpoch
        'ffffffff' + // baseSequence -1
        '00000001' + // one record
        '20' + // record length 16
        '00' + // attributes
        '00' + // timestampDelta 0
        '00' + // offsetDelta 0
        '08' + '00000001' + // key: version 0, type 1 (COMMIT)
        '0c' + '0000' + '00000009' + // value: version 0, coordinatorEpoch 9
        '00', // no headers
      'hex',
    );
    expected.writeUInt32BE(crc32c(expected, 21), 17);
    expect(marker.toString('hex')).toBe(expected.toString('hex'));
  });

  it('read back as a control batch with an ABORT key and the coordinator epoch', async () => {
    const marker = buildEndTxnMarker({ type: ControlRecordType.Abort, producerId: 77n, producerEpoch: 1, coordinatorEpoch: 12, timestamp: 5n });
    const h = new BatchHeader(marker);
    expect(h.isControl && h.isTransactional).toBe(true);
    expect(h.baseSequence).toBe(-1);
    expect(h.compression).toBe(CompressionType.None);
    expect(h.isLogAppendTime).toBe(false);
    expect(isBatchCrcValid(marker)).toBe(true);
    const [record] = await readRecords(marker, { maxDecompressedBytes: 1000 });
    expect(parseControlRecordKey(record!.key)).toEqual({ version: 0, type: ControlRecordType.Abort });
    expect(parseEndTxnMarkerValue(record!.value)).toEqual({ version: 0, coordinatorEpoch: 12 });
    expect(record!.timestamp).toBe(5n);
  });

  it('parse like Java: type from bytes 2-3 whatever the version; short or negative-version keys are corrupt', () => {
    expect(parseControlRecordKey(encodeControlRecordKey(ControlRecordType.LeaderChange, 3))).toEqual({ version: 3, type: 2 });
    expect(parseControlRecordKey(Buffer.from('0000002a00', 'hex'))).toEqual({ version: 0, type: 42 });
    expect(() => parseControlRecordKey(Buffer.from('0000', 'hex'))).toThrow(CorruptRecordError);
    expect(() => parseControlRecordKey(null)).toThrow(/at least 4 bytes/);
    expect(() => parseControlRecordKey(encodeControlRecordKey(1, -1))).toThrow(/Invalid version/);
    expect(() => parseEndTxnMarkerValue(Buffer.alloc(5))).toThrow(/at least 6 bytes/);
    expect(parseEndTxnMarkerValue(encodeEndTxnMarkerValue(-1))).toEqual({ version: 0, coordinatorEpoch: -1 });
  });
});

/** One legacy message set entry (LegacyRecord layout). */
function legacyEntry(magic: 0 | 1, offset: bigint, key: Buffer | null, value: Buffer | null, attributes = 0, timestamp = 0n): Buffer {
  const size = 6 + (magic === 1 ? 8 : 0) + 8 + (key?.length ?? 0) + (value?.length ?? 0);
  const out = Buffer.alloc(12 + size);
  out.writeBigInt64BE(offset, 0);
  out.writeInt32BE(size, 8);
  let p = 16;
  out[p++] = magic;
  out[p++] = attributes;
  if (magic === 1) {
    out.writeBigInt64BE(timestamp, p);
    p += 8;
  }
  for (const field of [key, value]) {
    out.writeInt32BE(field === null ? -1 : field.length, p);
    p += 4;
    if (field) p += field.copy(out, p);
  }
  out.writeUInt32BE(crc32(out, 16, out.length), 12);
  return out;
}

describe('legacy message sets (magic 0 and 1)', () => {
  it('iterates entries of both versions with their CRC-32 checked', () => {
    const set = Buffer.concat([
      legacyEntry(0, 0n, null, Buffer.from('v0')),
      legacyEntry(1, 1n, Buffer.from('k1'), Buffer.from('v1'), 0x08, 1234n),
      legacyEntry(1, 2n, Buffer.from('k2'), null, 0x01, 99n),
    ]);
    const entries = [...iterateLegacyEntries(set)];
    expect(entries.map((e) => [e.offset, e.magic, e.key?.toString() ?? null, e.value?.toString() ?? null, e.timestamp])).toEqual([
      [0n, 0, null, 'v0', null],
      [1n, 1, 'k1', 'v1', 1234n],
      [2n, 1, 'k2', null, 99n],
    ]);
    expect(entries.map((e) => e.timestampType)).toEqual([null, TimestampType.LogAppendTime, TimestampType.CreateTime]);
    expect(entries[2]!.compression).toBe(CompressionType.Gzip);
    expect(entries.every((e) => e.crcValid)).toBe(true);
  });

  it('reports a CRC mismatch and stops at a truncated entry', () => {
    const a = legacyEntry(1, 0n, Buffer.from('k'), Buffer.from('value'));
    a[a.length - 1] ^= 1;
    const b = legacyEntry(0, 1n, null, Buffer.from('truncated'));
    const it = iterateLegacyEntries(Buffer.concat([a, b.subarray(0, 20)]));
    const entries = [...it];
    expect(entries).toHaveLength(1);
    expect(entries[0]!.crcValid).toBe(false);
    expect(it.trailingBytes).toBe(20);
  });

  it('throws CorruptRecordError for a key length that overruns the message', () => {
    const a = legacyEntry(0, 0n, Buffer.from('k'), Buffer.from('v'));
    a.writeInt32BE(100, 18);
    expect(() => [...iterateLegacyEntries(a)]).toThrow(CorruptRecordError);
  });
});
