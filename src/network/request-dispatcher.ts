/**
 * Routes a parsed request to its handler and encodes the answer.
 *
 * - A request whose key or version Gregor does not serve on this listener closes the connection,
 *   as Kafka does, except ApiVersions, which answers UNSUPPORTED_VERSION in a v0 body (KIP-511).
 * - A handler that throws answers its API's error response with UNKNOWN_SERVER_ERROR.
 */
import type { BrokerServices } from '../broker/services.js';
import type { ApiHandler, RequestContext } from '../handlers/handler.js';
import type { Logger } from '../logger.js';
import { ErrorCode, KafkaError } from '../protocol/error-codes.js';
import { encodeResponseFrame } from '../protocol/frame.js';
import { ApiKey } from '../protocol/generated/api-messages.js';
import { defaultApiVersionsResponse } from '../protocol/generated/api/18-api-versions.js';
import { DecodeError } from '../protocol/primitives/errors.js';
import { parseRequest } from '../protocol/request-decoder.js';
import type { Connection, DispatchResult, Dispatcher } from './connection.js';

export class RequestDispatcher implements Dispatcher {
  private readonly handlers = new Map<number, ApiHandler>();

  constructor(handlers: readonly ApiHandler[], private readonly services: BrokerServices, private readonly log: Logger) {
    for (const h of handlers) this.handlers.set(h.apiKey, h);
  }

  /** The handler for a key if it serves the given kind of listener. */
  handlerFor(apiKey: number, isControllerListener: boolean): ApiHandler | undefined {
    const h = this.handlers.get(apiKey);
    if (!h) return undefined;
    return h.listeners.includes(isControllerListener ? 'controller' : 'broker') ? h : undefined;
  }

  /** The versions advertised on a kind of listener. */
  apiVersions(isControllerListener: boolean): { apiKey: number; minVersion: number; maxVersion: number }[] {
    return [...this.handlers.values()]
      .filter((h) => h.listeners.includes(isControllerListener ? 'controller' : 'broker'))
      .sort((a, b) => a.apiKey - b.apiKey)
      .map((h) => ({ apiKey: h.apiKey, minVersion: h.minVersion, maxVersion: h.maxVersion }));
  }

  dispatch(frame: Buffer, conn: Connection): DispatchResult | Promise<DispatchResult> {
    const parsed = parseRequest(frame);
    const { header } = parsed;
    const apiKey = header.requestApiKey;
    const apiVersion = header.requestApiVersion;
    const handler = this.handlerFor(apiKey, conn.isControllerListener);
    const supported = handler !== undefined && apiVersion >= handler.minVersion && apiVersion <= handler.maxVersion;

    if (!supported) {
      if (apiKey === ApiKey.ApiVersions) {
        const own = this.handlers.get(ApiKey.ApiVersions)!;
        const body = { ...defaultApiVersionsResponse(), errorCode: ErrorCode.UNSUPPORTED_VERSION, apiKeys: [{ apiKey: ApiKey.ApiVersions, minVersion: own.minVersion, maxVersion: own.maxVersion }] };
        return encodeResponseFrame(apiKey, 0, header.correlationId, body);
      }
      throw new DecodeError(
        handler === undefined
          ? `unsupported api key ${apiKey} on listener ${conn.listenerName}`
          : `unsupported version ${apiVersion} of api key ${apiKey} (supported ${handler.minVersion}-${handler.maxVersion})`,
      );
    }
    if (parsed.kind !== 'request') throw new DecodeError(`cannot decode api key ${apiKey} version ${apiVersion}`);

    const ctx: RequestContext = {
      apiKey,
      apiVersion,
      correlationId: header.correlationId,
      clientId: header.clientId ?? '',
      listenerName: conn.listenerName,
      isControllerListener: conn.isControllerListener,
      connectionId: conn.id,
      clientHost: conn.clientHost,
      broker: this.services,
      log: this.log,
      closeConnection: () => conn.closeAfterPending(),
    };
    const encode = (body: unknown): DispatchResult => (body === null ? null : encodeResponseFrame(apiKey, apiVersion, header.correlationId, body));
    const onError = (err: unknown): DispatchResult => {
      const code = err instanceof KafkaError ? err.code : ErrorCode.UNKNOWN_SERVER_ERROR;
      if (!(err instanceof KafkaError)) this.log.error({ err, apiKey, apiVersion, client: ctx.clientId }, 'request handler failed');
      return encode(handler.errorResponse(parsed.body, code, ctx));
    };
    try {
      const result = handler.handle(ctx, parsed.body);
      if (result instanceof Promise) return result.then(encode, onError);
      return encode(result);
    } catch (err) {
      return onError(err);
    }
  }
}
