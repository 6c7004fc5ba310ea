/**
 * The logger of a broker run from the command line: pino JSON lines on stdout, written
 * synchronously.
 *
 * pino's default destination is asynchronous and flushes with sonic-boom's flushSync when the
 * process exits; when stdout is a pipe nobody reads any more (the log collector or the parent
 * died, `gregor start | head`, a test runner that timed out), that flush gets EPIPE and sonic-boom
 * 4 retries it forever, so after SIGTERM the broker shut down cleanly but never exited. With a
 * synchronous destination there is nothing to flush at exit and pino drops output after EPIPE.
 * (Node writes to pipes and files synchronously on Linux anyway.)
 */
import { pino } from 'pino';
import type { Logger } from '../logger.js';

export function createCliLogger(options: { level?: string; name?: string } = {}): Logger {
  return pino({ name: options.name ?? 'gregor', level: options.level ?? process.env.GREGOR_LOG_LEVEL ?? 'info' }, pino.destination({ dest: 1, sync: true }));
}
