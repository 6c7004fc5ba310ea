/** What a request handler is: one per API key, in a file named after the key. */
import type { Logger } from '../logger.js';
import type { BrokerServices } from '../broker/services.js';

export interface RequestContext {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string;
  /** Listener the request arrived on (e.g. PLAINTEXT, CONTROLLER). */
  listenerName: string;
  /** Whether that listener is a controller listener (controller.listener.names). */
  isControllerListener: boolean;
  connectionId: string;
  clientHost: string;
  broker: BrokerServices;
  log: Logger;
  /** Closes the connection once the responses before this request are sent. */
  closeConnection(): void;
}

export interface ApiHandler<Req = any, Res = any> {
  apiKey: number;
  /** Versions Gregor implements and advertises in ApiVersions. */
  minVersion: number;
  maxVersion: number;
  /** Listener kinds serving this API, as in Kafka's schemas ('broker' for client listeners). */
  listeners: readonly ('broker' | 'controller')[];
  /** Returns the response, or null when none is sent (Produce with acks=0). */
  handle(ctx: RequestContext, request: Req): Res | null | Promise<Res | null>;
  /** The response carrying `errorCode` for everything the request asked about (a handler bug answers UNKNOWN_SERVER_ERROR). */
  errorResponse(request: Req, errorCode: number, ctx: RequestContext): Res;
}
