import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BatchHeader, CompressionType, NO_SEQUENCE, RECORDS, TimestampType } from '../../../src/protocol/records/batch-header.js';
import { iterateBatches } from '../../../src/protocol/records/batch-iterator.js';
import { isBatchCrcValid } from '../../../src/protocol/records/batch-patch.js';
import { type BuildBatchOptions, buildRecordBatch, buildRecordBatchSync, type RecordInput } from '../../../src/protocol/records/build-batch.js';
import { CorruptRecordError } from '../../../src/protocol/records/errors.js';
import { iterateRecords, iterateRecordsSync, readRecords } from '../../../src/protocol/records/read-records.js';
import { incrementSequence } from '../../../src/protocol/records/record.js';

const LIMIT = { maxDecompressedBytes: 64 * 1024 * 1024 };
const CODECS = [CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd];
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

const bytes = fc.option(
  fc.oneof(
    fc.uint8Array({ maxLength: 64 }),
    fc.integer({ min: 0, max: 20_000 }).map((n) => new Uint8Array(n).fill(n & 0xff)),
  ).map((a) => Buffer.from(a)),
  { nil: null },
);
const header = fc.record({ key: fc.string({ unit: 'grapheme', maxLength: 12 }), value: bytes });
// Timestamps within +-2^62 keep every delta inside int64 and exercise the bigint varlong path.
const timestamp = fc.oneof(fc.bigInt(0n, 2n ** 42n), fc.bigInt(-(2n ** 62n), 2n ** 62n));
const recordInput: fc.Arbitrary<RecordInput> = fc.record({
  key: bytes,
  value: bytes,
  headers: fc.array(header, { maxLength: 4 }),
  timestamp,
});

const batchOptions = fc.record({
  records: fc.array(recordInput, { minLength: 1, maxLength: 12 }),
  baseOffset: fc.bigInt(0n, 2n ** 62n),
  compression: fc.constantFrom(...CODECS),
  producerId: fc.oneof(fc.constant(-1n), fc.bigInt(INT64_MIN, INT64_MAX)),
  producerEpoch: fc.integer({ min: -1, max: 32767 }),
  baseSequence: fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 0x7fffffff })),
  isTransactional: fc.boolean(),
  partitionLeaderEpoch: fc.integer({ min: -1, max: 0x7fffffff }),
  timestampType: fc.constantFrom(TimestampType.CreateTime, TimestampType.LogAppendTime),
  logAppendTime: fc.bigInt(0n, 2n ** 45n),
});

function sameBytes(a: Buffer | null, b: Buffer | null | undefined): boolean {
  return a === null || b == null ? a === null && b == null : a.equals(b);
}

async function checkRoundTrip(options: BuildBatchOptions, batch: Buffer): Promise<void> {
  const h = new BatchHeader(batch);
  const records = options.records;
  expect(h.sizeInBytes).toBe(batch.length);
  expect(h.magic).toBe(2);
  expect(isBatchCrcValid(batch)).toBe(true);
  expect(h.compression).toBe(options.compression ?? CompressionType.None);
  expect(h.baseOffset).toBe(options.baseOffset ?? 0n);
  expect(h.partitionLeaderEpoch).toBe(options.partitionLeaderEpoch ?? -1);
  expect(h.producerId).toBe(options.producerId ?? -1n);
  expect(h.producerEpoch).toBe(options.producerEpoch ?? -1);
  expect(h.baseSequence).toBe(options.baseSequence ?? -1);
  expect(h.isTransactional).toBe(options.isTransactional ?? false);
  expect(h.isControl).toBe(false);
  expect(h.recordsCount).toBe(records.length);
  expect(h.lastOffsetDelta).toBe(records.length - 1);
  expect(h.baseTimestamp).toBe(records[0]!.timestamp);
  const logAppend = options.timestampType === TimestampType.LogAppendTime;
  const maxCreate = records.reduce((m, r) => (r.timestamp! > m ? r.timestamp! : m), -1n);
  expect(h.maxTimestamp).toBe(logAppend ? options.logAppendTime : maxCreate);
  expect(h.isLogAppendTime).toBe(logAppend);

  const decoded = await readRecords(batch, LIMIT);
  expect(decoded).toHaveLength(records.length);
  decoded.forEach((r, i) => {
    const input = records[i]!;
    expect(r.offset).toBe(h.baseOffset + BigInt(i));
    expect(r.offsetDelta).toBe(i);
    expect(r.timestamp).toBe(logAppend ? options.logAppendTime : input.timestamp);
    // Buffer.equals: vitest's deep equality walks buffers byte by byte and is far too slow here.
    expect(sameBytes(r.key, input.key)).toBe(true);
    expect(sameBytes(r.value, input.value)).toBe(true);
    expect(r.headers.map((x) => x.key)).toEqual(input.headers!.map((x) => x.key));
    expect(r.headers.every((x, j) => sameBytes(x.value, input.headers![j]!.value))).toBe(true);
    expect(r.sequence).toBe(h.baseSequence === NO_SEQUENCE ? NO_SEQUENCE : incrementSequence(h.baseSequence, i));
  });
}

describe('build -> iterate round trip', () => {
  it('keeps every header field and record, for every codec', async () => {
    await fc.assert(
      fc.asyncProperty(batchOptions, async (options) => {
        await checkRoundTrip(options, await buildRecordBatch(options));
        if (options.compression !== CompressionType.Zstd) await checkRoundTrip(options, buildRecordBatchSync(options));
      }),
      { numRuns: 200 },
    );
  });

  it('wraps sequence numbers past Int32.MAX_VALUE as Kafka does', async () => {
    const batch = buildRecordBatchSync({
      records: [{ value: null, timestamp: 1n }, { value: null, timestamp: 1n }, { value: null, timestamp: 1n }],
      producerId: 5n,
      producerEpoch: 0,
      baseSequence: 0x7ffffffe,
    });
    const seqs = (await readRecords(batch, LIMIT)).map((r) => r.sequence);
    expect(seqs).toEqual([0x7ffffffe, 0x7fffffff, 0]);
    expect(new BatchHeader(batch).lastSequence).toBe(0);
  });

  it('uses the given offset deltas and their maximum as lastOffsetDelta', async () => {
    const batch = buildRecordBatchSync({
      records: [
        { key: Buffer.from('a'), offsetDelta: 0, timestamp: 10n },
        { key: Buffer.from('b'), offsetDelta: 5, timestamp: 20n },
      ],
      baseOffset: 100n,
    });
    expect(new BatchHeader(batch).lastOffsetDelta).toBe(5);
    expect((await readRecords(batch, LIMIT)).map((r) => r.offset)).toEqual([100n, 105n]);
  });

  it('builds an empty batch as a header only (writeEmptyHeader)', async () => {
    const batch = buildRecordBatchSync({ records: [], compression: CompressionType.Gzip, lastOffsetDelta: 3, producerId: 7n, baseSequence: 4 });
    const h = new BatchHeader(batch);
    expect(batch.length).toBe(61);
    expect(h.recordsCount).toBe(0);
    expect(h.compression).toBe(CompressionType.None);
    expect(h.lastOffsetDelta).toBe(3);
    expect(h.baseTimestamp).toBe(-1n);
    expect(h.maxTimestamp).toBe(-1n);
    expect(isBatchCrcValid(batch)).toBe(true);
    expect(await readRecords(batch, LIMIT)).toEqual([]);
  });

  it('defaults record timestamps to now', async () => {
    const before = BigInt(Date.now());
    const [r] = await readRecords(buildRecordBatchSync({ records: [{ value: Buffer.from('v') }] }), LIMIT);
    expect(r!.timestamp).toBeGreaterThanOrEqual(before);
    expect(r!.timestamp).toBeLessThanOrEqual(BigInt(Date.now()));
  });

  it('encodes records byte for byte like the Java client (sarama test vector layout)', () => {
    // One record: key 01020304, value 050607, header 08090a = 0b0c, timestampDelta 5.
    const batch = buildRecordBatchSync({
      records: [{ key: Buffer.from([1, 2, 3, 4]), value: Buffer.from([5, 6, 7]), headers: [{ key: '\b\t\n', value: Buffer.from([11, 12]) }], timestamp: 1479847795005n }],
      producerId: 0n,
      producerEpoch: 0,
      baseSequence: 0,
      partitionLeaderEpoch: 0,
    });
    expect(batch.subarray(RECORDS).toString('hex')).toBe('28000000080102030406050607020608090a040b0c');
  });

  it('decodes key and value as zero-copy slices of the batch', async () => {
    const batch = buildRecordBatchSync({ records: [{ key: Buffer.from('key'), value: Buffer.from('value'), timestamp: 1n }] });
    const [r] = iterateRecordsSync(batch, LIMIT).toArray();
    expect(r!.key!.buffer).toBe(batch.buffer);
    expect(r!.value!.buffer).toBe(batch.buffer);
  });

  it('is lazy: a record past a corrupt one is never reached', async () => {
    const batch = buildRecordBatchSync({ records: [{ value: Buffer.from('ok'), timestamp: 1n }, { value: Buffer.from('second'), timestamp: 1n }] });
    const it = await iterateRecords(batch, LIMIT);
    expect(it.next().done).toBe(false);
    expect(it.count).toBe(1);
  });
});

describe('corrupt records', () => {
  function uncompressed(): Buffer {
    return buildRecordBatchSync({
      records: [
        { key: Buffer.from('k1'), value: Buffer.from('v1'), timestamp: 5n },
        { key: Buffer.from('k2'), value: Buffer.from('v2'), headers: [{ key: 'h', value: null }], timestamp: 6n },
      ],
    });
  }

  it('rejects a recordsCount larger than the records present', () => {
    const batch = uncompressed();
    batch.writeInt32BE(3, 57);
    expect(() => iterateRecordsSync(batch, LIMIT).toArray()).toThrow(/premature EOF/);
  });

  it('rejects bytes left after the declared records', () => {
    const batch = uncompressed();
    batch.writeInt32BE(1, 57);
    expect(() => iterateRecordsSync(batch, LIMIT).toArray()).toThrow(/records still remaining/);
  });

  it('rejects a negative record count', () => {
    const batch = uncompressed();
    batch.writeInt32BE(-1, 57);
    expect(() => iterateRecordsSync(batch, LIMIT)).toThrow(/invalid record count/);
  });

  it('rejects a record whose length disagrees with its fields', () => {
    const batch = uncompressed();
    batch[RECORDS] += 2; // first record claims 1 more byte than it has
    expect(() => iterateRecordsSync(batch, LIMIT).toArray()).toThrow(CorruptRecordError);
  });

  it('rejects a negative header count and a header count larger than the record', () => {
    const one = buildRecordBatchSync({ records: [{ value: Buffer.from('x'), timestamp: 0n }] });
    // record: len, attr, tsDelta, offDelta, key(-1), value len, 'x', headers count
    const headersCountAt = one.length - 1;
    one[headersCountAt] = 0x01; // zig-zag -1
    expect(() => iterateRecordsSync(one, LIMIT).toArray()).toThrow(/invalid number of record headers -1/);
    one[headersCountAt] = 0x0a; // 5 headers in zero bytes
    expect(() => iterateRecordsSync(one, LIMIT).toArray()).toThrow(/larger than the remaining size/);
  });

  it('rejects a batch whose header does not fit the buffer', () => {
    const batch = uncompressed();
    expect(() => iterateRecordsSync(batch.subarray(0, 40), LIMIT)).toThrow(CorruptRecordError);
    expect(() => iterateRecordsSync(batch.subarray(0, batch.length - 1), LIMIT)).toThrow(/does not fit/);
    const legacy = Buffer.from(batch);
    legacy[16] = 1;
    expect(() => iterateRecordsSync(legacy, LIMIT)).toThrow(/magic 1/);
  });

  it('rejects a truncated compressed stream', async () => {
    const batch = await buildRecordBatch({ records: [{ value: Buffer.alloc(1000, 1), timestamp: 0n }], compression: CompressionType.Lz4 });
    const cut = Buffer.from(batch.subarray(0, batch.length - 6));
    cut.writeInt32BE(cut.length - 12, 8);
    await expect(readRecords(cut, LIMIT)).rejects.toBeInstanceOf(CorruptRecordError);
  });
});

describe('iterateBatches', () => {
  const a = buildRecordBatchSync({ records: [{ value: Buffer.from('a'), timestamp: 1n }], baseOffset: 0n });
  const b = buildRecordBatchSync({ records: [{ value: Buffer.from('bb'), timestamp: 2n }], baseOffset: 1n });

  it('yields zero-copy slices of each batch', () => {
    const blob = Buffer.concat([a, b]);
    const it = iterateBatches(blob);
    const batches = [...it];
    expect(batches).toHaveLength(2);
    expect(batches[0]!.equals(a)).toBe(true);
    expect(batches[1]!.equals(b)).toBe(true);
    expect(batches[1]!.buffer).toBe(blob.buffer);
    expect(it.hasPartialBatch).toBe(false);
    expect(it.trailingBytes).toBe(0);
  });

  it('stops at a truncated last batch and says so', () => {
    for (let cut = 1; cut < b.length; cut++) {
      const blob = Buffer.concat([a, b.subarray(0, cut)]);
      const it = iterateBatches(blob);
      expect([...it]).toHaveLength(1);
      expect(it.hasPartialBatch).toBe(true);
      expect(it.trailingBytes).toBe(cut);
      expect(it.position).toBe(a.length);
    }
  });

  it('handles an empty blob', () => {
    const it = iterateBatches(Buffer.alloc(0));
    expect([...it]).toEqual([]);
    expect(it.hasPartialBatch).toBe(false);
  });

  it('throws on an impossible batch length or magic', () => {
    const small = Buffer.from(a);
    small.writeInt32BE(13, 8);
    expect(() => [...iterateBatches(small)]).toThrow(/less than the minimum record overhead/);
    const magic = Buffer.from(a);
    magic[16] = 3;
    expect(() => [...iterateBatches(magic)]).toThrow(/Invalid magic/);
    expect(() => [...iterateBatches(a, 0, a.length, 20)]).toThrow(/exceeds the largest allowable/);
  });
});
