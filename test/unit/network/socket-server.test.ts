/** SocketServer over loopback: max.connections, connections.max.idle.ms, shutdown, half-open clients. */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Connection, DispatchResult, Dispatcher } from '../../../src/network/connection.js';
import { SocketServer } from '../../../src/network/socket-server.js';
import { DecodeError } from '../../../src/protocol/primitives/errors.js';
import { captureLog, rawClient, sizePrefixed, waitFor, type RawClient } from './harness.js';

const echo: Dispatcher = {
  frameFreeAfterSyncAnswer: () => false,
  dispatch(frame: Buffer, _conn: Connection): DispatchResult {
    if (frame.toString() === 'bad') throw new DecodeError('malformed');
    return [sizePrefixed(frame)];
  },
};

let server: SocketServer | undefined;
const sockets: Socket[] = [];
const clients: RawClient[] = [];

async function start(opts: { maxConnections?: number; idleTimeoutMs?: number } = {}) {
  const log = captureLog();
  server = new SocketServer({
    maxFrameBytes: 1024,
    idleTimeoutMs: opts.idleTimeoutMs ?? 0,
    maxConnections: opts.maxConnections ?? 1000,
    dispatcher: echo,
    log: log.log,
  });
  const [bound] = await server.listen([{ name: 'PLAINTEXT', host: '127.0.0.1', port: 0, isController: false }]);
  return { server, port: bound!.boundPort, log };
}

async function client(port: number): Promise<RawClient> {
  const c = await rawClient(port);
  clients.push(c);
  return c;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.socket.destroy();
  for (const s of sockets.splice(0)) s.destroy();
  await server?.close(100);
  server = undefined;
});

describe('SocketServer', () => {
  it('refuses connections beyond max.connections and accepts again once one closes', async () => {
    const { server, port, log } = await start({ maxConnections: 2 });
    const a = await client(port);
    const b = await client(port);
    await waitFor(() => server.connectionCount === 2, 'two connections');
    const c = await client(port);
    await c.waitClosed();
    expect(log.lines.some((l) => String(l['msg']).includes('max.connections'))).toBe(true);
    // The two accepted connections still work.
    a.send('a');
    b.send('b');
    expect((await a.waitFrames(1)).map(String)).toEqual(['a']);
    expect((await b.waitFrames(1)).map(String)).toEqual(['b']);
    a.socket.destroy();
    await waitFor(() => server.connectionCount === 1, 'the closed connection to be released');
    const d = await client(port);
    d.send('d');
    expect((await d.waitFrames(1)).map(String)).toEqual(['d']);
  });

  it('closes idle connections after connections.max.idle.ms and releases their slot', async () => {
    const { server, port } = await start({ idleTimeoutMs: 100, maxConnections: 1 });
    const a = await client(port);
    await waitFor(() => server.connectionCount === 1, 'the connection');
    await a.waitClosed();
    await waitFor(() => server.connectionCount === 0, 'the idle connection to be released');
    const b = await client(port);
    b.send('b');
    expect((await b.waitFrames(1)).map(String)).toEqual(['b']);
  });

  it('fully closes a malformed client that keeps its side open (half-open), releasing its slot', async () => {
    const { server, port } = await start({ maxConnections: 1 });
    const s = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    sockets.push(s);
    let ended = false;
    s.on('end', () => (ended = true));
    s.on('error', () => {});
    await new Promise((r) => s.once('connect', r));
    s.write(sizePrefixed('bad'));
    await waitFor(() => ended, 'the server to close the malformed connection');
    // The client never closes its side; the broker must not keep the connection around for it.
    await waitFor(() => server.connectionCount === 0, 'the server to release the connection', 2000);
  });

  it('close() stops accepting and returns promptly even when a client keeps its side open', async () => {
    const { server, port } = await start();
    const s = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    sockets.push(s);
    s.on('error', () => {});
    await new Promise((r) => s.once('connect', r));
    await waitFor(() => server.connectionCount === 1, 'the connection');
    const started = Date.now();
    await server.close(5000);
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(
      new Promise((resolve, reject) => {
        const t = connect({ port, host: '127.0.0.1' });
        t.on('connect', () => {
          t.destroy();
          reject(new Error('connected after close'));
        });
        t.on('error', resolve);
      }),
    ).resolves.toBeTruthy();
  });
});
