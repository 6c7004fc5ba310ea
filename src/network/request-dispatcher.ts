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
import { API_MESSAGES, ApiKey } from '../protocol/generated/api-messages.js';
import { defaultApiVersionsResponse } from '../protocol/generated/api/18-api-versions.js';
import { DecodeError } from '../protocol/primitives/errors.js';
import { parseRequest } from '../protocol/request-decoder.js';
import { RequestStats } from '../metrics/broker-stats.js';
import type { Connection, DispatchResult, Dispatcher } from './connection.js';

export class RequestDispatcher implements Dispatcher {
  private readonly handlers = new Map<number, ApiHandler>();

  constructor(
    handlers: readonly ApiHandler[],
    private readonly services: BrokerServices,
    private readonly log: Logger,
    /** Request counts and latencies for the metrics (Kafka's RequestMetrics). */
    private readonly requestStats: RequestStats = new RequestStats(),
  ) {
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

  /**
   * Produce, answered synchronously, has copied its records to the log (page cache or the memory
   * file system) and keeps no view of the frame. Every other API may keep bytes fields of its
   * request (group metadata, assignments...), so their frames are never reused.
   */
  frameFreeAfterSyncAnswer(frame: Buffer): boolean {
    return frame.length >= 2 && frame.readInt16BE(0) === ApiKey.Produce;
  }

  dispatch(frame: Buffer, conn: Connection): DispatchResult | Promise<DispatchResult> {
    const startMs = performance.now();
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
      // Produce with acks=0 expects no response: Kafka closes the connection so the producer notices.
      if (apiKey === ApiKey.Produce && (parsed.body as { acks?: number }).acks === 0) {
        conn.closeAfterPending();
        return null;
      }
      return encode(handler.errorResponse(parsed.body, code, ctx));
    };
    let response: DispatchResult;
    try {
      const result = handler.handle(ctx, parsed.body);
      // catch after then: a response that fails to encode is a handler bug too.
      if (result instanceof Promise) {
        return result
          .then(encode)
          .catch(onError)
          .then((r) => {
            this.completed(apiKey, apiVersion, ctx.clientId, startMs);
            return r;
          });
      }
      response = encode(result);
    } catch (err) {
      response = onError(err);
    }
    this.completed(apiKey, apiVersion, ctx.clientId, startMs);
    return response;
  }

  /** Counts an answered request and its latency; logs it at debug level. */
  private completed(apiKey: number, apiVersion: number, clientId: string, startMs: number): void {
    const latencyMs = performance.now() - startMs;
    this.requestStats.record(apiKey, apiVersion, latencyMs);
    if (this.log.isLevelEnabled('debug')) {
      this.log.debug({ api: API_MESSAGES[apiKey]?.name ?? apiKey, apiVersion, clientId, latencyMs: Math.round(latencyMs * 1000) / 1000 }, 'request');
    }
  }
}
