import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerConnection } from '../../../src/client/connection.js';
import { ConnectionError, RequestTimeoutError, UnsupportedApiError } from '../../../src/client/errors.js';
import { withRetries } from '../../../src/client/retry.js';
import { KafkaError } from '../../../src/protocol/error-codes.js';
import { encodeResponseFrame, readRequestHeader } from '../../../src/protocol/frame.js';
import { API_MESSAGES, ApiKey } from '../../../src/protocol/generated/api-messages.js';
import { defaultApiVersionsResponse } from '../../../src/protocol/generated/api/18-api-versions.js';
import { defaultMetadataRequest, type MetadataResponse } from '../../../src/protocol/generated/api/03-metadata.js';
import { startBroker, type RunningBroker } from '../../../src/index.js';
import { closedPort, fakeBroker } from './helpers.js';

let broker: RunningBroker;

beforeAll(async () => {
  broker = await startBroker();
});

afterAll(async () => {
  await broker?.close();
});

describe('BrokerConnection', () => {
  it('negotiates the highest version both sides speak', async () => {
    const conn = await BrokerConnection.connect({ host: broker.host, port: broker.port });
    try {
      const advertised = conn.brokerVersions.get(ApiKey.Metadata)!;
      expect(conn.versionFor(ApiKey.Metadata)).toBe(Math.min(advertised.maxVersion, API_MESSAGES[ApiKey.Metadata]!.maxVersion));
      expect(conn.versionFor(ApiKey.Fetch)).toBe(Math.min(conn.brokerVersions.get(ApiKey.Fetch)!.maxVersion, 17));
      expect(conn.supports(ApiKey.ApiVersions)).toBe(true);
      // An API the broker does not advertise.
      expect(() => conn.versionFor(ApiKey.ElectLeaders)).toThrow(UnsupportedApiError);
      expect(() => conn.versionFor(ApiKey.ElectLeaders)).toThrow(/does not support ElectLeaders/);
    } finally {
      conn.close();
    }
  });

  it('honours version caps', async () => {
    const conn = await BrokerConnection.connect({ host: broker.host, port: broker.port, versionCaps: { [ApiKey.Metadata]: 4 } });
    try {
      expect(conn.versionFor(ApiKey.Metadata)).toBe(4);
      const res = await conn.request<MetadataResponse>(ApiKey.Metadata, { ...defaultMetadataRequest(), topics: null });
      expect(res.clusterId).toBe(broker.clusterId);
    } finally {
      conn.close();
    }
  });

  it('pipelines requests and matches responses by correlation id', async () => {
    const conn = await BrokerConnection.connect({ host: broker.host, port: broker.port, maxInFlight: 3 });
    try {
      const all = await Promise.all(Array.from({ length: 25 }, () => conn.request<MetadataResponse>(ApiKey.Metadata, { ...defaultMetadataRequest(), topics: [] })));
      expect(all).toHaveLength(25);
      for (const res of all) expect(res.brokers.map((b) => b.port)).toEqual([broker.port]);
      expect(conn.pendingRequests).toBe(0);
    } finally {
      conn.close();
    }
  });

  it('reports a refused connection with host, port and system code', async () => {
    const port = await closedPort();
    const err = await BrokerConnection.connect({ host: '127.0.0.1', port }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as Error).message).toBe(`could not connect to 127.0.0.1:${port}: ECONNREFUSED`);
  });

  it('times out a request that gets no answer and closes the connection', async () => {
    const fake = await fakeBroker(() => {});
    try {
      const err = await BrokerConnection.connect({ host: '127.0.0.1', port: fake.port, requestTimeoutMs: 150 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RequestTimeoutError);
      expect((err as Error).message).toBe(`ApiVersions request to 127.0.0.1:${fake.port} timed out after 150 ms`);
    } finally {
      await fake.close();
    }
  });

  it('falls back to the version a broker answers with UNSUPPORTED_VERSION (KIP-511)', async () => {
    const seen: number[] = [];
    const fake = await fakeBroker((frame, socket) => {
      const { header } = readRequestHeader(frame);
      seen.push(header.requestApiVersion);
      const body = defaultApiVersionsResponse();
      if (header.requestApiVersion > 2) {
        body.errorCode = 35;
        body.apiKeys = [{ apiKey: ApiKey.ApiVersions, minVersion: 0, maxVersion: 2 }];
        socket.write(Buffer.concat(encodeResponseFrame(ApiKey.ApiVersions, 0, header.correlationId, body)));
      } else {
        body.apiKeys = [
          { apiKey: ApiKey.ApiVersions, minVersion: 0, maxVersion: 2 },
          { apiKey: ApiKey.Metadata, minVersion: 0, maxVersion: 7 },
        ];
        socket.write(Buffer.concat(encodeResponseFrame(ApiKey.ApiVersions, header.requestApiVersion, header.correlationId, body)));
      }
    });
    try {
      const conn = await BrokerConnection.connect({ host: '127.0.0.1', port: fake.port });
      expect(seen).toEqual([API_MESSAGES[ApiKey.ApiVersions]!.maxVersion, 2]);
      expect(conn.versionFor(ApiKey.Metadata)).toBe(7);
      conn.close();
    } finally {
      await fake.close();
    }
  });
});

describe('withRetries', () => {
  it('retries retriable errors with exponential backoff and stops at the first other error', async () => {
    const delays: number[] = [];
    let calls = 0;
    const err = await withRetries(
      async () => {
        calls++;
        throw new KafkaError(calls < 4 ? 6 : 36);
      },
      { retries: 10, retryBackoffMs: 100, retryBackoffMaxMs: 1000, random: () => 0.5, sleep: async (ms) => void delays.push(ms) },
    ).catch((e: unknown) => e);
    expect((err as KafkaError).code).toBe(36);
    expect(delays).toEqual([100, 200, 400]);
  });

  it('gives up after the last retry with the last error', async () => {
    let calls = 0;
    const err = await withRetries(
      async () => {
        calls++;
        throw new KafkaError(6);
      },
      { retries: 2, retryBackoffMs: 1, retryBackoffMaxMs: 1, sleep: async () => {} },
    ).catch((e: unknown) => e);
    expect(calls).toBe(3);
    expect((err as KafkaError).code).toBe(6);
  });
});
