/**
 * The Prometheus scrape endpoint: a small HTTP server, like the JMX exporter's agent, serving
 * `GET /metrics` (Prometheus text format 0.0.4) and
 * `GET /-/healthy`. Enabled by `gregor.metrics.port` (off when unset); bound to
 * `gregor.metrics.host` (default 0.0.0.0, every interface, as the exporter does).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import type { Logger } from '../logger.js';

export interface MetricsServer {
  readonly host: string;
  readonly port: number;
  /** http://host:port/metrics (127.0.0.1 when bound to every interface). */
  readonly url: string;
  /** Stops listening and closes every open scrape connection. */
  close(): Promise<void>;
}

export async function startMetricsServer(opts: { host: string; port: number; registry: Registry; log: Logger }): Promise<MetricsServer> {
  const { registry, log } = opts;
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/metrics') {
      registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(req.method === 'HEAD' ? undefined : text),
        (err: unknown) => {
          log.error({ err }, 'metrics collection failed');
          res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics collection failed\n');
        },
      );
    } else if (path === '/-/healthy') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('Exporter is healthy.\n');
    } else if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body><a href="/metrics">Metrics</a></body></html>\n');
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  };
  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: opts.host === '' ? undefined : opts.host, port: opts.port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => log.error({ err }, 'metrics server error'));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  const host = opts.host === '' || opts.host === '0.0.0.0' || opts.host === '::' ? '127.0.0.1' : opts.host;
  log.info({ host: opts.host || '0.0.0.0', port }, 'Prometheus metrics endpoint listening');
  return {
    host,
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
