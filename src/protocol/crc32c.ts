/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of RecordBatch v2
 * (bytes 21..end of the batch, see records/batch-header.ts).
 *
 * Backed by @node-rs/crc32 (prebuilt N-API binaries from the npm registry, SIMD: ~28 GB/s on 1 MiB
 * here) and, on a platform without a prebuilt binary, by fast-crc32c (~10 GB/s when its native
 * `sse4_crc32` addon compiled at install, else a JavaScript table about 15x slower still).
 * crc32cImplementation() tells which one is active so the broker can log it at startup.
 */
import { createRequire } from 'node:module';

type Calculate = (data: Buffer) => number;

export type Crc32cImplementation = 'node-rs-simd' | 'sse4.2-native' | 'native-table' | 'javascript';

const require = createRequire(import.meta.url);
const { calculate, implementation } = load();

function load(): { calculate: Calculate; implementation: Crc32cImplementation } {
  try {
    const nodeRs = require('@node-rs/crc32') as { crc32c(data: Buffer, initial?: number): number };
    return { calculate: (data) => nodeRs.crc32c(data), implementation: 'node-rs-simd' };
  } catch {
    const fast = require('fast-crc32c') as { calculate(data: Buffer, initial?: number): number };
    return { calculate: (data) => fast.calculate(data), implementation: fastCrc32cImplementation(fast) };
  }
}

function fastCrc32cImplementation(active: unknown): Crc32cImplementation {
  let jsImpl: unknown;
  try {
    jsImpl = require('fast-crc32c/impls/js_crc32c');
  } catch {
    jsImpl = undefined;
  }
  if (active === jsImpl) return 'javascript';
  try {
    const native = require('sse4_crc32') as { hardware_support?: boolean };
    return native.hardware_support === false ? 'native-table' : 'sse4.2-native';
  } catch {
    return 'javascript';
  }
}

/** Unsigned CRC-32C of buf[start, end). */
export function crc32c(buf: Buffer, start = 0, end = buf.length): number {
  const view = start === 0 && end === buf.length ? buf : buf.subarray(start, end);
  return calculate(view) >>> 0;
}

/** Which CRC-32C implementation is active ('javascript' is the slow fallback). */
export function crc32cImplementation(): Crc32cImplementation {
  return implementation;
}
