/**
 * Loopback harness for the network layer: a real server socket whose accepted connections are
 * wrapped in Gregor's Connection (or served by SocketServer) with a test dispatcher, and a raw
 * client that writes size-prefixed frames and collects size-prefixed responses.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { pino, type Logger } from 'pino';
import { Connection, type Dispatcher } from '../../../src/network/connection.js';

export interface CapturedLog {
  log: Logger;
  lines: Record<string, unknown>[];
}

/** A pino logger whose JSON lines are kept in memory. */
export function captureLog(level = 'debug'): CapturedLog {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level }, { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
  return { log, lines };
}

export function sizePrefixed(payload: Buffer | string): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const out = Buffer.alloc(4 + body.length);
  out.writeInt32BE(body.length, 0);
  body.copy(out, 4);
  return out;
}

/** Polls `cond` every few ms until it holds; fails after timeoutMs. */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

export interface RawClient {
  socket: Socket;
  /** Response payloads (size prefix removed) received so far. */
  frames: Buffer[];
  closed: boolean;
  ended: boolean;
  send(payload: Buffer | string): void;
  /** Waits until at least n responses arrived. */
  waitFrames(n: number, timeoutMs?: number): Promise<Buffer[]>;
  waitClosed(timeoutMs?: number): Promise<void>;
}

export async function rawClient(port: number, host = '127.0.0.1'): Promise<RawClient> {
  const socket = connect({ port, host });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let pending = Buffer.alloc(0);
  const client: RawClient = {
    socket,
    frames: [],
    closed: false,
    ended: false,
    send: (payload) => void socket.write(sizePrefixed(payload)),
    async waitFrames(n, timeoutMs = 5000) {
      await waitFor(() => client.frames.length >= n, `${n} responses (have ${client.frames.length})`, timeoutMs);
      return client.frames;
    },
    async waitClosed(timeoutMs = 5000) {
      await waitFor(() => client.ended || client.closed, 'the server to close the connection', timeoutMs);
    },
  };
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
      const size = pending.readInt32BE(0);
      client.frames.push(pending.subarray(4, 4 + size));
      pending = pending.subarray(4 + size);
    }
  });
  socket.on('end', () => {
    client.ended = true;
  });
  socket.on('error', () => {});
  socket.on('close', () => {
    client.closed = true;
  });
  return client;
}

export interface ConnectionHarness {
  port: number;
  connections: Connection[];
  closedConnections: Connection[];
  log: CapturedLog;
  close(): Promise<void>;
}

/** A server wrapping every accepted socket in a Connection served by `dispatcher`. */
export async function connectionHarness(
  dispatcher: Dispatcher,
  opts: { maxFrameBytes?: number; idleTimeoutMs?: number } = {},
): Promise<ConnectionHarness> {
  const log = captureLog();
  const connections: Connection[] = [];
  const closedConnections: Connection[] = [];
  let n = 0;
  const server: Server = createServer((socket) => {
    connections.push(
      new Connection(socket, {
        id: `test-${n++}`,
        listenerName: 'PLAINTEXT',
        isControllerListener: false,
        maxFrameBytes: opts.maxFrameBytes ?? 1024 * 1024,
        idleTimeoutMs: opts.idleTimeoutMs ?? 0,
        dispatcher,
        log: log.log,
        onClose: (c) => closedConnections.push(c),
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    port,
    connections,
    closedConnections,
    log,
    async close() {
      for (const c of connections) c.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(v: T): void;
  reject(e: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
