/**
 * `gregor healthcheck [--bootstrap-server host:port]`: sends one ApiVersions request (v0, which
 * every Kafka broker answers) over the wire and exits 0 when the broker answers without error,
 * 1 otherwise. The docker image's HEALTHCHECK runs it; it works against any Kafka broker.
 */
import { connect } from 'node:net';
import type { Command } from 'commander';
import { ErrorCode, errorInfo } from '../protocol/error-codes.js';
import { decodeResponseFrame, encodeRequestFrame } from '../protocol/frame.js';
import { ApiKey } from '../protocol/generated/api-messages.js';
import { defaultApiVersionsRequest, type ApiVersionsResponse } from '../protocol/generated/api/18-api-versions.js';

const API_VERSIONS_VERSION = 0;
const CORRELATION_ID = 1;

/** "host:port", "[v6]:port" or "host" (port 9092). */
export function parseHostPort(s: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(s) ?? /^([^:]+)(?::(\d+))?$/.exec(s);
  if (!m) throw new Error(`Invalid bootstrap server address: ${s}`);
  const port = m[2] === undefined ? 9092 : Number(m[2]);
  if (!(port > 0 && port < 65536)) throw new Error(`Invalid port in bootstrap server address: ${s}`);
  return { host: m[1]!, port };
}

/** Sends ApiVersions v0 and returns the decoded response; rejects on connection errors, a bad frame or timeout. */
export function requestApiVersions(host: string, port: number, timeoutMs: number): Promise<ApiVersionsResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let received = Buffer.alloc(0);
    const finish = (err: Error | null, res?: ApiVersionsResponse) => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(res!);
    };
    const timer = setTimeout(() => finish(new Error(`no answer from ${host}:${port} within ${timeoutMs} ms`)), timeoutMs);
    socket.on('error', (err) => finish(err));
    socket.on('close', () => finish(new Error(`connection to ${host}:${port} closed before a response`)));
    socket.on('connect', () => {
      const header = { requestApiKey: ApiKey.ApiVersions, requestApiVersion: API_VERSIONS_VERSION, correlationId: CORRELATION_ID, clientId: 'gregor-healthcheck' };
      socket.write(encodeRequestFrame(header, defaultApiVersionsRequest()));
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4) return;
      const size = received.readInt32BE(0);
      if (size < 0 || size > 1024 * 1024) return finish(new Error(`bad response size ${size} from ${host}:${port}`));
      if (received.length < 4 + size) return;
      try {
        const { correlationId, body } = decodeResponseFrame(ApiKey.ApiVersions, API_VERSIONS_VERSION, received.subarray(4, 4 + size));
        if (correlationId !== CORRELATION_ID) return finish(new Error(`response correlation id ${correlationId}, expected ${CORRELATION_ID}`));
        finish(null, body as ApiVersionsResponse);
      } catch (err) {
        finish(err instanceof Error ? err : new Error(String(err)));
      }
    });
  });
}

/** Checks each address in turn; resolves with a description of the first healthy one, throws when none is. */
export async function healthcheck(bootstrapServers: string, timeoutMs: number): Promise<string> {
  const failures: string[] = [];
  for (const address of bootstrapServers.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const { host, port } = parseHostPort(address);
    try {
      const res = await requestApiVersions(host, port, timeoutMs);
      if (res.errorCode !== ErrorCode.NONE) {
        failures.push(`${address}: ApiVersions answered ${errorInfo(res.errorCode).name}`);
        continue;
      }
      return `${address} is healthy: ApiVersions answered with ${res.apiKeys.length} APIs`;
    } catch (err) {
      failures.push(`${address}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  throw new Error(`Broker is not healthy: ${failures.join('; ') || 'no address given'}`);
}

export function registerHealthcheckCommand(program: Command): void {
  program
    .command('healthcheck')
    .description('exit 0 when a broker answers an ApiVersions request, 1 otherwise (used by the docker HEALTHCHECK)')
    .option('--bootstrap-server <host:port>', 'broker address(es), comma-separated', process.env.GREGOR_HEALTHCHECK_BOOTSTRAP_SERVER ?? 'localhost:9092')
    .option('--timeout-ms <ms>', 'how long to wait for the answer', '5000')
    .action(async (opts: { bootstrapServer: string; timeoutMs: string }) => {
      const timeoutMs = Number(opts.timeoutMs);
      if (!(timeoutMs > 0)) throw new Error(`Invalid --timeout-ms: ${opts.timeoutMs}`);
      console.log(await healthcheck(opts.bootstrapServer, timeoutMs));
    });
}
