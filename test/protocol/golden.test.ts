import { describe, expect, it } from 'vitest';
import { decodeResponseFrame, encodeRequestFrame, encodeResponseFrame, readRequestHeader } from '../../src/protocol/frame.js';
import { API_MESSAGES } from '../../src/protocol/generated/api-messages.js';
import { loadWireFrames } from './wire-fixtures.js';

const frames = loadWireFrames();

function supported(apiKey: number, version: number): boolean {
  const api = API_MESSAGES[apiKey];
  return !!api && version >= api.minVersion && version <= api.maxVersion;
}

describe('golden bytes captured from real clients', () => {
  it('has captures of all six clients', () => {
    expect(new Set(frames.map((f) => f.client)).size).toBe(6);
  });

  for (const f of frames) {
    if (!supported(f.apiKey, f.apiVersion)) continue;
    const name = `${f.client} conn ${f.conn} ${f.dir} ${API_MESSAGES[f.apiKey]!.name} v${f.apiVersion} #${f.correlationId}`;
    if (f.dir === 'request') {
      it(`${name} decodes and re-encodes to identical bytes`, () => {
        expect(f.frame.readInt32BE(0)).toBe(f.frame.length - 4);
        const { header, body } = readRequestHeader(f.frame.subarray(4));
        expect(header.requestApiKey).toBe(f.apiKey);
        expect(header.requestApiVersion).toBe(f.apiVersion);
        expect(header.correlationId).toBe(f.correlationId);
        const request = API_MESSAGES[f.apiKey]!.decodeRequest(body, f.apiVersion);
        expect(body.remaining).toBe(0);
        expect(encodeRequestFrame(header, request).equals(f.frame)).toBe(true);
      });
    } else {
      it(`${name} decodes and re-encodes to identical bytes`, () => {
        const { correlationId, body } = decodeResponseFrame(f.apiKey, f.apiVersion, f.frame.subarray(4));
        expect(correlationId).toBe(f.correlationId);
        expect(Buffer.concat(encodeResponseFrame(f.apiKey, f.apiVersion, correlationId, body)).equals(f.frame)).toBe(true);
      });
    }
  }

  it('Metadata v13 from librdkafka 2.12 is outside the schemas and is not decoded', () => {
    const v13 = frames.filter((f) => f.apiKey === 3 && f.apiVersion === 13);
    expect(v13.length).toBeGreaterThan(0);
    expect(supported(3, 13)).toBe(false);
  });
});
