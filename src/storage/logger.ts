/**
 * The logging surface the storage layer uses: pino's Logger satisfies it (pass one in), and
 * tests can pass a recorder. Call style is pino's: logger.warn({ fields }, 'message').
 */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const noop = (): void => {};
export const noopLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };
