/**
 * One TCP connection to one broker, speaking Kafka's protocol through the generated codecs.
 *
 * - Requests are framed by protocol/frame.ts (size, header, body) and carry increasing
 *   correlation ids; several may be in flight at once (pipelining, bounded by `maxInFlight`,
 *   further requests wait in a queue). The broker answers in order; responses are matched by
 *   correlation id all the same.
 * - On connect the client sends ApiVersions (the highest version it knows; if the broker answers
 *   UNSUPPORTED_VERSION in a v0 body, it retries with the broker's highest, as KIP-511 says) and
 *   from then on uses, per API, the highest version both sides speak.
 * - Every request has a timeout (`requestTimeoutMs`, or a per-request one for long polls); a
 *   timeout closes the connection and fails every request on it, as Kafka's NetworkClient does.
 * - Errors: ConnectionError ("could not connect to host:port: ECONNREFUSED"), RequestTimeoutError,
 *   DisconnectedError, UnsupportedApiError. Kafka error codes are not interpreted here: the
 *   decoded response body is returned as is.
 */
import net from 'node:net';
import { FrameDecoder } from '../network/frame-decoder.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { decodeResponseFrame, encodeRequestFrame } from '../protocol/frame.js';
import { ApiKey } from '../protocol/generated/api-messages.js';
import type { ApiVersionsRequest, ApiVersionsResponse } from '../protocol/generated/api/18-api-versions.js';
import { ClientClosedError, ConnectionError, DisconnectedError, RequestTimeoutError, UnsupportedApiError, kafkaError } from './errors.js';
import { apiName, clientRange, initialApiVersionsVersion, negotiateVersions, type VersionCaps, type VersionRange } from './versions.js';

export interface ConnectionOptions {
  host: string;
  port: number;
  /** client.id sent in every request header. */
  clientId?: string;
  /** Time to open the TCP connection (Kafka's socket.connection.setup.timeout.ms, 10 s). */
  connectTimeoutMs?: number;
  /** Default time to wait for each response (Kafka's request.timeout.ms, 30 s). */
  requestTimeoutMs?: number;
  /** Requests written before waiting for responses (max.in.flight.requests.per.connection, 5). */
  maxInFlight?: number;
  /** Largest response frame accepted (default 512 MiB). */
  maxFrameBytes?: number;
  /** KIP-511 client software name and version sent in ApiVersions v3+. */
  softwareName?: string;
  softwareVersion?: string;
  /** Highest version to use per API key. */
  versionCaps?: VersionCaps;
}

export interface RequestOptions {
  /** Send at this version instead of the negotiated one. */
  version?: number;
  /** Response timeout for this request (a long-poll Fetch adds its maxWaitMs). */
  timeoutMs?: number;
  /** False when the broker sends no response (Produce with acks=0); resolves once written. */
  expectResponse?: boolean;
}

interface Pending {
  correlationId: number;
  apiKey: number;
  version: number;
  frame: Buffer;
  timeoutMs: number;
  expectResponse: boolean;
  resolve(body: unknown): void;
  reject(err: Error): void;
  timer?: NodeJS.Timeout;
}

const DEFAULTS = {
  clientId: 'gregor',
  connectTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  maxInFlight: 5,
  maxFrameBytes: 512 * 1024 * 1024,
  softwareName: 'gregor',
  softwareVersion: '0.1.0',
};

export class BrokerConnection {
  readonly host: string;
  readonly port: number;
  private readonly options: Required<Omit<ConnectionOptions, 'versionCaps'>> & { versionCaps?: VersionCaps };
  private readonly decoder: FrameDecoder;
  private readonly inFlightRequests = new Map<number, Pending>();
  private readonly queue: Pending[] = [];
  private nextCorrelationId = 0;
  private closedWith: Error | null = null;
  private readonly closeListeners: ((err: Error) => void)[] = [];
  private brokerRanges = new Map<number, VersionRange>();
  private negotiated = new Map<number, number>();

  private constructor(private readonly socket: net.Socket, options: ConnectionOptions) {
    this.host = options.host;
    this.port = options.port;
    this.options = { ...DEFAULTS, ...stripUndefined(options) } as BrokerConnection['options'];
    this.decoder = new FrameDecoder(this.options.maxFrameBytes);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err: NodeJS.ErrnoException) => this.fail(new DisconnectedError(`connection to ${this.address} failed: ${err.code ?? err.message}`)));
    socket.on('close', () => this.fail(new DisconnectedError(`connection to ${this.address} was closed by the broker`)));
  }

  /** Opens a connection and negotiates API versions. */
  static async connect(options: ConnectionOptions): Promise<BrokerConnection> {
    const socket = await openSocket(options.host, options.port, options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs);
    const conn = new BrokerConnection(socket, options);
    try {
      await conn.negotiate();
    } catch (err) {
      conn.close();
      throw err;
    }
    return conn;
  }

  get address(): string {
    return `${this.host}:${this.port}`;
  }

  get isClosed(): boolean {
    return this.closedWith !== null;
  }

  /** Requests written and not yet answered, plus those queued behind them. */
  get pendingRequests(): number {
    return this.inFlightRequests.size + this.queue.length;
  }

  /** The broker's advertised version range per API key. */
  get brokerVersions(): ReadonlyMap<number, VersionRange> {
    return this.brokerRanges;
  }

  /** Whether both sides speak some version of an API. */
  supports(apiKey: number): boolean {
    return this.negotiated.has(apiKey);
  }

  /** The version requests of an API are sent at; throws UnsupportedApiError when there is none. */
  versionFor(apiKey: number): number {
    const v = this.negotiated.get(apiKey);
    if (v === undefined) {
      const broker = this.brokerRanges.get(apiKey);
      throw new UnsupportedApiError(
        broker
          ? `broker ${this.address} supports ${apiName(apiKey)} versions ${broker.minVersion}-${broker.maxVersion}, none of which this client speaks`
          : `broker ${this.address} does not support ${apiName(apiKey)}`,
      );
    }
    return v;
  }

  onClose(listener: (err: Error) => void): void {
    if (this.closedWith) listener(this.closedWith);
    else this.closeListeners.push(listener);
  }

  /** Sends a request and resolves with the decoded response body. */
  request<Res>(apiKey: number, body: unknown, options: RequestOptions = {}): Promise<Res> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    let version: number;
    try {
      version = options.version ?? this.versionFor(apiKey);
    } catch (err) {
      return Promise.reject(err);
    }
    const correlationId = this.nextCorrelationId;
    this.nextCorrelationId = (this.nextCorrelationId + 1) & 0x7fffffff;
    let frame: Buffer;
    try {
      frame = encodeRequestFrame({ requestApiKey: apiKey, requestApiVersion: version, correlationId, clientId: this.options.clientId }, body);
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise<Res>((resolve, reject) => {
      const pending: Pending = {
        correlationId,
        apiKey,
        version,
        frame,
        timeoutMs: options.timeoutMs ?? this.options.requestTimeoutMs,
        expectResponse: options.expectResponse ?? true,
        resolve: resolve as (body: unknown) => void,
        reject,
      };
      if (this.inFlightRequests.size < this.options.maxInFlight) this.write(pending);
      else this.queue.push(pending);
    });
  }

  /** Closes the connection; pending requests fail with ClientClosedError. */
  close(): void {
    this.fail(new ClientClosedError(`connection to ${this.address} closed`));
  }

  private async negotiate(): Promise<void> {
    const caps = this.options.versionCaps;
    let version = initialApiVersionsVersion(caps);
    for (let attempt = 0; ; attempt++) {
      const req: ApiVersionsRequest = {
        clientSoftwareName: version >= 3 ? this.options.softwareName : '',
        clientSoftwareVersion: version >= 3 ? this.options.softwareVersion : '',
      };
      const res = await this.request<ApiVersionsResponse>(ApiKey.ApiVersions, req, { version });
      if (res.errorCode === ErrorCode.UNSUPPORTED_VERSION && attempt === 0) {
        const brokerMax = res.apiKeys.find((k) => k.apiKey === ApiKey.ApiVersions)?.maxVersion ?? 0;
        const next = Math.min(brokerMax, clientRange(ApiKey.ApiVersions, caps)?.maxVersion ?? 0);
        if (next < version) {
          version = next;
          continue;
        }
      }
      if (res.errorCode !== ErrorCode.NONE) throw kafkaError(res.errorCode, null, `ApiVersions from ${this.address}`);
      this.brokerRanges = new Map(res.apiKeys.map((k) => [k.apiKey, { minVersion: k.minVersion, maxVersion: k.maxVersion }]));
      this.negotiated = negotiateVersions(this.brokerRanges, caps);
      return;
    }
  }

  private write(p: Pending): void {
    if (p.expectResponse) {
      this.inFlightRequests.set(p.correlationId, p);
      p.timer = setTimeout(() => this.onTimeout(p), p.timeoutMs);
      this.socket.write(p.frame);
    } else {
      this.socket.write(p.frame, (err) => {
        if (err) p.reject(new DisconnectedError(`connection to ${this.address} failed: ${err.message}`));
        else p.resolve(undefined);
      });
    }
    p.frame = EMPTY;
  }

  private onTimeout(p: Pending): void {
    this.inFlightRequests.delete(p.correlationId);
    p.reject(new RequestTimeoutError(`${apiName(p.apiKey)} request to ${this.address} timed out after ${p.timeoutMs} ms`));
    this.fail(new DisconnectedError(`connection to ${this.address} closed after a request timed out`));
  }

  private onData(chunk: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.decoder.push(chunk);
    } catch (err) {
      this.fail(new DisconnectedError(`bad response from ${this.address}: ${(err as Error).message}`));
      return;
    }
    for (const frame of frames) this.onFrame(frame);
    this.drainQueue();
  }

  private onFrame(frame: Buffer): void {
    if (frame.length < 4) {
      this.fail(new DisconnectedError(`bad response from ${this.address}: frame of ${frame.length} bytes`));
      return;
    }
    const correlationId = frame.readInt32BE(0);
    const p = this.inFlightRequests.get(correlationId);
    if (!p) {
      this.fail(new DisconnectedError(`bad response from ${this.address}: unexpected correlation id ${correlationId}`));
      return;
    }
    this.inFlightRequests.delete(correlationId);
    clearTimeout(p.timer);
    try {
      p.resolve(decodeResponseFrame(p.apiKey, p.version, frame).body);
    } catch (err) {
      // KIP-511: a broker that does not know our ApiVersions version answers in a v0 body.
      if (p.apiKey === ApiKey.ApiVersions && p.version > 0) {
        try {
          p.resolve(decodeResponseFrame(p.apiKey, 0, frame).body);
          return;
        } catch {
          // fall through to the original error
        }
      }
      p.reject(new DisconnectedError(`could not decode ${apiName(p.apiKey)} v${p.version} response from ${this.address}: ${(err as Error).message}`));
    }
  }

  private drainQueue(): void {
    while (this.queue.length > 0 && this.inFlightRequests.size < this.options.maxInFlight && !this.closedWith) {
      this.write(this.queue.shift()!);
    }
  }

  private fail(err: Error): void {
    if (this.closedWith) return;
    this.closedWith = err;
    this.socket.destroy();
    for (const p of this.inFlightRequests.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.inFlightRequests.clear();
    for (const p of this.queue.splice(0)) p.reject(err);
    for (const l of this.closeListeners.splice(0)) l(err);
  }
}

const EMPTY = Buffer.alloc(0);

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Opens a TCP socket, mapping failures to ConnectionError with the system error code. */
function openSocket(host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new ConnectionError(host, port, `timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    const onError = (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      reject(new ConnectionError(host, port, err.code ?? err.message));
    };
    socket.once('error', onError);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      resolve(socket);
    });
  });
}
