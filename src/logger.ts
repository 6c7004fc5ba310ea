/** Logging: pino, JSON lines on stdout, or silent for embedded brokers unless asked. */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(options: { level?: string; name?: string } = {}): Logger {
  return pino({ name: options.name ?? 'gregor', level: options.level ?? process.env.GREGOR_LOG_LEVEL ?? 'info' });
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
