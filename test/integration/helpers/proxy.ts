/**
 * A Kafka-aware TCP proxy for fault injection: forwards frames both ways and, on request, cuts a
 * connection instead of delivering chosen responses, so a client sees requests whose outcome it
 * never learned (the broker did process them) and must retry them.
 *
 * To keep clients on the proxy after bootstrap, start the broker with
 * `advertised.listeners=PLAINTEXT://127.0.0.1:<proxy.port>` and then point the proxy at it with
 * `proxy.setTarget(broker.port)`.
 */
import net from 'node:net';

export interface FaultProxy {
  readonly port: number;
  /** Where connections go; until it is set (and after a drop with thenRefuseConnections) they are refused. */
  setTarget(port: number, host?: string): void;
  /**
   * Cut the connection instead of delivering the response to the n-th (1-based, counted over all
   * connections) request with this api key, for each n listed.
   */
  dropResponses(apiKey: number, ordinals: number[], options?: { thenRefuseConnections?: boolean }): void;
  /** How many responses were dropped so far. */
  readonly dropped: number;
  /** Resolves when the n-th response has been dropped (1-based). */
  droppedAtLeast(n: number): Promise<void>;
  /** Requests seen per api key. */
  readonly requests: Map<number, number>;
  close(): Promise<void>;
}

class FrameSplitter {
  private buf: Buffer = Buffer.alloc(0);
  push(chunk: Buffer): Buffer[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: Buffer[] = [];
    while (this.buf.length >= 4) {
      const size = this.buf.readInt32BE(0);
      if (this.buf.length < 4 + size) break;
      out.push(this.buf.subarray(0, 4 + size));
      this.buf = this.buf.subarray(4 + size);
    }
    return out;
  }
}

export async function startFaultProxy(): Promise<FaultProxy> {
  let target: { host: string; port: number } | null = null;
  const drops = new Map<number, Set<number>>();
  /** After a drop, refuse new connections until setTarget() is called again. */
  let refuseAfterDrop = false;
  const requests = new Map<number, number>();
  let dropped = 0;
  let dropWaiters: { n: number; resolve: () => void }[] = [];
  const sockets = new Set<net.Socket>();

  const server = net.createServer((client) => {
    sockets.add(client);
    if (!target) {
      client.destroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    sockets.add(upstream);
    const kill = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', kill);
    upstream.on('error', kill);
    client.on('close', () => {
      sockets.delete(client);
      upstream.destroy();
    });
    upstream.on('close', () => {
      sockets.delete(upstream);
      client.destroy();
    });
    /** correlation id -> drop its response */
    const doomed = new Set<number>();
    const fromClient = new FrameSplitter();
    const fromBroker = new FrameSplitter();
    client.on('data', (chunk: Buffer) => {
      for (const frame of fromClient.push(chunk)) {
        if (frame.length >= 12) {
          const apiKey = frame.readInt16BE(4);
          const correlationId = frame.readInt32BE(8);
          const n = (requests.get(apiKey) ?? 0) + 1;
          requests.set(apiKey, n);
          if (drops.get(apiKey)?.has(n)) doomed.add(correlationId);
        }
        upstream.write(frame);
      }
    });
    upstream.on('data', (chunk: Buffer) => {
      for (const frame of fromBroker.push(chunk)) {
        const correlationId = frame.length >= 8 ? frame.readInt32BE(4) : -1;
        if (doomed.has(correlationId)) {
          dropped++;
          if (refuseAfterDrop) target = null;
          kill();
          const ready = dropWaiters.filter((w) => w.n <= dropped);
          dropWaiters = dropWaiters.filter((w) => w.n > dropped);
          for (const w of ready) w.resolve();
          return;
        }
        client.write(frame);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    setTarget(p, host = '127.0.0.1') {
      target = { host, port: p };
    },
    dropResponses(apiKey, ordinals, options = {}) {
      drops.set(apiKey, new Set(ordinals));
      refuseAfterDrop = options.thenRefuseConnections ?? false;
    },
    get dropped() {
      return dropped;
    },
    droppedAtLeast(n) {
      if (dropped >= n) return Promise.resolve();
      return new Promise<void>((resolve) => dropWaiters.push({ n, resolve }));
    },
    requests,
    close() {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
