/**
 * Retries against a scripted broker: a fake that answers ApiVersions, Metadata and Produce with
 * whatever error codes a test wants, to check the client's reaction to each.
 */
import type net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { KafkaClient, Producer } from '../../../src/client/index.js';
import { ErrorCode } from '../../../src/protocol/error-codes.js';
import { encodeResponseFrame } from '../../../src/protocol/frame.js';
import { ApiKey } from '../../../src/protocol/generated/api-messages.js';
import { defaultApiVersionsResponse } from '../../../src/protocol/generated/api/18-api-versions.js';
import { defaultMetadataResponse, type MetadataRequest } from '../../../src/protocol/generated/api/03-metadata.js';
import { defaultProduceResponse, defaultProduceResponsePartitionProduceResponse, type ProduceRequest } from '../../../src/protocol/generated/api/00-produce.js';
import { parseRequest } from '../../../src/protocol/request-decoder.js';
import { fakeBroker } from './helpers.js';

type Fake = Awaited<ReturnType<typeof fakeBroker>>;
let fake: Fake | undefined;

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** A one-broker cluster with topic `t` (1 partition) whose Produce answers come from `produceErrors`, then NONE. */
async function scriptedBroker(produceErrors: number[], options: { dropFirstProduce?: boolean } = {}) {
  const seen = { metadata: 0, produce: 0, produceBodies: [] as ProduceRequest[] };
  let port = 0;
  let dropped = false;
  fake = await fakeBroker((frame, socket: net.Socket) => {
    const parsed = parseRequest(frame);
    const { header } = parsed;
    const reply = (body: unknown) => socket.write(Buffer.concat(encodeResponseFrame(header.requestApiKey, header.requestApiVersion, header.correlationId, body)));
    switch (header.requestApiKey) {
      case ApiKey.ApiVersions: {
        const res = defaultApiVersionsResponse();
        res.apiKeys = [
          { apiKey: ApiKey.ApiVersions, minVersion: 0, maxVersion: 3 },
          { apiKey: ApiKey.Metadata, minVersion: 0, maxVersion: 12 },
          { apiKey: ApiKey.Produce, minVersion: 3, maxVersion: 11 },
        ];
        return reply(res);
      }
      case ApiKey.Metadata: {
        seen.metadata++;
        const req = (parsed as { body: MetadataRequest }).body;
        const res = defaultMetadataResponse();
        res.clusterId = 'fake';
        res.controllerId = 1;
        res.brokers = [{ nodeId: 1, host: '127.0.0.1', port, rack: null }];
        res.topics = (req.topics ?? []).map((t) => ({
          errorCode: 0,
          name: t.name,
          topicId: 'AAAAAAAAAAAAAAAAAAAAAQ',
          isInternal: false,
          partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] }],
          topicAuthorizedOperations: -2147483648,
        }));
        return reply(res);
      }
      case ApiKey.Produce: {
        seen.produce++;
        seen.produceBodies.push((parsed as { body: ProduceRequest }).body);
        if (options.dropFirstProduce && !dropped) {
          dropped = true;
          socket.destroy();
          return;
        }
        const errorCode = produceErrors.shift() ?? ErrorCode.NONE;
        const res = defaultProduceResponse();
        res.responses = [{ name: 't', partitionResponses: [{ ...defaultProduceResponsePartitionProduceResponse(), index: 0, errorCode, baseOffset: errorCode === 0 ? 42n : -1n }] }];
        return reply(res);
      }
    }
  });
  port = fake.port;
  return { seen, bootstrap: `127.0.0.1:${fake.port}` };
}

describe('Producer retries', () => {
  it('refreshes metadata and resends after NOT_LEADER_OR_FOLLOWER', async () => {
    const { seen, bootstrap } = await scriptedBroker([ErrorCode.NOT_LEADER_OR_FOLLOWER, ErrorCode.LEADER_NOT_AVAILABLE]);
    const client = new KafkaClient({ bootstrapServers: bootstrap });
    try {
      const producer = new Producer(client, { lingerMs: 0, retryBackoffMs: 1, retryBackoffMaxMs: 5 });
      const md = await producer.send({ topic: 't', value: 'v' });
      expect(md.offset).toBe(42n);
      expect(seen.produce).toBe(3);
      expect(seen.metadata).toBeGreaterThanOrEqual(2);
      // The same record each time.
      const sizes = seen.produceBodies.map((b) => b.topicData[0]!.partitionData[0]!.records!.length);
      expect(new Set(sizes).size).toBe(1);
    } finally {
      await client.close();
    }
  });

  it('resends after the connection drops', async () => {
    const { seen, bootstrap } = await scriptedBroker([], { dropFirstProduce: true });
    const client = new KafkaClient({ bootstrapServers: bootstrap });
    try {
      const producer = new Producer(client, { lingerMs: 0, retryBackoffMs: 1, retryBackoffMaxMs: 5 });
      expect((await producer.send({ topic: 't', value: 'v' })).offset).toBe(42n);
      expect(seen.produce).toBe(2);
    } finally {
      await client.close();
    }
  });

  it('gives up at once on an error that is not retriable, and after `retries` on one that is', async () => {
    const { bootstrap } = await scriptedBroker([ErrorCode.INVALID_RECORD, ErrorCode.NOT_ENOUGH_REPLICAS, ErrorCode.NOT_ENOUGH_REPLICAS, ErrorCode.NOT_ENOUGH_REPLICAS]);
    const client = new KafkaClient({ bootstrapServers: bootstrap });
    try {
      const producer = new Producer(client, { lingerMs: 0, retries: 2, retryBackoffMs: 1, retryBackoffMaxMs: 5 });
      const first = await producer.send({ topic: 't', value: 'v' }).catch((e: unknown) => e);
      expect((first as { code: number }).code).toBe(ErrorCode.INVALID_RECORD);
      const second = await producer.send({ topic: 't', value: 'v' }).catch((e: unknown) => e);
      expect((second as { code: number }).code).toBe(ErrorCode.NOT_ENOUGH_REPLICAS);
      expect((second as Error).message).toBe('t-0: Messages are rejected since there are fewer in-sync replicas than required.');
    } finally {
      await client.close();
    }
  });
});
