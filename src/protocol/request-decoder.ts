/**
 * Turns one request frame (without its size prefix) into a header and a decoded body.
 * Every malformed input ends in a DecodeError; nothing else is thrown for client bytes.
 */
import { API_MESSAGES, type ApiMessageType } from './generated/api-messages.js';
import { readRequestHeader, type RequestHeader } from './frame.js';
import { DecodeError } from './primitives/errors.js';

export type ParsedRequest =
  | { kind: 'request'; header: RequestHeader; api: ApiMessageType; body: unknown }
  /** A key Gregor's schemas do not define, or a version outside the schema's range: the body is not read. */
  | { kind: 'unsupported'; header: RequestHeader; api: ApiMessageType | undefined };

export function parseRequest(frame: Buffer): ParsedRequest {
  const { header, body } = readRequestHeader(frame);
  const api = API_MESSAGES[header.requestApiKey];
  const v = header.requestApiVersion;
  if (!api || v < api.minVersion || v > api.maxVersion) return { kind: 'unsupported', header, api };
  const decoded = api.decodeRequest(body, v);
  if (body.remaining !== 0) throw new DecodeError(`${body.remaining} unexpected bytes after ${api.name} request v${v}`);
  return { kind: 'request', header, api, body: decoded };
}
