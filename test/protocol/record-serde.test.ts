import { describe, expect, it } from 'vitest';
import { decodeCoordinatorRecord, encodeCoordinatorRecord } from '../../src/protocol/coordinator-record-serde.js';
import { decodeMetadataRecord, encodeMetadataRecord } from '../../src/protocol/metadata-record-serde.js';
import { MetadataRecordKey } from '../../src/protocol/generated/metadata-records.js';
import { defaultTopicRecord } from '../../src/protocol/generated/metadata/topic-record.js';
import { DecodeError } from '../../src/protocol/primitives/errors.js';

describe('metadata record framing', () => {
  it('writes frame version 1, the record type and version as varints, then the body', () => {
    const data = { ...defaultTopicRecord(), name: 'orders', topicId: 'AAAAAAAAAAAAAAAAAAAAAQ' };
    const bytes = encodeMetadataRecord({ type: MetadataRecordKey.TopicRecord, version: 0, data });
    expect([...bytes.subarray(0, 3)]).toEqual([1, 2, 0]);
    expect(decodeMetadataRecord(bytes)).toEqual({ type: 2, version: 0, data });
  });

  it('rejects unknown types, versions and frame versions with a DecodeError', () => {
    expect(() => decodeMetadataRecord(Buffer.from([1, 120, 0]))).toThrow(DecodeError);
    expect(() => decodeMetadataRecord(Buffer.from([1, 2, 9]))).toThrow(DecodeError);
    expect(() => decodeMetadataRecord(Buffer.from([2, 2, 0]))).toThrow(DecodeError);
  });
});

describe('coordinator record framing', () => {
  it('encodes an offset commit as Kafka writes it: key v1, value v3', () => {
    const { key, value } = encodeCoordinatorRecord('__consumer_offsets', {
      type: 1,
      key: { group: 'g', topic: 't', partition: 3 },
      value: { version: 3, data: { offset: 42n, leaderEpoch: -1, metadata: '', commitTimestamp: 1700000000000n, expireTimestamp: -1n } },
    });
    expect(key.toString('hex')).toBe('0001' + '000167' + '000174' + '00000003');
    expect(value!.readInt16BE(0)).toBe(3);
    const back = decodeCoordinatorRecord('__consumer_offsets', key, value);
    expect(back.type).toBe(1);
    expect(back.key).toEqual({ group: 'g', topic: 't', partition: 3 });
    expect((back.value!.data as { offset: bigint }).offset).toBe(42n);
  });

  it('decodes a tombstone', () => {
    const { key } = encodeCoordinatorRecord('__consumer_offsets', { type: 2, key: { group: 'g' }, value: null });
    expect(decodeCoordinatorRecord('__consumer_offsets', key, null)).toEqual({ type: 2, key: { group: 'g' }, value: null });
  });

  it('round-trips a transaction log record', () => {
    const rec = {
      type: 0,
      key: { transactionalId: 'tx' },
      value: { version: 0, data: { producerId: 7n, producerEpoch: 1, transactionTimeoutMs: 60000, transactionStatus: 1, transactionPartitions: [{ topic: 't', partitionIds: [0, 1] }], transactionLastUpdateTimestampMs: 5n, transactionStartTimestampMs: 4n, previousProducerId: -1n, nextProducerId: -1n, clientTransactionVersion: 0 } },
    };
    const { key, value } = encodeCoordinatorRecord('__transaction_state', rec);
    expect(decodeCoordinatorRecord('__transaction_state', key, value)).toEqual(rec);
  });
});
