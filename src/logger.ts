/**
 * Logging: pino JSON lines on stdout, or silent for embedded brokers unless asked.
 *
 * The destination is synchronous. pino's default one is asynchronous and flushes with
 * sonic-boom's flushSync when the process exits; when stdout is a pipe nobody reads any more (the
 * log collector or the parent died, `gregor start | head`, a test runner that timed out), that
 * flush gets EPIPE and sonic-boom retries it forever, so a broker that shut down cleanly never
 * exited. With a synchronous destination there is nothing to flush at exit and pino drops output
 * after EPIPE. (Node writes to pipes and files synchronously on Linux anyway.)
 */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(options: { level?: string; name?: string } = {}): Logger {
  return pino({ name: options.name ?? 'gregor', level: options.level ?? process.env.GREGOR_LOG_LEVEL ?? 'info' }, pino.destination({ dest: 1, sync: true }));
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
