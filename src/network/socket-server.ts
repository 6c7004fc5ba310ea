/** Listens on the configured listeners and owns their connections. */
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../logger.js';
import type { BrokerStats } from '../metrics/broker-stats.js';
import { Connection, type Dispatcher } from './connection.js';

export interface ListenerSpec {
  name: string;
  host: string;
  port: number;
  isController: boolean;
}

export interface BoundListener extends ListenerSpec {
  /** The port actually bound (differs from `port` when it was 0). */
  boundPort: number;
}

export interface SocketServerOptions {
  maxFrameBytes: number;
  idleTimeoutMs: number;
  maxConnections: number;
  dispatcher: Dispatcher;
  log: Logger;
  /** Counts connections accepted and closed per listener (socket-server-metrics). */
  stats?: BrokerStats;
}

export class SocketServer {
  private readonly servers: Server[] = [];
  private readonly connections = new Set<Connection>();
  private nextConnectionId = 0;
  readonly bound: BoundListener[] = [];

  constructor(private readonly opts: SocketServerOptions) {}

  get connectionCount(): number {
    return this.connections.size;
  }

  async listen(listeners: ListenerSpec[]): Promise<BoundListener[]> {
    for (const l of listeners) {
      const server = createServer((socket) => this.accept(socket, l));
      server.on('error', (err) => this.opts.log.error({ err, listener: l.name }, 'listener error'));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        // An empty host binds every interface, as Kafka does for "PLAINTEXT://:9092".
        server.listen({ port: l.port, host: l.host === '' ? undefined : l.host }, () => {
          server.off('error', reject);
          resolve();
        });
      });
      this.servers.push(server);
      const addr = server.address();
      const boundPort = typeof addr === 'object' && addr ? addr.port : l.port;
      this.bound.push({ ...l, boundPort });
      this.opts.log.info({ listener: l.name, host: l.host || '0.0.0.0', port: boundPort }, 'listening');
    }
    return this.bound;
  }

  private accept(socket: Socket, l: ListenerSpec): void {
    if (this.connections.size >= this.opts.maxConnections) {
      this.opts.log.warn({ client: socket.remoteAddress, max: this.opts.maxConnections }, 'refusing connection: max.connections reached');
      socket.destroy();
      return;
    }
    const listenerStats = this.opts.stats?.listener(l.name);
    if (listenerStats) listenerStats.created++;
    const conn = new Connection(socket, {
      id: `${l.name}-${this.nextConnectionId++}`,
      listenerName: l.name,
      isControllerListener: l.isController,
      maxFrameBytes: this.opts.maxFrameBytes,
      idleTimeoutMs: this.opts.idleTimeoutMs,
      dispatcher: this.opts.dispatcher,
      log: this.opts.log,
      onClose: (c) => {
        this.connections.delete(c);
        if (listenerStats) listenerStats.closed++;
      },
    });
    this.connections.add(conn);
  }

  /** Stops accepting, lets in-flight requests finish (up to timeoutMs), then closes every connection. */
  async close(timeoutMs = 5000): Promise<void> {
    // server.close() reports back only once every connection is gone, so wait for it last.
    const serversClosed = Promise.all(this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    for (const c of this.connections) c.closeAfterPending();
    const all = Promise.all([...this.connections].map((c) => c.whenClosed()));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    for (const c of this.connections) c.destroy();
    await serversClosed;
    this.servers.length = 0;
  }
}
