/**
 * Turns one request frame (without its size prefix) into a header and a decoded body.
 * Every malformed input ends in a DecodeError; nothing else is thrown for client bytes.
 * Bytes left after the body are ignored, as Kafka's RequestContext.parseRequest ignores them:
 * librdkafka 2.x depends on it (its Metadata v9+ request for all topics reserves 4 bytes for the
 * topic count and writes the 1-byte null compact array into them, leaving 3 stray bytes).
 */
import { API_MESSAGES, type ApiMessageType } from './generated/api-messages.js';
import { readRequestHeader, type RequestHeader } from './frame.js';

export type ParsedRequest =
  | { kind: 'request'; header: RequestHeader; api: ApiMessageType; body: unknown }
  /** A key Gregor's schemas do not define, or a version outside the schema's range: the body is not read. */
  | { kind: 'unsupported'; header: RequestHeader; api: ApiMessageType | undefined };

export function parseRequest(frame: Buffer): ParsedRequest {
  const { header, body } = readRequestHeader(frame);
  const api = API_MESSAGES[header.requestApiKey];
  const v = header.requestApiVersion;
  if (!api || v < api.minVersion || v > api.maxVersion) return { kind: 'unsupported', header, api };
  return { kind: 'request', header, api, body: api.decodeRequest(body, v) };
}
