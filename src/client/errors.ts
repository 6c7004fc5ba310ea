/**
 * Errors of Gregor's client. Kafka error codes found in responses become `KafkaError` (the same
 * class the broker uses, from protocol/error-codes.ts); everything that goes wrong on the client's
 * side of the wire has its own class here. `isRetriable` says which of them a caller may retry
 * after a backoff (Kafka's RetriableException and network errors).
 */
import { KafkaError, errorInfo } from '../protocol/error-codes.js';

export { KafkaError };

/** The base class of errors raised by the client itself (not carried by a Kafka error code). */
export class ClientError extends Error {
  override name = 'ClientError';
  /** Whether retrying the operation after a backoff may succeed. */
  readonly retriable: boolean = false;
}

/** A TCP connection to a broker could not be opened (refused, unresolvable host, timeout). */
export class ConnectionError extends ClientError {
  override name = 'ConnectionError';
  override readonly retriable = true;

  constructor(
    readonly host: string,
    readonly port: number,
    /** The system error code (ECONNREFUSED, ENOTFOUND, ETIMEDOUT...) or a short reason. */
    readonly reason: string,
  ) {
    super(`could not connect to ${host}:${port}: ${reason}`);
  }
}

/** An open connection closed (or failed) while requests were in flight. */
export class DisconnectedError extends ClientError {
  override name = 'DisconnectedError';
  override readonly retriable = true;
}

/** No response arrived within the request timeout; the connection is closed, as Kafka's client does. */
export class RequestTimeoutError extends ClientError {
  override name = 'RequestTimeoutError';
  override readonly retriable = true;
}

/** The broker does not implement an API, or no version both sides speak. */
export class UnsupportedApiError extends ClientError {
  override name = 'UnsupportedApiError';
}

/** The client was closed while the operation was pending. */
export class ClientClosedError extends ClientError {
  override name = 'ClientClosedError';
}

/** Throws KafkaError for a non-zero error code, with the broker's message when it sent one. */
export function throwIfError(errorCode: number, errorMessage?: string | null, context?: string): void {
  if (errorCode === 0) return;
  throw kafkaError(errorCode, errorMessage, context);
}

/** A KafkaError for a code, preferring the broker's message over the generic one. */
export function kafkaError(errorCode: number, errorMessage?: string | null, context?: string): KafkaError {
  const message = errorMessage || errorInfo(errorCode).message;
  return new KafkaError(errorCode, context ? `${context}: ${message}` : message);
}

/** Whether an error is worth retrying: a retriable Kafka code, or a retriable client error. */
export function isRetriable(err: unknown): boolean {
  if (err instanceof KafkaError) return err.retriable;
  if (err instanceof ClientError) return err.retriable;
  return false;
}
