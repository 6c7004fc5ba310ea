/**
 * DeleteRecords answers that the clients do not easily provoke, through the handler of a running
 * broker; plus the versions ApiVersions advertises.
 */
import { describe, expect, it } from 'vitest';
import { deleteRecordsHandler } from '../../../src/handlers/21-delete-records.js';
import type { RequestContext } from '../../../src/handlers/handler.js';
import { silentLogger } from '../../../src/logger.js';
import { ErrorCode } from '../../../src/protocol/error-codes.js';
import { useResources } from '../helpers/broker.js';
import { kafkajs } from '../helpers/node-clients.js';
import { waitUntil } from '../helpers/wait.js';
import { partitionLog, startClockBroker } from './helpers.js';

describe('DeleteRecords handler', () => {
  const res = useResources();

  it('answers per partition: unknown topic or partition, internal topic, bad offsets, and no-ops below the log start offset', async () => {
    const b = await startClockBroker(res);
    b.createTopic('t', {}, 1);
    // FindCoordinator (behind describeGroups) makes the broker create __consumer_offsets.
    const admin = kafkajs(b.bootstrap).admin();
    await admin.connect();
    await admin.describeGroups(['g']);
    await admin.disconnect();
    await waitUntil(() => b.broker.replicas.getPartition('__consumer_offsets', 0), { what: '__consumer_offsets' });
    const producer = kafkajs(b.bootstrap).producer();
    await producer.connect();
    await producer.send({ topic: 't', messages: Array.from({ length: 6 }, (_, i) => ({ key: `k${i}`, value: 'v' })) });
    await producer.disconnect();
    const ctx = { broker: b.broker, log: silentLogger(), apiVersion: 2 } as unknown as RequestContext;
    const ask = (topic: string, partitionIndex: number, offset: bigint) => {
      const r = deleteRecordsHandler.handle(ctx, { topics: [{ name: topic, partitions: [{ partitionIndex, offset }] }], timeoutMs: 1000 }) as ReturnType<typeof deleteRecordsHandler.errorResponse>;
      return r.topics[0]!.partitions[0]!;
    };
    expect(ask('nope', 0, 1n)).toEqual({ partitionIndex: 0, lowWatermark: -1n, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION });
    expect(ask('t', 7, 1n)).toEqual({ partitionIndex: 7, lowWatermark: -1n, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION });
    expect(ask('__consumer_offsets', 0, 0n).errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
    expect(ask('t', 0, -2n).errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    expect(ask('t', 0, 7n).errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    expect(ask('t', 0, 4n)).toEqual({ partitionIndex: 0, lowWatermark: 4n, errorCode: ErrorCode.NONE });
    expect(ask('t', 0, 2n)).toEqual({ partitionIndex: 0, lowWatermark: 4n, errorCode: ErrorCode.NONE }); // never backwards
    expect(ask('t', 0, 6n)).toEqual({ partitionIndex: 0, lowWatermark: 6n, errorCode: ErrorCode.NONE }); // = the high watermark
    expect(partitionLog(b.broker, 't').logStartOffset).toBe(6n);
  });

  it('is advertised in ApiVersions as versions 0-2', async () => {
    const b = await startClockBroker(res);
    const versions = b.broker.apiVersions(false).find((v) => v.apiKey === 21);
    expect(versions).toEqual({ apiKey: 21, minVersion: 0, maxVersion: 2 });
  });
});
