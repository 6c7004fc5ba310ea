/**
 * RequestDispatcher without sockets: unsupported keys and versions, KIP-511 ApiVersions fallback,
 * and handler bugs answering UNKNOWN_SERVER_ERROR for that request only.
 */
import { describe, expect, it } from 'vitest';
import type { BrokerServices } from '../../../src/broker/services.js';
import type { ApiHandler, RequestContext } from '../../../src/handlers/handler.js';
import { HANDLERS } from '../../../src/handlers/registry.js';
import type { Connection } from '../../../src/network/connection.js';
import { RequestDispatcher } from '../../../src/network/request-dispatcher.js';
import { ErrorCode } from '../../../src/protocol/error-codes.js';
import { decodeResponseFrame, encodeRequestFrame } from '../../../src/protocol/frame.js';
import { API_MESSAGES, ApiKey } from '../../../src/protocol/generated/api-messages.js';
import { defaultApiVersionsResponse, type ApiVersionsResponse } from '../../../src/protocol/generated/api/18-api-versions.js';
import { defaultDescribeClusterResponse, type DescribeClusterResponse } from '../../../src/protocol/generated/api/60-describe-cluster.js';
import type { ProduceRequest, ProduceResponse } from '../../../src/protocol/generated/api/00-produce.js';
import { defaultFetchRequestFetchPartition, defaultFetchRequestFetchTopic, type FetchRequest } from '../../../src/protocol/generated/api/01-fetch.js';
import { DecodeError } from '../../../src/protocol/primitives/errors.js';
import { captureLog } from './harness.js';

/** A broker whose every part throws: any handler touching it hits a "bug". */
const brokenServices = new Proxy({} as BrokerServices, {
  get(_t, prop) {
    if (prop === 'then') return undefined;
    throw new Error(`injected failure reading broker.${String(prop)}`);
  },
});

interface FakeConn {
  conn: Connection;
  closed: number;
}

function fakeConn(isControllerListener = false): FakeConn {
  const state = { closed: 0 } as FakeConn;
  state.conn = {
    id: 'c-1',
    clientHost: '127.0.0.1',
    listenerName: isControllerListener ? 'CONTROLLER' : 'PLAINTEXT',
    isControllerListener,
    closeAfterPending: () => void state.closed++,
  } as unknown as Connection;
  return state;
}

function requestFrame(apiKey: number, apiVersion: number, body: unknown, correlationId = 7): Buffer {
  // The connection hands the dispatcher frames without their size prefix.
  return encodeRequestFrame({ requestApiKey: apiKey, requestApiVersion: apiVersion, correlationId, clientId: 'test' }, body).subarray(4);
}

function decode<T>(apiKey: number, apiVersion: number, chunks: Buffer[] | null): { correlationId: number; body: T } {
  expect(chunks).not.toBeNull();
  const whole = Buffer.concat(chunks!);
  expect(whole.readInt32BE(0)).toBe(whole.length - 4);
  return decodeResponseFrame(apiKey, apiVersion, whole.subarray(4)) as { correlationId: number; body: T };
}

function handler(overrides: Partial<ApiHandler>): ApiHandler {
  return {
    apiKey: ApiKey.DescribeCluster,
    minVersion: 0,
    maxVersion: 1,
    listeners: ['broker'],
    handle: () => ({ ...defaultDescribeClusterResponse(), clusterId: 'ok' }),
    errorResponse: (_req: unknown, errorCode: number) => ({ ...defaultDescribeClusterResponse(), errorCode }),
    ...overrides,
  };
}

const apiVersions = HANDLERS.find((h) => h.apiKey === ApiKey.ApiVersions)!;

describe('RequestDispatcher: unsupported requests', () => {
  const d = new RequestDispatcher([apiVersions, handler({})], brokenServices, captureLog().log);

  it('throws (closing the connection) for an API key Gregor does not serve', () => {
    const frame = requestFrame(ApiKey.OffsetCommit, 2, API_MESSAGES[ApiKey.OffsetCommit]!.defaultRequest());
    expect(() => d.dispatch(frame, fakeConn().conn)).toThrow(/unsupported api key 8/);
  });

  it('throws for an API key no schema defines', () => {
    const frame = Buffer.alloc(14);
    frame.writeInt16BE(999, 0);
    frame.writeInt16BE(0, 2);
    frame.writeInt32BE(1, 4);
    frame.writeInt16BE(-1, 8);
    expect(() => d.dispatch(frame.subarray(0, 10), fakeConn().conn)).toThrow(DecodeError);
  });

  it('throws for an unsupported version of a served API', () => {
    const frame = requestFrame(ApiKey.DescribeCluster, 1, API_MESSAGES[ApiKey.DescribeCluster]!.defaultRequest());
    const d2 = new RequestDispatcher([handler({ maxVersion: 0 })], brokenServices, captureLog().log);
    expect(() => d2.dispatch(frame, fakeConn().conn)).toThrow(/unsupported version 1 of api key 60/);
  });

  it('throws for an API served only on the other kind of listener', () => {
    const frame = requestFrame(ApiKey.DescribeCluster, 0, API_MESSAGES[ApiKey.DescribeCluster]!.defaultRequest());
    expect(() => d.dispatch(frame, fakeConn(true).conn)).toThrow(/unsupported api key 60 on listener CONTROLLER/);
  });

  it('answers ApiVersions v99 with UNSUPPORTED_VERSION and its own version range in a v0 body (KIP-511)', () => {
    // A future ApiVersions request: header v2, a body Gregor cannot read.
    const frame = Buffer.from([0, 18, 0, 99, 0, 0, 0, 42, 0, 4, 0x6b, 0x63, 0x61, 0x74, 0, 0xff, 0xfe, 0xfd]);
    const res = decode<ApiVersionsResponse>(ApiKey.ApiVersions, 0, d.dispatch(frame, fakeConn().conn) as Buffer[]);
    expect(res.correlationId).toBe(42);
    expect(res.body.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(res.body.apiKeys).toEqual([{ apiKey: ApiKey.ApiVersions, minVersion: apiVersions.minVersion, maxVersion: apiVersions.maxVersion }]);
  });

  it('throws for a body that does not decode', () => {
    const frame = requestFrame(ApiKey.DescribeCluster, 0, API_MESSAGES[ApiKey.DescribeCluster]!.defaultRequest());
    expect(() => d.dispatch(frame.subarray(0, frame.length - 1), fakeConn().conn)).toThrow(DecodeError);
    expect(() => d.dispatch(frame.subarray(0, 6), fakeConn().conn)).toThrow(DecodeError);
  });
});

describe('RequestDispatcher: a handler bug answers UNKNOWN_SERVER_ERROR for that request only', () => {
  const body = API_MESSAGES[ApiKey.DescribeCluster]!.defaultRequest();

  it('a handler that throws', () => {
    const log = captureLog();
    let calls = 0;
    const d = new RequestDispatcher(
      [
        handler({
          handle: () => {
            if (calls++ === 0) throw new TypeError('bug');
            return { ...defaultDescribeClusterResponse(), clusterId: 'ok' };
          },
        }),
      ],
      brokenServices,
      log.log,
    );
    const c = fakeConn();
    const first = decode<DescribeClusterResponse>(ApiKey.DescribeCluster, 1, d.dispatch(requestFrame(ApiKey.DescribeCluster, 1, body, 1), c.conn) as Buffer[]);
    expect(first.correlationId).toBe(1);
    expect(first.body.errorCode).toBe(ErrorCode.UNKNOWN_SERVER_ERROR);
    const second = decode<DescribeClusterResponse>(ApiKey.DescribeCluster, 1, d.dispatch(requestFrame(ApiKey.DescribeCluster, 1, body, 2), c.conn) as Buffer[]);
    expect(second.body).toMatchObject({ errorCode: ErrorCode.NONE, clusterId: 'ok' });
    expect(c.closed).toBe(0);
    expect(log.lines.filter((l) => l['msg'] === 'request handler failed')).toHaveLength(1);
  });

  it('a handler whose promise rejects', async () => {
    const d = new RequestDispatcher([handler({ handle: () => Promise.reject(new Error('async bug')) })], brokenServices, captureLog().log);
    const res = decode<DescribeClusterResponse>(ApiKey.DescribeCluster, 0, await d.dispatch(requestFrame(ApiKey.DescribeCluster, 0, body), fakeConn().conn));
    expect(res.body.errorCode).toBe(ErrorCode.UNKNOWN_SERVER_ERROR);
  });

  it('a handler returning a response that cannot be encoded (sync and async)', async () => {
    const broken = { ...defaultDescribeClusterResponse(), brokers: null } as unknown as DescribeClusterResponse;
    for (const handle of [() => broken, () => Promise.resolve(broken)]) {
      const d = new RequestDispatcher([handler({ handle })], brokenServices, captureLog().log);
      const res = decode<DescribeClusterResponse>(ApiKey.DescribeCluster, 0, await d.dispatch(requestFrame(ApiKey.DescribeCluster, 0, body), fakeConn().conn));
      expect(res.body.errorCode).toBe(ErrorCode.UNKNOWN_SERVER_ERROR);
    }
  });

  it('a KafkaError thrown by a handler becomes that error code, without an error log', async () => {
    const { KafkaError } = await import('../../../src/protocol/error-codes.js');
    const log = captureLog();
    const d = new RequestDispatcher([handler({ handle: () => { throw new KafkaError(ErrorCode.NOT_CONTROLLER); } })], brokenServices, log.log);
    const res = decode<DescribeClusterResponse>(ApiKey.DescribeCluster, 0, d.dispatch(requestFrame(ApiKey.DescribeCluster, 0, body), fakeConn().conn) as Buffer[]);
    expect(res.body.errorCode).toBe(ErrorCode.NOT_CONTROLLER);
    expect(log.lines.filter((l) => l['level'] === 50)).toHaveLength(0);
  });

  it('Produce with acks=0 whose handler fails gets no response; the connection is closed as Kafka does', async () => {
    const produce = HANDLERS.find((h) => h.apiKey === ApiKey.Produce)!;
    const d = new RequestDispatcher([produce], brokenServices, captureLog().log);
    const req: ProduceRequest = { transactionalId: null, acks: 0, timeoutMs: 1000, topicData: [{ name: 't', partitionData: [{ index: 0, records: null }] }] };
    const c = fakeConn();
    const result = await d.dispatch(requestFrame(ApiKey.Produce, 9, req), c.conn);
    expect(result).toBeNull();
    expect(c.closed).toBe(1);
    // With acks=1 the same failure is an answer with UNKNOWN_SERVER_ERROR per partition.
    const c1 = fakeConn();
    const res = decode<ProduceResponse>(ApiKey.Produce, 9, await d.dispatch(requestFrame(ApiKey.Produce, 9, { ...req, acks: 1 }), c1.conn));
    expect(res.body.responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.UNKNOWN_SERVER_ERROR);
    expect(c1.closed).toBe(0);
  });

  it('every registered handler answers a decodable error response at every version when the broker fails', async () => {
    const d = new RequestDispatcher(HANDLERS, brokenServices, captureLog().log);
    const failures: string[] = [];
    for (const h of HANDLERS) {
      const api = API_MESSAGES[h.apiKey]!;
      for (let v = h.minVersion; v <= h.maxVersion; v++) {
        const req = withTopic(h.apiKey, v, api.defaultRequest() as Record<string, unknown>);
        const listener = h.listeners.includes('broker') ? false : true;
        try {
          const out = await d.dispatch(requestFrame(h.apiKey, v, req, 1000 + v), fakeConn(listener).conn);
          const res = decode<Record<string, unknown>>(h.apiKey, v, out);
          expect(res.correlationId).toBe(1000 + v);
        } catch (err) {
          failures.push(`${api.name} v${v}: ${(err as Error).message}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});

/** Puts topic `t` (partition 0, and a topic id where the API has one) into a default request, so error responses cover per-topic fields. */
function withTopic(apiKey: number, version: number, req: Record<string, unknown>): Record<string, unknown> {
  const topicId = Buffer.from('0123456789abcdef').toString('base64url');
  switch (apiKey) {
    case ApiKey.Produce:
      return { ...req, acks: -1, topicData: [{ name: 't', partitionData: [{ index: 0, records: null }] }] };
    case ApiKey.Fetch: {
      const fetch = req as unknown as FetchRequest;
      return { ...req, topics: [{ ...defaultFetchRequestFetchTopic(), topic: 't', topicId, partitions: [{ ...defaultFetchRequestFetchPartition(), partition: 0 }] }], forgottenTopicsData: fetch.forgottenTopicsData };
    }
    case ApiKey.ListOffsets:
      return { ...req, topics: [{ name: 't', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n, maxNumOffsets: 1 }] }] };
    case ApiKey.Metadata:
      return { ...req, topics: [{ topicId: Buffer.alloc(16).toString('base64url'), name: 't' }] };
    case ApiKey.CreateTopics:
      return { ...req, topics: [{ name: 't', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }] };
    case ApiKey.DeleteTopics:
      return version >= 6 ? { ...req, topics: [{ name: 't', topicId: Buffer.alloc(16).toString('base64url') }] } : { ...req, topicNames: ['t'] };
    case ApiKey.OffsetForLeaderEpoch:
      return { ...req, topics: [{ topic: 't', partitions: [{ partition: 0, currentLeaderEpoch: -1, leaderEpoch: 0 }] }] };
    case ApiKey.DescribeLogDirs:
      return { ...req, topics: [{ topic: 't', partitions: [0] }] };
    case ApiKey.CreatePartitions:
      return { ...req, topics: [{ name: 't', count: 2, assignments: null }] };
    case ApiKey.DescribeTopicPartitions:
      return { ...req, topics: [{ name: 't' }] };
    default:
      return req;
  }
}

describe('RequestDispatcher: request context', () => {
  it('passes the connection, listener and header fields to the handler', () => {
    let seen: RequestContext | undefined;
    const d = new RequestDispatcher(
      [
        handler({
          handle: (ctx: RequestContext) => {
            seen = ctx;
            ctx.closeConnection();
            return defaultDescribeClusterResponse();
          },
        }),
      ],
      brokenServices,
      captureLog().log,
    );
    const c = fakeConn();
    d.dispatch(requestFrame(ApiKey.DescribeCluster, 1, API_MESSAGES[ApiKey.DescribeCluster]!.defaultRequest(), 99), c.conn);
    expect(seen).toMatchObject({ apiKey: ApiKey.DescribeCluster, apiVersion: 1, correlationId: 99, clientId: 'test', listenerName: 'PLAINTEXT', connectionId: 'c-1' });
    expect(c.closed).toBe(1);
  });

  it('answers ApiVersions at a supported version normally', () => {
    const d = new RequestDispatcher([apiVersions], { ...({} as BrokerServices), apiVersions: () => [{ apiKey: 18, minVersion: 0, maxVersion: 4 }], features: () => ({ supported: [], finalized: [], epoch: -1n }) } as BrokerServices, captureLog().log);
    const res = decode<ApiVersionsResponse>(ApiKey.ApiVersions, 3, d.dispatch(requestFrame(ApiKey.ApiVersions, 3, { clientSoftwareName: 'x', clientSoftwareVersion: '1' }), fakeConn().conn) as Buffer[]);
    expect(res.body).toMatchObject({ ...defaultApiVersionsResponse(), errorCode: 0, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }] });
  });
});
