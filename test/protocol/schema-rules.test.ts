import { describe, expect, it } from 'vitest';
import { encodeRequestFrame, encodeResponseFrame, readRequestHeader, requestHeaderVersion, responseHeaderVersion } from '../../src/protocol/frame.js';
import { ApiKey } from '../../src/protocol/generated/api-messages.js';
import { decodeFetchRequest, defaultFetchRequest, encodeFetchRequest } from '../../src/protocol/generated/api/01-fetch.js';
import { defaultListOffsetsResponseListOffsetsPartitionResponse, encodeListOffsetsResponse, defaultListOffsetsResponse } from '../../src/protocol/generated/api/02-list-offsets.js';
import { defaultApiVersionsResponse } from '../../src/protocol/generated/api/18-api-versions.js';
import { defaultMetadataRequest } from '../../src/protocol/generated/api/03-metadata.js';
import { defaultControlledShutdownRequest } from '../../src/protocol/generated/api/07-controlled-shutdown.js';
import { DecodeError, EncodeError } from '../../src/protocol/primitives/errors.js';
import { Reader } from '../../src/protocol/primitives/reader.js';
import { Writer } from '../../src/protocol/primitives/writer.js';

describe('schema rules the generated codecs enforce', () => {
  it('refuses to encode a non-default, non-ignorable field into a version that lacks it', () => {
    const res = defaultListOffsetsResponse();
    res.topics = [{ name: 't', partitions: [{ ...defaultListOffsetsResponseListOffsetsPartitionResponse(), leaderEpoch: 5 }] }];
    expect(() => encodeListOffsetsResponse(new Writer(), 3, res)).toThrow(EncodeError);
    expect(() => encodeListOffsetsResponse(new Writer(), 4, res)).not.toThrow();
    res.topics[0]!.partitions[0]!.leaderEpoch = -1;
    expect(() => encodeListOffsetsResponse(new Writer(), 3, res)).not.toThrow();
  });

  it('drops an ignorable field silently in a version that lacks it', () => {
    const req = { ...defaultFetchRequest(), rackId: 'rack-a' };
    const w = new Writer();
    encodeFetchRequest(w, 10, req);
    expect(decodeFetchRequest(new Reader(w.toBuffer()), 10).rackId).toBe('');
  });

  it('skips unknown tagged fields and keeps them for re-encoding', () => {
    const req = { ...defaultFetchRequest(), _unknownTaggedFields: [{ tag: 90, data: Buffer.from([1, 2, 3]) }] };
    const w = new Writer();
    encodeFetchRequest(w, 12, req);
    const decoded = decodeFetchRequest(new Reader(w.toBuffer()), 12);
    expect(decoded._unknownTaggedFields).toEqual([{ tag: 90, data: Buffer.from([1, 2, 3]) }]);
  });

  it('rejects a tagged field whose declared size does not match its content', () => {
    // Fetch v12 with ClusterId (tag 0) declared as 5 bytes holding a 1-byte compact string.
    const w = new Writer();
    encodeFetchRequest(w, 12, defaultFetchRequest());
    const body = w.toBuffer();
    const tampered = Buffer.concat([body.subarray(0, body.length - 1), Buffer.from([1, 0, 5, 1, 0, 0, 0, 0])]);
    expect(() => decodeFetchRequest(new Reader(tampered), 12)).toThrow(DecodeError);
  });
});

describe('header versions', () => {
  it('uses request header v2 / response header v1 exactly for flexible versions', () => {
    expect(requestHeaderVersion(ApiKey.Metadata, 8)).toBe(1);
    expect(requestHeaderVersion(ApiKey.Metadata, 9)).toBe(2);
    expect(responseHeaderVersion(ApiKey.Metadata, 8)).toBe(0);
    expect(responseHeaderVersion(ApiKey.Metadata, 9)).toBe(1);
  });

  it('answers ApiVersions with response header v0 even in flexible versions', () => {
    expect(responseHeaderVersion(ApiKey.ApiVersions, 3)).toBe(0);
    const frame = Buffer.concat(encodeResponseFrame(ApiKey.ApiVersions, 3, 7, defaultApiVersionsResponse()));
    // size, correlation id, then the body's error code: no tagged-field byte in between.
    expect(frame.readInt32BE(4)).toBe(7);
    expect(frame.readInt16BE(8)).toBe(0);
  });

  it('uses request header v0 (no client id) for ControlledShutdown v0', () => {
    expect(requestHeaderVersion(ApiKey.ControlledShutdown, 0)).toBe(0);
    const frame = encodeRequestFrame({ requestApiKey: 7, requestApiVersion: 0, correlationId: 1, clientId: 'ignored' }, defaultControlledShutdownRequest());
    expect(frame.length).toBe(4 + 8 + 4);
  });

  it('keeps the client id an int16-length string in request header v2', () => {
    const frame = encodeRequestFrame({ requestApiKey: ApiKey.Metadata, requestApiVersion: 12, correlationId: 3, clientId: 'abc' }, defaultMetadataRequest());
    expect(frame.readInt16BE(12)).toBe(3);
    expect(frame.toString('utf8', 14, 17)).toBe('abc');
    expect(frame[17]).toBe(0); // the header's empty tagged-field section
    expect(readRequestHeader(frame.subarray(4)).header.clientId).toBe('abc');
  });
});
