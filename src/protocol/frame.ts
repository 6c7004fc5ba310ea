/**
 * Request and response framing: a big-endian int32 size, then a header, then the body.
 *
 * Header versions (Kafka's requestHeaderVersion / responseHeaderVersion):
 * - request header v2 for flexible API versions, v1 otherwise; ControlledShutdown v0 uses v0;
 * - response header v1 for flexible API versions, v0 otherwise; ApiVersions responses always v0
 *   (KIP-511: a client must read the reply before it knows which versions the broker speaks).
 * The client id is always an int16-length nullable string, even in request header v2.
 */
import { API_MESSAGES, ApiKey, type ApiMessageType } from './generated/api-messages.js';
import { decodeRequestHeader as decodeRequestHeaderBody, encodeRequestHeader, type RequestHeader } from './generated/data/request-header.js';
import { decodeResponseHeader, encodeResponseHeader } from './generated/data/response-header.js';
import { DecodeError } from './primitives/errors.js';
import { Reader } from './primitives/reader.js';
import { Writer } from './primitives/writer.js';

export type { RequestHeader };

export function apiMessage(apiKey: number): ApiMessageType | undefined {
  return API_MESSAGES[apiKey];
}

function isFlexible(apiKey: number, apiVersion: number): boolean {
  const api = API_MESSAGES[apiKey];
  return api !== undefined && api.flexibleMin >= 0 && apiVersion >= api.flexibleMin;
}

export function requestHeaderVersion(apiKey: number, apiVersion: number): number {
  if (apiKey === ApiKey.ControlledShutdown && apiVersion === 0) return 0;
  return isFlexible(apiKey, apiVersion) ? 2 : 1;
}

export function responseHeaderVersion(apiKey: number, apiVersion: number): number {
  if (apiKey === ApiKey.ApiVersions) return 0;
  return isFlexible(apiKey, apiVersion) ? 1 : 0;
}

export interface DecodedRequestHeader {
  header: RequestHeader;
  /** Reader positioned at the start of the body. */
  body: Reader;
}

/**
 * Reads a request header from a frame without its size prefix. Versions the broker does not know
 * still get a header: an unknown API version reads as header v2 when above the known flexible
 * range (a newer ApiVersions request) and v1 otherwise.
 */
export function readRequestHeader(frame: Buffer): DecodedRequestHeader {
  if (frame.length < 8) throw new DecodeError(`request of ${frame.length} bytes is shorter than a request header`);
  const apiKey = frame.readInt16BE(0);
  const apiVersion = frame.readInt16BE(2);
  const r = new Reader(frame);
  const header = decodeRequestHeaderBody(r, requestHeaderVersion(apiKey, apiVersion));
  return { header, body: r };
}

export function writeRequestHeader(w: Writer, header: RequestHeader): void {
  encodeRequestHeader(w, requestHeaderVersion(header.requestApiKey, header.requestApiVersion), header);
}

/** Encodes a whole request frame (size prefix, header, body): used by Gregor's own clients and tests. */
export function encodeRequestFrame(header: RequestHeader, body: unknown): Buffer {
  const api = API_MESSAGES[header.requestApiKey];
  if (!api) throw new RangeError(`unknown api key ${header.requestApiKey}`);
  const w = new Writer();
  w.writeInt32(0);
  writeRequestHeader(w, header);
  api.encodeRequest(w, header.requestApiVersion, body);
  w.patchInt32(0, w.length - 4);
  return w.toBuffer();
}

/** Encodes a response frame as chunks (record batches are referenced, not copied). */
export function encodeResponseFrame(apiKey: number, apiVersion: number, correlationId: number, body: unknown): Buffer[] {
  const api = API_MESSAGES[apiKey];
  if (!api) throw new RangeError(`unknown api key ${apiKey}`);
  const w = new Writer();
  w.writeInt32(0);
  encodeResponseHeader(w, responseHeaderVersion(apiKey, apiVersion), { correlationId });
  api.encodeResponse(w, apiVersion, body);
  w.patchInt32(0, w.length - 4);
  return w.toChunks();
}

export interface DecodedResponse {
  correlationId: number;
  body: unknown;
}

/** Decodes a response frame without its size prefix, for a request of the given key and version. */
export function decodeResponseFrame(apiKey: number, apiVersion: number, frame: Buffer): DecodedResponse {
  const api = API_MESSAGES[apiKey];
  if (!api) throw new RangeError(`unknown api key ${apiKey}`);
  const r = new Reader(frame);
  const header = decodeResponseHeader(r, responseHeaderVersion(apiKey, apiVersion));
  const body = api.decodeResponse(r, apiVersion);
  if (r.remaining !== 0) throw new DecodeError(`${r.remaining} bytes left after ${api.name} response v${apiVersion}`);
  return { correlationId: header.correlationId, body };
}
