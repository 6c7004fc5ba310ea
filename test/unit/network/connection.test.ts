/**
 * Connection over a real loopback socket with a scripted dispatcher. A request payload is a
 * command: `sync:<id>` answers at once, `wait:<id>` answers when the test resolves it, `none:<id>`
 * sends no response (acks=0), `big:<id>` answers 1 MiB, `bad` is a malformed request (the
 * dispatcher throws), `reject` is a response promise that fails.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Connection, DispatchResult, Dispatcher } from '../../../src/network/connection.js';
import { DecodeError } from '../../../src/protocol/primitives/errors.js';
import { connectionHarness, deferred, rawClient, sizePrefixed, waitFor, type ConnectionHarness, type Deferred, type RawClient } from './harness.js';

class ScriptedDispatcher implements Dispatcher {
  readonly dispatched: string[] = [];
  readonly waiting = new Map<string, Deferred<DispatchResult>>();
  /** The memory behind each dispatched frame (to see which ones reuse a recycled buffer). */
  readonly frameMemory: ArrayBufferLike[] = [];

  /** Like Produce: a `sync:` request keeps no view of its frame. */
  frameFreeAfterSyncAnswer(frame: Buffer): boolean {
    return frame.toString('latin1', 0, 5) === 'sync:';
  }

  dispatch(frame: Buffer, _conn: Connection): DispatchResult | Promise<DispatchResult> {
    const cmd = frame.toString().trimEnd();
    this.dispatched.push(cmd);
    this.frameMemory.push(frame.buffer);
    const [kind, id = ''] = cmd.split(':');
    switch (kind) {
      case 'sync':
        return [sizePrefixed(id)];
      case 'none':
        return null;
      case 'big': {
        const body = Buffer.alloc(1024 * 1024, 0x61);
        body.write(id.padEnd(8, ' '));
        return [sizePrefixed(body)];
      }
      case 'wait': {
        const d = deferred<DispatchResult>();
        this.waiting.set(id, d);
        return d.promise;
      }
      case 'reject':
        return Promise.reject(new Error('boom'));
      default:
        throw new DecodeError(`malformed request ${cmd}`);
    }
  }

  answer(id: string): void {
    const d = this.waiting.get(id);
    if (!d) throw new Error(`no waiting request ${id}`);
    this.waiting.delete(id);
    d.resolve([sizePrefixed(id)]);
  }
}

let harness: ConnectionHarness | undefined;
const clients: RawClient[] = [];

async function setup(opts: { maxFrameBytes?: number; idleTimeoutMs?: number } = {}) {
  const dispatcher = new ScriptedDispatcher();
  harness = await connectionHarness(dispatcher, opts);
  const client = await rawClient(harness.port);
  clients.push(client);
  await waitFor(() => harness!.connections.length === 1, 'the server to accept');
  return { dispatcher, client, h: harness, conn: harness.connections[0]! };
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.socket.destroy();
  await harness?.close();
  harness = undefined;
});

const text = (frames: Buffer[]) => frames.map((f) => f.toString().trim());

describe('Connection: responses in request order', () => {
  it('holds a fast response behind a slower earlier one (long-poll Fetch then Metadata)', async () => {
    const { dispatcher, client } = await setup();
    client.send('wait:fetch');
    client.send('sync:metadata');
    client.send('none:produce-acks0');
    client.send('sync:apiversions');
    await waitFor(() => dispatcher.dispatched.length === 4, 'all four requests to be dispatched');
    // Every request was processed on arrival, but nothing can be sent before the long poll answers.
    expect(client.frames).toEqual([]);
    dispatcher.answer('fetch');
    expect(text(await client.waitFrames(3))).toEqual(['fetch', 'metadata', 'apiversions']);
  });

  it('sends responses completed in reverse order in request order', async () => {
    const { dispatcher, client } = await setup();
    for (let i = 0; i < 5; i++) client.send(`wait:${i}`);
    await waitFor(() => dispatcher.waiting.size === 5, 'five waiting requests');
    for (let i = 4; i >= 0; i--) dispatcher.answer(String(i));
    expect(text(await client.waitFrames(5))).toEqual(['0', '1', '2', '3', '4']);
  });

  it('answers many pipelined requests arriving in one chunk, in order', async () => {
    const { client } = await setup();
    const all = Buffer.concat(Array.from({ length: 500 }, (_, i) => sizePrefixed(`sync:${i}`)));
    client.socket.write(all);
    expect(text(await client.waitFrames(500))).toEqual(Array.from({ length: 500 }, (_, i) => String(i)));
  });
});

describe('Connection: reuse of assembled frames', () => {
  const large = (cmd: string) => sizePrefixed(cmd.padEnd(300_000, ' '));

  it('a large frame answered synchronously lends its memory to the next one; one answered later does not', async () => {
    const { dispatcher, client } = await setup({ maxFrameBytes: 1024 * 1024 });
    client.socket.write(large('sync:1'));
    expect(text(await client.waitFrames(1))).toEqual(['1']);
    client.socket.write(large('sync:2'));
    expect(text(await client.waitFrames(2))).toEqual(['1', '2']);
    expect(dispatcher.frameMemory[1]).toBe(dispatcher.frameMemory[0]);

    client.socket.write(large('wait:3'));
    await waitFor(() => dispatcher.waiting.has('3'), 'the waiting request');
    client.socket.write(large('sync:4'));
    await waitFor(() => dispatcher.dispatched.includes('sync:4'), 'the request after it');
    expect(dispatcher.frameMemory[3]).not.toBe(dispatcher.frameMemory[2]); // wait:3 may still read its frame
    expect(dispatcher.dispatched[2]).toBe('wait:3');
    dispatcher.answer('3');
    expect(text(await client.waitFrames(4))).toEqual(['1', '2', '3', '4']);
  });
});

describe('Connection: bad input', () => {
  it('a malformed request sends the responses before it, closes the connection and is logged once', async () => {
    const { dispatcher, client, h } = await setup();
    client.send('sync:1');
    client.send('wait:2');
    client.send('bad');
    client.send('sync:4');
    await waitFor(() => dispatcher.waiting.has('2') && dispatcher.dispatched.includes('bad'), 'the malformed request');
    dispatcher.answer('2');
    await client.waitClosed();
    expect(text(client.frames)).toEqual(['1', '2']);
    expect(dispatcher.dispatched).not.toContain('sync:4');
    const warnings = h.log.lines.filter((l) => String(l['msg']).includes('malformed request'));
    expect(warnings).toHaveLength(1);
    // The server side goes away too, so the connection no longer counts against max.connections.
    client.socket.end();
    await waitFor(() => h.closedConnections.length === 1, 'the server side of the connection to close');
  });

  it('a frame larger than socket.request.max.bytes closes the connection before the body arrives', async () => {
    const { dispatcher, client, h } = await setup({ maxFrameBytes: 1000 });
    const header = Buffer.alloc(4);
    header.writeInt32BE(1001, 0);
    client.socket.write(header);
    await client.waitClosed();
    await waitFor(() => h.closedConnections.length === 1, 'the server side to close');
    expect(dispatcher.dispatched).toEqual([]);
    expect(h.log.lines.filter((l) => String(l['msg']).includes('bad frame'))).toHaveLength(1);
  });

  it('a response promise that fails closes only that connection', async () => {
    const { client, h } = await setup();
    const other = await rawClient(h.port);
    clients.push(other);
    client.send('reject');
    await client.waitClosed();
    other.send('sync:still-serving');
    expect(text(await other.waitFrames(1))).toEqual(['still-serving']);
  });

  it('a client that disconnects with a response pending does not break the connection bookkeeping', async () => {
    const { dispatcher, client, h } = await setup();
    client.send('wait:1');
    await waitFor(() => dispatcher.waiting.has('1'), 'the request');
    client.socket.destroy();
    await waitFor(() => h.closedConnections.length === 1, 'the server side to close');
    dispatcher.answer('1');
    await new Promise((r) => setImmediate(r));
    expect(h.closedConnections).toHaveLength(1);
  });
});

describe('Connection: backpressure', () => {
  it('stops reading while 100 responses are pending and resumes when they are sent', async () => {
    const { dispatcher, client, conn } = await setup();
    for (let i = 0; i < 100; i++) client.send(`wait:${i}`);
    await waitFor(() => dispatcher.waiting.size === 100, '100 pending requests');
    await waitFor(() => conn.socket.isPaused(), 'the connection to pause reading');
    for (let i = 100; i < 110; i++) client.send(`wait:${i}`);
    // A negative check needs a window: while paused the next requests stay in the socket.
    await new Promise((r) => setTimeout(r, 50));
    expect(dispatcher.dispatched).toHaveLength(100);
    for (let i = 0; i < 100; i++) dispatcher.answer(String(i));
    await waitFor(() => dispatcher.waiting.size === 10, 'the next requests after resuming');
    for (let i = 100; i < 110; i++) dispatcher.answer(String(i));
    expect(text(await client.waitFrames(110))).toEqual(Array.from({ length: 110 }, (_, i) => String(i)));
  });

  it('stops reading while the client does not read its responses and resumes on drain', async () => {
    const { dispatcher, client, conn } = await setup();
    client.socket.pause();
    // 40 MiB of responses: more than the kernel's socket buffers plus the 8 MiB write limit.
    const big = 40;
    for (let i = 0; i < big; i++) client.send(`big:${i}`);
    await waitFor(() => conn.socket.isPaused(), 'the connection to pause on a full write buffer', 10_000);
    expect(conn.socket.writableLength).toBeGreaterThan(8 * 1024 * 1024);
    const dispatchedBefore = dispatcher.dispatched.length;
    for (let i = 0; i < 5; i++) client.send(`sync:after-${i}`);
    // A negative check needs a window: while paused the next requests stay in the socket.
    await new Promise((r) => setTimeout(r, 50));
    expect(dispatcher.dispatched.filter((d) => d.startsWith('sync:'))).toEqual([]);
    expect(dispatcher.dispatched.length).toBe(dispatchedBefore);
    client.socket.resume();
    const frames = await client.waitFrames(big + 5, 10_000);
    const ids = frames.map((f) => (f.length > 100 ? f.subarray(0, 8).toString().trim() : f.toString()));
    expect(ids).toEqual([...Array.from({ length: big }, (_, i) => String(i)), ...Array.from({ length: 5 }, (_, i) => `after-${i}`)]);
    expect(conn.socket.isPaused()).toBe(false);
  });
});

describe('Connection: connections.max.idle.ms', () => {
  it('closes a connection idle for connections.max.idle.ms', async () => {
    const { client, h } = await setup({ idleTimeoutMs: 100 });
    const started = Date.now();
    await client.waitClosed();
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    await waitFor(() => h.closedConnections.length === 1, 'the server side to close');
    expect(h.log.lines.some((l) => String(l['msg']).includes('idle'))).toBe(true);
  });

  it('keeps a connection whose client keeps sending requests', async () => {
    const { client } = await setup({ idleTimeoutMs: 150 });
    for (let i = 0; i < 6; i++) {
      client.send(`sync:${i}`);
      await client.waitFrames(i + 1);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(client.closed || client.ended).toBe(false);
  });

  it('does not close a connection waiting on a long poll, and closes it once idle afterwards', async () => {
    const { dispatcher, client } = await setup({ idleTimeoutMs: 100 });
    client.send('wait:poll');
    await waitFor(() => dispatcher.waiting.has('poll'), 'the long poll');
    await new Promise((r) => setTimeout(r, 250));
    expect(client.closed || client.ended).toBe(false);
    dispatcher.answer('poll');
    expect(text(await client.waitFrames(1))).toEqual(['poll']);
    await client.waitClosed();
  });
});
