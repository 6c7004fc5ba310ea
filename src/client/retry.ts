/**
 * Retrying retriable failures with Kafka's exponential backoff (KIP-580): the n-th retry waits
 * retryBackoffMs * 2^n, capped at retryBackoffMaxMs, with +-20% jitter.
 */
import { isRetriable } from './errors.js';

export interface RetryOptions {
  /** Attempts after the first (Kafka's admin client default is 2^31-1; the CLI uses fewer). */
  retries: number;
  retryBackoffMs: number;
  retryBackoffMaxMs: number;
  /** Give up when the next attempt would start after this time budget (ms from the first attempt). */
  timeoutMs?: number;
  /** Which errors to retry (default: isRetriable). */
  shouldRetry?: (err: unknown) => boolean;
  /** Called before each backoff, e.g. to refresh metadata. */
  onRetry?: (err: unknown, attempt: number) => void | Promise<void>;
  /** Injected for tests. */
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export function backoffMs(attempt: number, options: Pick<RetryOptions, 'retryBackoffMs' | 'retryBackoffMaxMs' | 'random'>): number {
  const base = Math.min(options.retryBackoffMs * 2 ** attempt, options.retryBackoffMaxMs);
  const jitter = 0.8 + 0.4 * (options.random ?? Math.random)();
  return Math.max(0, Math.round(base * jitter));
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `fn` until it succeeds, fails with an error that is not retriable, or runs out of
 * attempts or time; then the last error is thrown as it is.
 */
export async function withRetries<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const shouldRetry = options.shouldRetry ?? isRetriable;
  const now = options.now ?? Date.now;
  const wait = options.sleep ?? sleep;
  const start = now();
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!shouldRetry(err) || attempt >= options.retries) throw err;
      const delay = backoffMs(attempt, options);
      if (options.timeoutMs !== undefined && now() + delay - start > options.timeoutMs) throw err;
      await options.onRetry?.(err, attempt);
      await wait(delay);
    }
  }
}
