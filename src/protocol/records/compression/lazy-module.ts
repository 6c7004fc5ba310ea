import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A codec's native module, loaded on first use: each maps several MB (snappy ~7, lz4-napi ~5,
 * zstd ~3 of RSS) that a broker without such compressed traffic never needs.
 */
export function lazyModule<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(name) as T);
}
