import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ATTRIBUTES,
  BASE_SEQUENCE,
  CompressionType,
  CONTROL_MASK,
  LAST_OFFSET_DELTA,
  RECORDS,
  RECORDS_COUNT,
  TimestampType,
} from '../../../src/protocol/records/batch-header.js';
import { setBaseOffset, updateBatchCrc } from '../../../src/protocol/records/batch-patch.js';
import { type BuildBatchOptions, buildRecordBatch, buildRecordBatchSync } from '../../../src/protocol/records/build-batch.js';
import { crc32 } from '../../../src/protocol/records/crc32.js';
import { RecordErrorCode as E, validateBatchForAppend, validateRecordsForAppend } from '../../../src/protocol/records/validate.js';

const LIMIT = { maxDecompressedBytes: 1 << 20 };

function batchOf(overrides: Partial<BuildBatchOptions> = {}): Buffer {
  return buildRecordBatchSync({
    records: [
      { key: Buffer.from('k0'), value: Buffer.from('v0'), timestamp: 1_000n },
      { key: Buffer.from('k1'), value: Buffer.from('v1'), timestamp: 3_000n },
      { key: Buffer.from('k2'), value: Buffer.from('v2'), timestamp: 2_000n },
    ],
    ...overrides,
  });
}

/** Edits the batch with `edit`, then fixes the CRC so only the edited field is wrong. */
function edited(edit: (b: Buffer) => void, base = batchOf()): Buffer {
  const b = Buffer.from(base);
  edit(b);
  updateBatchCrc(b);
  return b;
}

/** One legacy (magic 0 or 1) message set entry. */
function legacyEntry(magic: 0 | 1, offset: bigint, key: Buffer | null, value: Buffer | null, attributes = 0, timestamp = 1000n): Buffer {
  const size = 6 + (magic === 1 ? 8 : 0) + 4 + (key?.length ?? 0) + 4 + (value?.length ?? 0);
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

function rejected(records: Buffer, options = {}) {
  const r = validateBatchForAppend(records, { produceVersion: 9, topicPartition: 't-0', ...options });
  if (r.ok) throw new Error('expected a rejection');
  return r;
}

describe('validateBatchForAppend', () => {
  it('accepts a well-formed batch and returns it as a slice', () => {
    const batch = batchOf();
    const r = validateBatchForAppend(batch, { produceVersion: 9 });
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.batch.equals(batch)).toBe(true);
      expect(r.header.recordsCount).toBe(3);
      expect(r.trailingBytes).toBe(0);
    }
  });

  it('answers INVALID_RECORD for legacy magic 0 and 1 message sets (what Kafka 4.0 answers)', () => {
    for (const magic of [0, 1] as const) {
      const r = rejected(legacyEntry(magic, 0n, Buffer.from('k'), Buffer.from('v')));
      expect(r.errorCode).toBe(E.INVALID_RECORD);
      expect(r.reason).toBe('legacy-magic');
      expect(r.errorMessage).toBe('Produce requests with version 9 are only allowed to contain record batches with magic version 2');
    }
  });

  it('answers INVALID_RECORD when there is no complete batch', () => {
    expect(rejected(Buffer.alloc(0))).toMatchObject({ errorCode: E.INVALID_RECORD, reason: 'no-batch' });
    const batch = batchOf();
    expect(rejected(batch.subarray(0, batch.length - 1))).toMatchObject({ errorCode: E.INVALID_RECORD, reason: 'no-batch' });
    expect(rejected(batch.subarray(0, 11))).toMatchObject({ reason: 'no-batch' });
  });

  it('answers CORRUPT_MESSAGE for an impossible length or magic', () => {
    const small = Buffer.from(batchOf());
    small.writeInt32BE(13, 8);
    expect(rejected(small)).toMatchObject({ errorCode: E.CORRUPT_MESSAGE, reason: 'corrupt-framing' });
    const magic = Buffer.from(batchOf());
    magic[16] = 7;
    expect(rejected(magic)).toMatchObject({ errorCode: E.CORRUPT_MESSAGE, errorMessage: 'Invalid magic found in record: 7' });
  });

  it('refuses zstd below Produce v7 with UNSUPPORTED_COMPRESSION_TYPE', async () => {
    const zstd = await buildRecordBatch({ records: [{ value: Buffer.from('z'), timestamp: 1n }], compression: CompressionType.Zstd });
    expect(rejected(zstd, { produceVersion: 6 })).toMatchObject({ errorCode: E.UNSUPPORTED_COMPRESSION_TYPE });
    expect(validateBatchForAppend(zstd, { produceVersion: 7 }).ok).toBe(true);
  });

  it('answers INVALID_RECORD for two batches but ignores a trailing partial one', () => {
    const batch = batchOf();
    expect(rejected(Buffer.concat([batch, batch]))).toMatchObject({ errorCode: E.INVALID_RECORD, reason: 'multiple-batches' });
    const r = validateBatchForAppend(Buffer.concat([batch, batch.subarray(0, 20)]));
    expect(r).toMatchObject({ ok: true, trailingBytes: 20 });
    const corruptSecond = Buffer.concat([batch, Buffer.from(batch)]);
    corruptSecond.writeInt32BE(2, batch.length + 8);
    expect(rejected(corruptSecond)).toMatchObject({ errorCode: E.CORRUPT_MESSAGE });
  });

  it('answers INVALID_RECORD for a non-zero baseOffset', () => {
    const b = Buffer.from(batchOf());
    setBaseOffset(b, 5n);
    expect(rejected(b)).toMatchObject({
      errorCode: E.INVALID_RECORD,
      errorMessage: 'The baseOffset of the record batch in the append to t-0 should be 0, but it is 5',
    });
  });

  it('answers MESSAGE_TOO_LARGE above max.message.bytes', () => {
    const b = batchOf();
    expect(rejected(b, { maxMessageBytes: b.length - 1 })).toMatchObject({ errorCode: E.MESSAGE_TOO_LARGE, reason: 'too-large' });
    expect(validateBatchForAppend(b, { maxMessageBytes: b.length }).ok).toBe(true);
  });

  it('answers CORRUPT_MESSAGE for a bad CRC or a batch shorter than its header', () => {
    const b = Buffer.from(batchOf());
    b[b.length - 1] ^= 1;
    expect(rejected(b)).toMatchObject({ errorCode: E.CORRUPT_MESSAGE, reason: 'corrupt-crc' });
    const short = Buffer.from(batchOf().subarray(0, 40));
    short.writeInt32BE(28, 8);
    expect(rejected(short)).toMatchObject({ errorCode: E.CORRUPT_MESSAGE, reason: 'corrupt-crc' });
  });

  it('answers UNKNOWN_SERVER_ERROR for compression types 5-7, as Java does', () => {
    const b = edited((x) => x.writeInt16BE(x.readInt16BE(ATTRIBUTES) | 5, ATTRIBUTES));
    expect(rejected(b)).toMatchObject({ errorCode: E.UNKNOWN_SERVER_ERROR, reason: 'unknown-compression' });
  });

  it("applies LogValidator.validateBatch's offset, count, control and sequence checks", () => {
    expect(rejected(edited((b) => b.writeInt32BE(-1, LAST_OFFSET_DELTA)))).toMatchObject({ errorCode: E.INVALID_RECORD, reason: 'invalid-offset-range' });
    expect(rejected(edited((b) => b.writeInt32BE(0, RECORDS_COUNT)))).toMatchObject({ errorCode: E.INVALID_RECORD, reason: 'invalid-count' });
    expect(rejected(edited((b) => b.writeInt32BE(5, LAST_OFFSET_DELTA)))).toMatchObject({ errorCode: E.INVALID_RECORD, reason: 'inconsistent-count' });
    expect(rejected(edited((b) => b.writeInt16BE(CONTROL_MASK, ATTRIBUTES)))).toMatchObject({ errorCode: E.INVALID_RECORD, reason: 'control-batch' });
    const idempotent = batchOf({ producerId: 3n, producerEpoch: 0, baseSequence: 0 });
    expect(validateBatchForAppend(idempotent).ok).toBe(true);
    expect(rejected(edited((b) => b.writeInt32BE(-1, BASE_SEQUENCE), idempotent))).toMatchObject({ errorCode: E.INVALID_RECORD, reason: 'invalid-sequence' });
  });

  it('never throws, whatever the bytes', () => {
    const good = batchOf();
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
          fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 1, max: 255 }), fc.boolean()).map(([pos, xor, fixCrc]) => {
            const b = Buffer.from(good);
            b[pos] ^= xor;
            if (fixCrc && b.readInt32BE(8) === good.readInt32BE(8) && b[16] === 2) updateBatchCrc(b);
            return b;
          }),
        ),
        (bytes) => {
          const r = validateBatchForAppend(bytes, { produceVersion: 3, maxMessageBytes: 1000 });
          expect(typeof r.ok).toBe('boolean');
        },
      ),
    );
  });
});

describe('validateRecordsForAppend', () => {
  it('reports the max timestamp and its offset delta, and consecutive offsets', async () => {
    const r = await validateRecordsForAppend(batchOf(), LIMIT);
    expect(r).toEqual({
      errorCode: 0,
      errorMessage: null,
      recordErrors: [],
      recordCount: 3,
      maxTimestamp: 3_000n,
      offsetDeltaOfMaxTimestamp: 1,
      offsetsConsecutive: true,
    });
  });

  it('flags non-consecutive inner offsets (Kafka rebuilds such a compressed batch)', async () => {
    const b = buildRecordBatchSync({
      records: [
        { value: Buffer.from('a'), offsetDelta: 0, timestamp: 1n },
        { value: Buffer.from('b'), offsetDelta: 2, timestamp: 1n },
        { value: Buffer.from('c'), offsetDelta: 2, timestamp: 1n },
      ],
    });
    expect((await validateRecordsForAppend(b, LIMIT)).offsetsConsecutive).toBe(false);
  });

  it('answers INVALID_RECORD with per-record errors for null keys on a compacted topic', async () => {
    const b = buildRecordBatchSync({
      records: [
        { key: Buffer.from('k'), value: Buffer.from('a'), timestamp: 1n },
        { key: null, value: Buffer.from('b'), timestamp: 1n },
      ],
    });
    const r = await validateRecordsForAppend(b, { ...LIMIT, compacted: true, topicPartition: 't-0' });
    expect(r.errorCode).toBe(E.INVALID_RECORD);
    expect(r.recordErrors).toEqual([{ batchIndex: 1, message: 'Compacted topic cannot accept message without key in topic partition t-0.' }]);
    expect(r.errorMessage).toBe(
      "One or more records have been rejected due to 1 record errors in total, and only showing the first three errors at most: [RecordError(batchIndex=1, message='Compacted topic cannot accept message without key in topic partition t-0.')]",
    );
    expect((await validateRecordsForAppend(b, LIMIT)).errorCode).toBe(0);
  });

  it('answers INVALID_TIMESTAMP for timestamps outside the configured bounds', async () => {
    const options = { ...LIMIT, nowMs: 2_500n, timestampBeforeMaxMs: 1_000n, timestampAfterMaxMs: 100n };
    const r = await validateRecordsForAppend(batchOf(), options);
    expect(r.errorCode).toBe(E.INVALID_TIMESTAMP);
    expect(r.errorMessage).toBe('One or more records have been rejected due to invalid timestamp');
    expect(r.recordErrors.map((e) => e.batchIndex)).toEqual([0, 1]);
    expect(r.recordErrors[0]!.message).toBe(
      'Timestamp 1000 of message with offset 0 is out of range. The timestamp should be within [1500, 2600]',
    );
    // LogAppendTime topics ignore record timestamps.
    expect((await validateRecordsForAppend(batchOf(), { ...options, timestampType: TimestampType.LogAppendTime })).errorCode).toBe(0);
  });

  it('answers INVALID_TIMESTAMP for a producer LogAppendTime batch on a LogAppendTime topic only', async () => {
    const b = batchOf({ timestampType: TimestampType.LogAppendTime, logAppendTime: 5_000n });
    expect((await validateRecordsForAppend(b, { ...LIMIT, timestampType: TimestampType.LogAppendTime })).errorCode).toBe(E.INVALID_TIMESTAMP);
    expect((await validateRecordsForAppend(b, LIMIT)).errorCode).toBe(0);
  });

  it('answers INVALID_RECORD when the declared count does not match the records', async () => {
    const r = await validateRecordsForAppend(edited((b) => b.writeInt32BE(2, RECORDS_COUNT)), LIMIT);
    expect(r).toMatchObject({ errorCode: E.INVALID_RECORD, errorMessage: 'Incorrect declared batch size, records still remaining in file' });
  });

  it('answers UNKNOWN_SERVER_ERROR for an undecodable compressed stream, as Kafka does', async () => {
    const b = await buildRecordBatch({ records: [{ value: Buffer.alloc(100, 1), timestamp: 1n }], compression: CompressionType.Gzip });
    const broken = edited((x) => x.fill(0x55, RECORDS + 10), b);
    const r = await validateRecordsForAppend(broken, LIMIT);
    expect(r.errorCode).toBe(E.UNKNOWN_SERVER_ERROR);
    expect(r.errorMessage).toMatch(/^Failed to decompress record stream/);
  });

  it('answers INVALID_RECORD for a batch that decompresses past the limit', async () => {
    const b = await buildRecordBatch({ records: [{ value: Buffer.alloc(4 << 20), timestamp: 1n }], compression: CompressionType.Lz4 });
    const r = await validateRecordsForAppend(b, LIMIT);
    expect(r.errorCode).toBe(E.INVALID_RECORD);
    expect(r.errorMessage).toMatch(/exceed the limit of 1048576 bytes/);
  });

  it('never throws for mutated batches of any codec', async () => {
    const batches = await Promise.all(
      [CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd].map((compression) =>
        buildRecordBatch({
          records: [
            { key: Buffer.from('key'), value: Buffer.from('value value value'), headers: [{ key: 'h', value: Buffer.from('x') }], timestamp: 1n },
            { key: Buffer.from('key2'), value: null, timestamp: 2n },
          ],
          compression,
        }),
      ),
    );
    await fc.assert(
      fc.asyncProperty(fc.nat(batches.length - 1), fc.nat(), fc.integer({ min: 1, max: 255 }), async (which, at, xor) => {
        const b = Buffer.from(batches[which]!);
        const pos = RECORDS + (at % (b.length - RECORDS));
        b[pos] ^= xor;
        updateBatchCrc(b);
        const r = await validateRecordsForAppend(b, { ...LIMIT, compacted: true });
        expect(typeof r.errorCode).toBe('number');
      }),
      { numRuns: 300 },
    );
  });
});
