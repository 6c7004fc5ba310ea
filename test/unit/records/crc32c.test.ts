import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32c, crc32cImplementation } from '../../../src/protocol/crc32c.js';
import { crc32 } from '../../../src/protocol/records/crc32.js';

/** Bitwise reference implementation (reflected 0x82F63B78). */
function referenceCrc32c(buf: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of buf) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

describe('crc32c', () => {
  it('matches the published CRC-32C check values', () => {
    // RFC 3720 appendix B.4 test vectors and the standard "123456789" check value.
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(32, 0x00))).toBe(0x8a9136aa);
    expect(crc32c(Buffer.alloc(32, 0xff))).toBe(0x62a8ab43);
    expect(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => i)))).toBe(0x46dd794e);
    expect(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => 31 - i)))).toBe(0x113fdb5c);
    expect(crc32c(Buffer.from('The quick brown fox jumps over the lazy dog'))).toBe(0x22620404);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
  });

  it('is unsigned', () => {
    expect(crc32c(Buffer.from('123456789'))).toBeGreaterThan(0x7fffffff);
  });

  it('honours start and end on subarrays with a non-zero byteOffset', () => {
    const buf = Buffer.from('xx123456789yy');
    expect(crc32c(buf, 2, 11)).toBe(0xe3069283);
    expect(crc32c(buf.subarray(1), 1, 10)).toBe(0xe3069283);
  });

  it('agrees with a bitwise reference on random data', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(300), fc.nat(300), (bytes, a, b) => {
        const buf = Buffer.from(bytes);
        const start = Math.min(a, b, buf.length);
        const end = Math.min(Math.max(a, b), buf.length);
        expect(crc32c(buf, start, end)).toBe(referenceCrc32c(buf.subarray(start, end)));
      }),
    );
  });

  it('agrees with the reference on a 1 MiB batch-sized buffer', () => {
    const buf = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < buf.length; i++) buf[i] = (i * 2654435761) >>> 24;
    expect(crc32c(buf)).toBe(referenceCrc32c(buf));
    expect(crc32c(buf, 21, buf.length - 5)).toBe(referenceCrc32c(buf.subarray(21, buf.length - 5)));
  });

  it('reports which implementation is active (the native sse4.2 one on linux x64)', () => {
    expect(['sse4.2-native', 'native-table', 'javascript']).toContain(crc32cImplementation());
    if (process.platform === 'linux' && process.arch === 'x64') expect(crc32cImplementation()).toBe('sse4.2-native');
  });
});

describe('crc32 (legacy messages)', () => {
  it('matches the CRC-32 check values', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(Buffer.from('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
    expect(crc32(Buffer.alloc(0))).toBe(0);
  });
});
