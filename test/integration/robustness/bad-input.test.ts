/**
 * Bad input never takes the broker down (DESIGN.md principle 7), against an in-process broker
 * (startBroker): each kind of bad input closes only its own connection (or is answered as Kafka
 * answers it), and in the same test another client keeps being served.
 */
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../../../src/index.js';
import { ErrorCode } from '../../../src/protocol/error-codes.js';
import { API_MESSAGES, ApiKey } from '../../../src/protocol/generated/api-messages.js';
import { defaultApiVersionsRequest, type ApiVersionsResponse } from '../../../src/protocol/generated/api/18-api-versions.js';
import type { DescribeLogDirsResponse } from '../../../src/protocol/generated/api/35-describe-log-dirs.js';
import { defaultMetadataRequest, type MetadataResponse } from '../../../src/protocol/generated/api/03-metadata.js';
import { RawKafkaClient, waitUntil } from '../helpers-robustness.js';

let rb: RunningBroker;
let admin: Admin;
const raw: RawKafkaClient[] = [];

const MAX_REQUEST_BYTES = 64 * 1024;

beforeAll(async () => {
  rb = await startBroker({ config: { 'socket.request.max.bytes': MAX_REQUEST_BYTES } });
  admin = new Kafka({ clientId: 'robustness', brokers: [rb.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
  await admin.connect();
});

afterAll(async () => {
  await admin?.disconnect();
  await rb?.close();
});

afterEach(() => {
  for (const c of raw.splice(0)) c.destroy();
});

async function client(): Promise<RawKafkaClient> {
  const c = await RawKafkaClient.connect(rb.port, rb.host);
  raw.push(c);
  return c;
}

function connectionCount(): number {
  return (rb.broker as unknown as { socketServer: { connectionCount: number } }).socketServer.connectionCount;
}

/** Another client is still served: a raw ApiVersions v3 and kafkajs admin calls. */
async function assertStillServing(topic?: string): Promise<void> {
  const c = await client();
  const res = await c.request<ApiVersionsResponse>(ApiKey.ApiVersions, 3, { ...defaultApiVersionsRequest(), clientSoftwareName: 'robustness', clientSoftwareVersion: '1' });
  expect(res.body.errorCode).toBe(ErrorCode.NONE);
  expect(res.body.apiKeys.some((k) => k.apiKey === ApiKey.Produce)).toBe(true);
  if (topic) {
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    expect(await admin.listTopics()).toContain(topic);
  }
}

/** Sends bytes on a fresh connection and waits for the broker to close it. */
async function sendAndExpectClose(bytes: Buffer, opts: { endAfter?: boolean } = {}): Promise<RawKafkaClient> {
  const c = await client();
  c.write(bytes);
  if (opts.endAfter) c.socket.end();
  await c.waitClosed();
  return c;
}

function sizePrefixed(payload: Buffer): Buffer {
  const out = Buffer.alloc(4 + payload.length);
  out.writeInt32BE(payload.length, 0);
  payload.copy(out, 4);
  return out;
}

describe('bad input against a running broker', () => {
  it('garbage bytes (an HTTP request, random bytes) close that connection only', async () => {
    const http = await sendAndExpectClose(Buffer.from('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n'));
    expect(http.frames).toEqual([]);
    // A plausible size with a nonsense header and body.
    const junk = Buffer.alloc(200);
    for (let i = 0; i < junk.length; i++) junk[i] = (i * 131 + 17) & 0xff;
    await sendAndExpectClose(sizePrefixed(junk));
    // A frame too short to hold a request header.
    await sendAndExpectClose(sizePrefixed(Buffer.from([0, 3])));
    // An empty frame.
    await sendAndExpectClose(Buffer.alloc(4));
    await assertStillServing('after-garbage');
  });

  it('a truncated frame followed by a close leaves nothing behind', async () => {
    const before = connectionCount();
    const c = await client();
    const frame = c.frame(ApiKey.Metadata, 9, defaultMetadataRequest());
    c.write(frame.subarray(0, frame.length - 3));
    c.socket.end();
    await c.waitClosed();
    await waitUntil(() => connectionCount() <= before, 'the broker to release the connection');
    await assertStillServing();
  });

  it('a frame larger than socket.request.max.bytes is refused from its size prefix alone', async () => {
    const header = Buffer.alloc(4);
    header.writeInt32BE(MAX_REQUEST_BYTES + 1, 0);
    // Only the size prefix is sent: the broker must not wait for (or allocate) the body.
    await sendAndExpectClose(header);
    header.writeInt32BE(0x7fffffff, 0);
    await sendAndExpectClose(header);
    header.writeInt32BE(-5, 0);
    await sendAndExpectClose(header);
    await assertStillServing('after-oversized');
  });

  it('an unknown API key closes the connection after answering the requests before it', async () => {
    const c = await client();
    const apiVersions = c.frame(ApiKey.ApiVersions, 0, defaultApiVersionsRequest(), 1);
    const unknown = Buffer.alloc(14);
    unknown.writeInt32BE(10, 0);
    unknown.writeInt16BE(999, 4);
    unknown.writeInt16BE(0, 6);
    unknown.writeInt32BE(2, 8);
    unknown.writeInt16BE(-1, 12);
    c.write(Buffer.concat([apiVersions, unknown]));
    await c.waitClosed();
    expect(c.frames).toHaveLength(1);
    // A key Kafka defines but serves only on controller listeners (Vote) is treated the same way on a client listener.
    const c2 = await client();
    c2.write(c2.frame(ApiKey.Vote, API_MESSAGES[ApiKey.Vote]!.minVersion, API_MESSAGES[ApiKey.Vote]!.defaultRequest()));
    await c2.waitClosed();
    expect(c2.frames).toEqual([]);
    await assertStillServing('after-unknown-key');
  });

  it('an unsupported version of Metadata closes the connection', async () => {
    const c = await client();
    const bad = Buffer.alloc(14);
    bad.writeInt32BE(10, 0);
    bad.writeInt16BE(ApiKey.Metadata, 4);
    bad.writeInt16BE(99, 6);
    bad.writeInt32BE(5, 8);
    bad.writeInt16BE(-1, 12);
    c.write(bad);
    await c.waitClosed();
    expect(c.frames).toEqual([]);
    await assertStillServing();
  });

  it('ApiVersions v99 is answered with UNSUPPORTED_VERSION and ApiVersions range in a v0 body; the connection stays usable', async () => {
    const c = await client();
    // Header v2 (flexible): key 18, version 99, correlation id 77, client id "kcat", no tagged fields; a body from the future.
    const payload = Buffer.from([0, 18, 0, 99, 0, 0, 0, 77, 0, 4, 0x6b, 0x63, 0x61, 0x74, 0, 0x01, 0x02, 0x03, 0x04]);
    c.write(sizePrefixed(payload));
    const [frame] = await c.waitFrames(1);
    // Response header v0 (correlation id only), then an ApiVersions v0 body: error, [key, min, max].
    expect(frame!.readInt32BE(0)).toBe(77);
    expect(frame!.readInt16BE(4)).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(frame!.readInt32BE(6)).toBe(1);
    expect(frame!.readInt16BE(10)).toBe(ApiKey.ApiVersions);
    const min = frame!.readInt16BE(12);
    const max = frame!.readInt16BE(14);
    expect(frame!.length).toBe(16);
    expect(min).toBe(0);
    expect(max).toBeGreaterThanOrEqual(3);
    // The client retries with the highest version it shares with the broker, on the same connection.
    const retry = await c.request<ApiVersionsResponse>(ApiKey.ApiVersions, max, { ...defaultApiVersionsRequest(), clientSoftwareName: 'kcat', clientSoftwareVersion: '1.7.1' });
    expect(retry.body.errorCode).toBe(ErrorCode.NONE);
    expect(c.closed).toBe(false);
  });

  it('a malformed body of a known API (truncated, bad lengths) closes that connection', async () => {
    const c0 = await client();
    const good = c0.frame(ApiKey.Metadata, 9, { ...defaultMetadataRequest(), topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'x' }] });
    const body = good.subarray(4);
    // Truncated body with a consistent size prefix.
    await sendAndExpectClose(sizePrefixed(body.subarray(0, body.length - 2)));
    // Bytes after a complete body are ignored, as Kafka ignores them (librdkafka's Metadata v9+ sends 3).
    const trailing = await client();
    trailing.write(sizePrefixed(Buffer.concat([body, Buffer.from([9, 9, 9])])));
    await trailing.waitFrames(1);
    // A huge array length inside a small frame (Metadata v1: topics int32 count).
    const v1 = c0.frame(ApiKey.Metadata, 1, { ...defaultMetadataRequest(), topics: [] }).subarray(4);
    const hugeArray = Buffer.from(v1);
    hugeArray.writeInt32BE(0x7ffffff0, hugeArray.length - 4);
    await sendAndExpectClose(sizePrefixed(hugeArray));
    // A client id length beyond the frame.
    const badClientId = Buffer.from(v1);
    badClientId.writeInt16BE(300, 8);
    await sendAndExpectClose(sizePrefixed(badClientId));
    await assertStillServing('after-malformed');
  });

  it('a handler bug answers UNKNOWN_SERVER_ERROR for that request only; the connection keeps working', async () => {
    const broker = rb.broker as unknown as { describeLogDirs: () => unknown };
    const original = broker.describeLogDirs;
    broker.describeLogDirs = () => {
      throw new TypeError('injected handler bug');
    };
    try {
      const c = await client();
      const res = await c.request<DescribeLogDirsResponse>(ApiKey.DescribeLogDirs, 4, { topics: null });
      expect(res.body.errorCode).toBe(ErrorCode.UNKNOWN_SERVER_ERROR);
      const meta = await c.request<MetadataResponse>(ApiKey.Metadata, 12, { ...defaultMetadataRequest(), topics: null });
      expect(meta.body.brokers).toHaveLength(1);
      expect(c.closed).toBe(false);
    } finally {
      broker.describeLogDirs = original;
    }
    await assertStillServing();
  });

  it('many bad clients at once while a good client works', async () => {
    const bad = Array.from({ length: 30 }, (_, i) => {
      const b = Buffer.alloc(8);
      b.writeInt32BE(i % 2 === 0 ? MAX_REQUEST_BYTES * 2 : 4, 0);
      b.writeInt32BE(0x01020304, 4);
      return sendAndExpectClose(b);
    });
    const good = assertStillServing('during-bad-clients');
    await Promise.all([...bad, good]);
    await waitUntil(() => connectionCount() <= 2, 'the bad connections to be released');
  });
});
