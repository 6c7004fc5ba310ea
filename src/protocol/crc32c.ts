/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of RecordBatch v2
 * (bytes 21..end of the batch, see records/batch-header.ts).
 *
 * Backed by fast-crc32c, which loads the native `sse4_crc32` addon when it compiled at install
 * time and otherwise silently falls back to a JavaScript table (about 15x slower). The addon
 * itself uses the SSE4.2 crc32 instruction when the CPU has it and a C table otherwise.
 * crc32cImplementation() tells which one is active so the broker can log it at startup.
 */
import { createRequire } from 'node:module';

interface Crc32cModule {
  calculate(data: Buffer | string, initial?: number): number;
}

const require = createRequire(import.meta.url);
const active = require('fast-crc32c') as Crc32cModule;
const calculate = active.calculate;

export type Crc32cImplementation = 'sse4.2-native' | 'native-table' | 'javascript';

const implementation: Crc32cImplementation = detectImplementation();

function detectImplementation(): Crc32cImplementation {
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

/** Which CRC-32C implementation fast-crc32c loaded ('javascript' is the slow fallback). */
export function crc32cImplementation(): Crc32cImplementation {
  return implementation;
}
