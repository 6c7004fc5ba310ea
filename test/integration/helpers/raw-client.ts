/** A minimal Kafka client on Gregor's own codecs: one connection, pipelined requests answered in order. */
import { connect, type Socket } from 'node:net';
import { decodeResponseFrame, encodeRequestFrame } from '../../../src/protocol/frame.js';

export class RawClient {
  private buffer = Buffer.alloc(0);
  private readonly waiting: { apiKey: number; version: number; resolve: (body: unknown) => void; reject: (e: Error) => void }[] = [];
  private correlationId = 0;

  private constructor(private readonly socket: Socket, private readonly clientId: string) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      while (this.buffer.length >= 4 && this.buffer.length >= 4 + this.buffer.readInt32BE(0)) {
        const size = this.buffer.readInt32BE(0);
        const frame = this.buffer.subarray(4, 4 + size);
        this.buffer = this.buffer.subarray(4 + size);
        const next = this.waiting.shift()!;
        try {
          next.resolve(decodeResponseFrame(next.apiKey, next.version, frame).body);
        } catch (err) {
          next.reject(err as Error);
        }
      }
    });
  }

  static open(port: number, clientId = 'raw-client'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => resolve(new RawClient(s, clientId)));
      s.once('error', reject);
    });
  }

  send<T = any>(apiKey: number, version: number, body: unknown): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const frame = encodeRequestFrame({ requestApiKey: apiKey, requestApiVersion: version, correlationId: ++this.correlationId, clientId: this.clientId }, body);
      this.waiting.push({ apiKey, version, resolve: resolve as (b: unknown) => void, reject });
      this.socket.write(frame);
    });
  }

  close(): void {
    this.socket.destroy();
  }
}
