import { ErrorCode } from '../../protocol/error-codes.js';

/** Kafka answers INVALID_REQUEST for every config resource named more than once in one request. */
export function duplicateResourceError<T extends { resourceType: number; resourceName: string }>(resources: readonly T[]): (r: T) => { errorCode: number; errorMessage: string } | null {
  const counts = new Map<string, number>();
  const key = (r: T) => `${r.resourceType}:${r.resourceName}`;
  for (const r of resources) counts.set(key(r), (counts.get(key(r)) ?? 0) + 1);
  return (r) => (counts.get(key(r))! > 1 ? { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate resource.' } : null);
}
