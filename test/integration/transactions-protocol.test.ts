/**
 * The transaction APIs at every advertised version over a socket, with Gregor's own codecs as the
 * client: FindCoordinator key type 1, InitProducerId v0-5 with a transactional id,
 * AddPartitionsToTxn v0-3, AddOffsetsToTxn v0-3, EndTxn v0-3, TxnOffsetCommit v0-3,
 * DescribeTransactions v0, ListTransactions v0-1; PRODUCER_FENCED becomes INVALID_PRODUCER_EPOCH
 * for versions before KIP-588, as KafkaApis answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBroker } from '../../src/embedded.js';
import { ErrorCode } from '../../src/protocol/error-codes.js';
import { ApiKey } from '../../src/protocol/generated/api-messages.js';
import { startGroupBroker } from './groups-helpers.js';
import { RawClient } from './helpers/raw-client.js';

let broker: RunningBroker;
let client: RawClient;

beforeAll(async () => {
  broker = await startGroupBroker({ config: { 'transaction.state.log.num.partitions': 3, 'transaction.max.timeout.ms': 60_000 } });
  await broker.createTopic('raw-txn', { partitions: 2 });
  client = await RawClient.open(broker.port, 'raw-txn');
});

afterAll(async () => {
  client?.close();
  await broker?.close();
});

const init = (v: number, transactionalId: string, producerId = -1n, producerEpoch = -1, transactionTimeoutMs = 30_000) =>
  client.send(ApiKey.InitProducerId, v, { transactionalId, transactionTimeoutMs, producerId, producerEpoch });
const addPartitions = (v: number, transactionalId: string, producerId: bigint, producerEpoch: number, topics: { name: string; partitions: number[] }[]) =>
  client.send(ApiKey.AddPartitionsToTxn, v, { transactions: [], v3AndBelowTransactionalId: transactionalId, v3AndBelowProducerId: producerId, v3AndBelowProducerEpoch: producerEpoch, v3AndBelowTopics: topics });
const endTxn = (v: number, transactionalId: string, producerId: bigint, producerEpoch: number, committed: boolean) =>
  client.send(ApiKey.EndTxn, v, { transactionalId, producerId, producerEpoch, committed });

describe('transaction APIs at every version', () => {
  it('ApiVersions advertises exactly the implemented versions', async () => {
    const r = await client.send(ApiKey.ApiVersions, 3, { clientSoftwareName: 'raw', clientSoftwareVersion: '1' });
    const byKey = new Map<number, [number, number]>(r.apiKeys.map((k: { apiKey: number; minVersion: number; maxVersion: number }) => [k.apiKey, [k.minVersion, k.maxVersion]]));
    expect(byKey.get(ApiKey.InitProducerId)).toEqual([0, 5]);
    expect(byKey.get(ApiKey.AddPartitionsToTxn)).toEqual([0, 3]);
    expect(byKey.get(ApiKey.AddOffsetsToTxn)).toEqual([0, 3]);
    expect(byKey.get(ApiKey.EndTxn)).toEqual([0, 3]);
    expect(byKey.get(ApiKey.TxnOffsetCommit)).toEqual([0, 3]);
    expect(byKey.get(ApiKey.DescribeTransactions)).toEqual([0, 0]);
    expect(byKey.get(ApiKey.ListTransactions)).toEqual([0, 1]);
    expect(byKey.has(ApiKey.WriteTxnMarkers)).toBe(false);
  });

  it('FindCoordinator key type 1 creates __transaction_state and answers this broker; an empty id is INVALID_REQUEST', async () => {
    for (let v = 1; v <= 3; v++) {
      const r = await client.send(ApiKey.FindCoordinator, v, { key: `t${v}`, keyType: 1, coordinatorKeys: [] });
      expect(r).toMatchObject({ errorCode: ErrorCode.NONE, nodeId: 1, port: broker.port });
    }
    const batched = await client.send(ApiKey.FindCoordinator, 4, { key: '', keyType: 1, coordinatorKeys: ['a', ''] });
    expect(batched.coordinators.map((c: { errorCode: number }) => c.errorCode)).toEqual([ErrorCode.NONE, ErrorCode.INVALID_REQUEST]);
    const topic = broker.broker.image.topicsByName.get('__transaction_state')!;
    expect(topic.partitions.size).toBe(3);
    expect(Object.fromEntries(broker.broker.image.topicConfigs('__transaction_state'))).toMatchObject({ 'cleanup.policy': 'compact', 'compression.type': 'uncompressed' });
  });

  it('InitProducerId v0-5 with a transactional id bumps the epoch; a timeout above transaction.max.timeout.ms is refused', async () => {
    let producerId = -1n;
    for (let v = 0; v <= 5; v++) {
      const r = await init(v, 'raw-init');
      expect(r.errorCode).toBe(ErrorCode.NONE);
      if (v === 0) producerId = r.producerId;
      expect(r).toMatchObject({ producerId, producerEpoch: v });
    }
    expect((await init(4, 'raw-init', -1n, -1, 60_001)).errorCode).toBe(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    expect((await init(4, '')).errorCode).toBe(ErrorCode.INVALID_REQUEST);
    // KIP-360 (v3+): a stale epoch is fenced; before v4 that reads INVALID_PRODUCER_EPOCH.
    expect((await init(3, 'raw-init', producerId, 1)).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect((await init(4, 'raw-init', producerId, 1)).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
    expect((await init(4, 'raw-init', producerId, 5)).producerEpoch).toBe(6);
  });

  for (let v = 0; v <= 3; v++) {
    it(`AddPartitionsToTxn v${v}, AddOffsetsToTxn v${v}, TxnOffsetCommit v${v}, EndTxn v${v}`, async () => {
      const id = `raw-txn-${v}`;
      const { producerId, producerEpoch } = await init(Math.min(v + 1, 5), id);
      const fencedCode = v < 2 ? ErrorCode.INVALID_PRODUCER_EPOCH : ErrorCode.PRODUCER_FENCED;

      const unknown = await addPartitions(v, id, producerId, producerEpoch, [{ name: 'raw-txn', partitions: [0] }, { name: 'nope', partitions: [0] }]);
      expect(unknown.resultsByTopicV3AndBelow.map((t: { name: string; resultsByPartition: { partitionErrorCode: number }[] }) => [t.name, t.resultsByPartition[0]!.partitionErrorCode])).toEqual([
        ['raw-txn', ErrorCode.OPERATION_NOT_ATTEMPTED],
        ['nope', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
      ]);
      const stale = await addPartitions(v, id, producerId, producerEpoch - 1, [{ name: 'raw-txn', partitions: [0] }]);
      expect(stale.resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode).toBe(fencedCode);
      const added = await addPartitions(v, id, producerId, producerEpoch, [{ name: 'raw-txn', partitions: [0, 1] }]);
      expect(added.resultsByTopicV3AndBelow[0].resultsByPartition.map((p: { partitionErrorCode: number }) => p.partitionErrorCode)).toEqual([0, 0]);

      const offsets = await client.send(ApiKey.AddOffsetsToTxn, v, { transactionalId: id, producerId, producerEpoch, groupId: `raw-group-${v}` });
      expect(offsets.errorCode).toBe(ErrorCode.NONE);
      const staleOffsets = await client.send(ApiKey.AddOffsetsToTxn, v, { transactionalId: id, producerId, producerEpoch: producerEpoch - 1, groupId: `raw-group-${v}` });
      expect(staleOffsets.errorCode).toBe(fencedCode);
      const commit = await client.send(ApiKey.TxnOffsetCommit, v, {
        transactionalId: id,
        groupId: `raw-group-${v}`,
        producerId,
        producerEpoch,
        generationId: -1,
        memberId: '',
        groupInstanceId: null,
        topics: [{ name: 'raw-txn', partitions: [{ partitionIndex: 0, committedOffset: 3n, committedLeaderEpoch: -1, committedMetadata: 'm' }] }, { name: 'nope', partitions: [{ partitionIndex: 0, committedOffset: 3n, committedLeaderEpoch: -1, committedMetadata: null }] }],
      });
      expect(commit.topics.map((t: { name: string; partitions: { errorCode: number }[] }) => [t.name, t.partitions[0]!.errorCode]).sort()).toEqual([
        ['nope', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
        ['raw-txn', ErrorCode.NONE],
      ]);

      const described = await client.send(ApiKey.DescribeTransactions, 0, { transactionalIds: [id, 'never-seen'] });
      expect(described.transactionStates[0]).toMatchObject({ errorCode: 0, transactionState: 'Ongoing', producerId, producerEpoch });
      expect(described.transactionStates[0].topics.map((t: { topic: string }) => t.topic).sort()).toEqual(['__consumer_offsets', 'raw-txn']);
      expect(described.transactionStates[1].errorCode).toBe(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);

      expect((await endTxn(v, id, producerId, producerEpoch - 1, true)).errorCode).toBe(fencedCode);
      expect((await endTxn(v, id, producerId, producerEpoch, true)).errorCode).toBe(ErrorCode.NONE);
      expect((await endTxn(v, id, producerId, producerEpoch, false)).errorCode).toBe(ErrorCode.INVALID_TXN_STATE);
      const fetched = await broker.broker.groupCoordinator.fetchOffsets(`raw-group-${v}`, [{ name: 'raw-txn', partitionIndexes: [0] }], false);
      expect(fetched.topics[0]!.partitions[0]!.committedOffset).toBe(3n);
    });
  }

  it('EndTxn before any partition was added is INVALID_TXN_STATE; an unknown producer id is INVALID_PRODUCER_ID_MAPPING', async () => {
    const { producerId, producerEpoch } = await init(4, 'raw-empty');
    expect((await endTxn(3, 'raw-empty', producerId, producerEpoch, true)).errorCode).toBe(ErrorCode.INVALID_TXN_STATE);
    expect((await endTxn(3, 'raw-empty', producerId + 100n, producerEpoch, true)).errorCode).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
  });

  it('ListTransactions v0-1 filters by state, producer id and duration, and reports unknown states', async () => {
    for (let v = 0; v <= 1; v++) {
      const all = await client.send(ApiKey.ListTransactions, v, { stateFilters: [], producerIdFilters: [], durationFilter: -1n });
      expect(all.errorCode).toBe(ErrorCode.NONE);
      expect(all.transactionStates.map((t: { transactionalId: string }) => t.transactionalId)).toContain('raw-txn-0');
      const committed = await client.send(ApiKey.ListTransactions, v, { stateFilters: ['CompleteCommit', 'Bogus'], producerIdFilters: [], durationFilter: -1n });
      expect(committed.unknownStateFilters).toEqual(['Bogus']);
      expect(committed.transactionStates.every((t: { transactionState: string }) => t.transactionState === 'CompleteCommit')).toBe(true);
      expect(committed.transactionStates.length).toBeGreaterThanOrEqual(4);
    }
    const longRunning = await client.send(ApiKey.ListTransactions, 1, { stateFilters: [], producerIdFilters: [], durationFilter: 3_600_000n });
    expect(longRunning.transactionStates).toEqual([]);
  });
});
