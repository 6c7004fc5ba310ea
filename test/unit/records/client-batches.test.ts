import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { BatchHeader, CompressionType, RECORDS } from '../../../src/protocol/records/batch-header.js';
import { isBatchCrcValid } from '../../../src/protocol/records/batch-patch.js';
import { buildRecordBatch, buildRecordBatchSync } from '../../../src/protocol/records/build-batch.js';
import { decompress } from '../../../src/protocol/records/compression/index.js';
import type { KafkaRecord } from '../../../src/protocol/records/record.js';
import { readRecords } from '../../../src/protocol/records/read-records.js';
import { validateBatchForAppend, validateRecordsForAppend } from '../../../src/protocol/records/validate.js';
import * as vectors from './client-batches.js';

const LIMIT = { maxDecompressedBytes: 1024 * 1024 };
const hex = (h: string) => Buffer.from(h, 'hex');

function simple(records: KafkaRecord[]) {
  return records.map((r) => ({
    key: r.key === null ? null : r.key.toString(),
    value: r.value === null ? null : r.value.toString(),
    headers: r.headers.map((h) => [h.key, h.value === null ? null : h.value.toString()]),
  }));
}

/** Re-encodes decoded records with the batch's own header fields. */
function rebuild(batch: Buffer, records: KafkaRecord[], compression = CompressionType.None) {
  const h = new BatchHeader(batch);
  return {
    records: records.map((r) => ({ key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp, offsetDelta: r.offsetDelta })),
    baseOffset: h.baseOffset,
    compression,
    producerId: h.producerId,
    producerEpoch: h.producerEpoch,
    baseSequence: h.baseSequence,
    isTransactional: h.isTransactional,
    partitionLeaderEpoch: h.partitionLeaderEpoch,
  };
}

describe('record batches written by real clients', () => {
  const all = Object.entries(vectors).map(([name, h]) => [name, hex(h)] as const);

  it.each(all)('%s passes produce validation (CRC, framing, counts)', async (_name, batch) => {
    expect(isBatchCrcValid(batch)).toBe(true);
    const result = validateBatchForAppend(batch, { produceVersion: 7, maxMessageBytes: 1_048_588 });
    expect(result).toMatchObject({ ok: true, trailingBytes: 0 });
    const records = await validateRecordsForAppend(batch, { ...LIMIT, compacted: true });
    expect(records).toMatchObject({ errorCode: 0, offsetsConsecutive: true });
  });

  it('kcat (librdkafka 2.0.2): keys key1..key5 with headers k=v, trace=abc', async () => {
    const p1 = await readRecords(hex(vectors.KCAT_P1), LIMIT);
    const p0 = await readRecords(hex(vectors.KCAT_P0), LIMIT);
    const headers = [['k', 'v'], ['trace', 'abc']];
    expect(simple([...p1, ...p0])).toEqual(
      ['key1', 'key2', 'key5', 'key3', 'key4'].map((k) => ({ key: k, value: `value-${k.slice(3)}`, headers })),
    );
    expect(p1.map((r) => r.offset)).toEqual([0n, 1n, 2n]);
    expect(p1[0]!.timestamp).toBe(0x1a201ca7cabn);
  });

  it('confluent-kafka-python zstd (a real zstd frame): keys zstd-k0..zstd-k9', async () => {
    const batches = [vectors.CFK_ZSTD_P0, vectors.CFK_ZSTD_P1, vectors.CFK_ZSTD_P2].map(hex);
    for (const b of batches) expect(new BatchHeader(b).compression).toBe(CompressionType.Zstd);
    const records = (await Promise.all(batches.map((b) => readRecords(b, LIMIT)))).flat();
    const decoded = simple(records).sort((a, b) => a.key!.localeCompare(b.key!));
    expect(decoded).toEqual(
      Array.from({ length: 10 }, (_, i) => ({ key: `zstd-k${i}`, value: `zstd value ${i}`, headers: [['codec', 'zstd']] })),
    );
    const h = new BatchHeader(batches[0]!);
    expect(h.producerId).toBe(8732761458098436367n);
    expect(records.every((r) => r.sequence === r.offsetDelta)).toBe(true);
  });

  it('confluent-kafka-python snappy and gzip producers (sent uncompressed by librdkafka)', async () => {
    expect(simple(await readRecords(hex(vectors.CFK_SNAPPY_P1), LIMIT))).toEqual([
      { key: 'snappy-k7', value: 'snappy value 7', headers: [['codec', 'snappy']] },
    ]);
    expect(simple(await readRecords(hex(vectors.CFK_GZIP_P1), LIMIT)).map((r) => r.key)).toEqual(['gzip-k1', 'gzip-k3', 'gzip-k6', 'gzip-k9']);
  });

  it('confluent-kafka-python transactional batch', async () => {
    const batch = hex(vectors.CFK_TXN_P0);
    expect(new BatchHeader(batch).isTransactional).toBe(true);
    expect(simple(await readRecords(batch, LIMIT))).toEqual([
      { key: 'tk0', value: 'committed 0', headers: [] },
      { key: 'tk2', value: 'committed 2', headers: [] },
    ]);
  });

  it('kafka-python 2.0.2: keys k0, k1 with header h', async () => {
    const records = await readRecords(hex(vectors.KAFKA_PYTHON_P2), LIMIT);
    expect(simple(records)).toEqual([
      { key: 'k0', value: 'gzip value 0', headers: [['h', 'x0']] },
      { key: 'k1', value: 'gzip value 1', headers: [['h', 'x1']] },
    ]);
    expect(records[1]!.timestamp - records[0]!.timestamp).toBe(1n);
  });

  it.each([
    ['LIBRDKAFKA_LZ4', CompressionType.Lz4],
    ['LIBRDKAFKA_SNAPPY', CompressionType.Snappy],
    ['LIBRDKAFKA_GZIP', CompressionType.Gzip],
  ] as const)('%s (compressed by librdkafka 2.0.2): keys key1..key5', async (name, codec) => {
    const batch = hex(vectors[name]);
    expect(new BatchHeader(batch).compression).toBe(codec);
    const records = await readRecords(batch, LIMIT);
    expect(simple(records)).toEqual(
      [1, 2, 3, 4, 5].map((i) => ({ key: `key${i}`, value: `value-${i} ${'abcdefgh'.repeat(25)}`, headers: [['k', 'v'], ['trace', 'abc']] })),
    );
    // Same records section as our encoder writes for them, so recompression is lossless.
    const section = await decompress(codec, batch.subarray(RECORDS), LIMIT.maxDecompressedBytes);
    expect(buildRecordBatchSync(rebuild(batch, records)).subarray(RECORDS).equals(section)).toBe(true);
  });

  it.each([
    ['SARAMA_GZIP', CompressionType.Gzip],
    ['SARAMA_SNAPPY', CompressionType.Snappy],
    ['SARAMA_LZ4', CompressionType.Lz4],
  ] as const)('%s (compressed by sarama) decodes', async (name, codec) => {
    const batch = hex(vectors[name]);
    expect(new BatchHeader(batch).compression).toBe(codec);
    const [r] = await readRecords(batch, LIMIT);
    expect(r!.key!.toString('hex')).toBe('01020304');
    expect(r!.value!.toString('hex')).toBe('050607');
    expect(r!.headers).toEqual([{ key: '\b\t\n', value: Buffer.from([11, 12]) }]);
    expect(r!.timestamp).toBe(1479847795005n);
  });

  it.each(['KCAT_P1', 'KCAT_P0', 'CFK_SNAPPY_P1', 'CFK_GZIP_P1', 'CFK_TXN_P0', 'KAFKA_PYTHON_P2'] as const)(
    '%s: our encoder reproduces the client bytes exactly',
    async (name) => {
      const batch = hex(vectors[name]);
      expect(buildRecordBatchSync(rebuild(batch, await readRecords(batch, LIMIT))).equals(batch)).toBe(true);
    },
  );

  it('zstd batches: our encoder reproduces the records section librdkafka compressed', async () => {
    for (const v of [vectors.CFK_ZSTD_P0, vectors.CFK_ZSTD_P1, vectors.CFK_ZSTD_P2]) {
      const batch = hex(v);
      const section = await decompress(CompressionType.Zstd, batch.subarray(RECORDS), LIMIT.maxDecompressedBytes);
      const ours = buildRecordBatchSync(rebuild(batch, await readRecords(batch, LIMIT)));
      expect(ours.subarray(RECORDS).equals(section)).toBe(true);
    }
  });
});

describe('interop with kafkajs (an independent encoder and decoder)', () => {
  const require = createRequire(import.meta.url);
  const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js');
  const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js');
  const decodeBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder.js');
  const Decoder = require('kafkajs/src/protocol/decoder.js');
  const keys = ['key1', 'key2', 'key3', 'key4', 'key5'];

  it('reads a gzip batch kafkajs compressed', async () => {
    const encoder = await RecordBatch({
      compression: 1,
      firstTimestamp: 1700000000000,
      maxTimestamp: 1700000000004,
      lastOffsetDelta: keys.length - 1,
      records: keys.map((k, i) =>
        Record({ offsetDelta: i, timestampDelta: i, key: Buffer.from(k), value: Buffer.from(`value-${i + 1}`), headers: { trace: Buffer.from('abc') } }),
      ),
    });
    const batch: Buffer = encoder.buffer;
    expect(new BatchHeader(batch).compression).toBe(CompressionType.Gzip);
    expect(isBatchCrcValid(batch)).toBe(true);
    const records = await readRecords(batch, LIMIT);
    expect(simple(records)).toEqual(keys.map((k, i) => ({ key: k, value: `value-${i + 1}`, headers: [['trace', 'abc']] })));
    expect(records.map((r) => r.timestamp)).toEqual([0n, 1n, 2n, 3n, 4n].map((d) => 1700000000000n + d));
  });

  it.each([CompressionType.None, CompressionType.Gzip])('kafkajs reads our batches (compression %s)', async (compression) => {
    const batch = await buildRecordBatch({
      records: keys.map((k, i) => ({ key: Buffer.from(k), value: Buffer.from(`v${i}`), headers: [{ key: 'h', value: Buffer.from('x') }], timestamp: 1700000000000n + BigInt(i) })),
      baseOffset: 42n,
      compression,
    });
    const decoded = await decodeBatch(new Decoder(batch));
    expect(decoded.records.map((r: { key: Buffer }) => r.key.toString())).toEqual(keys);
    expect(decoded.records.map((r: { offset: string }) => r.offset)).toEqual(['42', '43', '44', '45', '46']);
    expect(decoded.records[4].timestamp).toBe('1700000000004');
    expect(decoded.records[0].headers.h.toString()).toBe('x');
  });
});
