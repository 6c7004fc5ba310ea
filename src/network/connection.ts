/**
 * One client connection: frames in, responses out in request order.
 *
 * Requests are dispatched as they arrive (handlers are mostly synchronous); a request that waits
 * (a long-poll Fetch, acks=all) holds back the responses queued behind it, never their processing.
 * Reading pauses while too many responses are pending or the socket's write buffer is full.
 */
import type { Socket } from 'node:net';
import type { Logger } from '../logger.js';
import { FrameDecoder } from './frame-decoder.js';

/** Encoded response chunks, or null when the request gets no response (acks=0). */
export type DispatchResult = Buffer[] | null;

export interface Dispatcher {
  dispatch(frame: Buffer, conn: Connection): DispatchResult | Promise<DispatchResult>;
  /** Whether nothing keeps a view of this request frame once dispatch() returned a response synchronously. */
  frameFreeAfterSyncAnswer(frame: Buffer): boolean;
}

export interface ConnectionOptions {
  id: string;
  listenerName: string;
  isControllerListener: boolean;
  maxFrameBytes: number;
  idleTimeoutMs: number;
  dispatcher: Dispatcher;
  log: Logger;
  onClose: (conn: Connection) => void;
}

const MAX_PENDING_RESPONSES = 100;
const MAX_BUFFERED_WRITE_BYTES = 8 * 1024 * 1024;

interface Slot {
  done: boolean;
  chunks: Buffer[] | null;
}

export class Connection {
  readonly id: string;
  readonly clientHost: string;
  readonly listenerName: string;
  readonly isControllerListener: boolean;
  private readonly decoder: FrameDecoder;
  private readonly slots: Slot[] = [];
  private paused = false;
  /** Set while the frames of one socket read are dispatched: their responses go out in one write. */
  private dispatchingRead = false;
  private closed = false;
  private closing = false;
  private ending = false;
  private readonly log: Logger;

  constructor(readonly socket: Socket, private readonly opts: ConnectionOptions) {
    this.id = opts.id;
    this.listenerName = opts.listenerName;
    this.isControllerListener = opts.isControllerListener;
    this.clientHost = socket.remoteAddress ?? 'unknown';
    this.decoder = new FrameDecoder(opts.maxFrameBytes);
    this.log = opts.log;
    socket.setNoDelay(true);
    if (opts.idleTimeoutMs > 0) socket.setTimeout(opts.idleTimeoutMs);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.maybeResume());
    socket.on('timeout', () => {
      if (this.slots.length === 0) {
        this.log.debug({ connection: this.id }, 'closing idle connection (connections.max.idle.ms)');
        this.destroy();
      }
    });
    socket.on('error', (err) => this.log.debug({ connection: this.id, err: err.message }, 'connection error'));
    socket.on('close', () => {
      this.closed = true;
      this.opts.onClose(this);
    });
  }

  get pendingResponses(): number {
    return this.slots.length;
  }

  private onData(chunk: Buffer): void {
    if (this.closing) return;
    this.decoder.write(chunk);
    this.dispatchingRead = true;
    try {
      while (!this.closing) {
        let frame: Buffer | null;
        try {
          frame = this.decoder.next();
        } catch (err) {
          this.log.warn({ connection: this.id, client: this.clientHost, err: (err as Error).message }, 'closing connection: bad frame');
          this.destroy();
          return;
        }
        if (frame === null) break;
        this.handleFrame(frame);
      }
    } finally {
      this.dispatchingRead = false;
    }
    this.flush();
    this.maybePause();
  }

  private handleFrame(frame: Buffer): void {
    const slot: Slot = { done: false, chunks: null };
    this.slots.push(slot);
    let result: DispatchResult | Promise<DispatchResult>;
    try {
      result = this.opts.dispatcher.dispatch(frame, this);
    } catch (err) {
      this.log.warn({ connection: this.id, client: this.clientHost, err: (err as Error).message }, 'closing connection: malformed request');
      this.slots.pop();
      this.flush();
      this.closeAfterPending();
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (chunks) => this.complete(slot, chunks),
        (err: Error) => {
          this.log.error({ connection: this.id, err }, 'request failed without a response; closing connection');
          this.destroy();
        },
      );
    } else {
      this.complete(slot, result);
      if (this.opts.dispatcher.frameFreeAfterSyncAnswer(frame)) this.decoder.recycle(frame);
    }
  }

  private complete(slot: Slot, chunks: DispatchResult): void {
    slot.done = true;
    slot.chunks = chunks;
    if (!this.dispatchingRead) this.flush();
  }

  private flush(): void {
    if (this.closed) return;
    let corked = false;
    while (this.slots.length > 0 && this.slots[0]!.done) {
      const slot = this.slots.shift()!;
      if (!slot.chunks) continue;
      if (!corked) {
        this.socket.cork();
        corked = true;
      }
      for (const c of slot.chunks) this.socket.write(c);
    }
    if (corked) this.socket.uncork();
    if (this.closing && this.slots.length === 0) this.endAndClose();
    this.maybeResume();
  }

  private maybePause(): void {
    if (this.paused || this.closed) return;
    if (this.slots.length >= MAX_PENDING_RESPONSES || this.socket.writableLength > MAX_BUFFERED_WRITE_BYTES) {
      this.paused = true;
      this.socket.pause();
    }
  }

  private maybeResume(): void {
    if (!this.paused || this.closed || this.closing) return;
    if (this.slots.length < MAX_PENDING_RESPONSES && this.socket.writableLength <= MAX_BUFFERED_WRITE_BYTES) {
      this.paused = false;
      this.socket.resume();
    }
  }

  /** Stops reading, sends the responses already queued, then closes. */
  closeAfterPending(): void {
    if (this.closing) return;
    this.closing = true;
    this.socket.pause();
    if (this.slots.length === 0) this.endAndClose();
  }

  /**
   * Sends what is queued, then closes both directions. end() alone leaves the socket half-open
   * until the client closes its side, so a client that never does would keep its slot (against
   * max.connections) and hold up shutdown.
   */
  private endAndClose(): void {
    if (this.ending) return;
    this.ending = true;
    this.socket.end(() => this.socket.destroy());
  }

  /** Resolves once the connection is closed. */
  whenClosed(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => this.socket.once('close', () => resolve()));
  }

  destroy(): void {
    this.closing = true;
    this.socket.destroy();
  }
}
