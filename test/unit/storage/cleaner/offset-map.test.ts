import { describe, expect, it } from 'vitest';
import { lastDigest, murmur3x86128, OffsetMap } from '../../../../src/storage/cleaner/offset-map.js';

describe('OffsetMap', () => {
  it('hashes with MurmurHash3 x86_128 (SMHasher verification value 0xB3ECE62A)', () => {
    const key = new Uint8Array(256);
    const hashes = Buffer.alloc(16 * 256);
    for (let i = 0; i < 256; i++) {
      key[i] = i;
      murmur3x86128(key, 0, i, 256 - i);
      lastDigest().forEach((w, j) => hashes.writeUInt32LE(w, i * 16 + j * 4));
    }
    murmur3x86128(hashes, 0, hashes.length, 0);
    expect(lastDigest()[0]).toBe(0xb3ece62a);
  });

  it('keeps the latest offset per key, read from anywhere in a buffer', () => {
    const m = new OffsetMap(1000, 4);
    const buf = Buffer.from('xxalphaxxbetaxx');
    m.put(buf, 2, 5, 10);
    m.put(buf, 9, 4, 11);
    m.put(Buffer.from('alpha'), 0, 5, 12);
    expect(m.get(Buffer.from('alpha'), 0, 5)).toBe(12);
    expect(m.get(Buffer.from('beta'), 0, 4)).toBe(11);
    expect(m.get(Buffer.from('gamma'), 0, 5)).toBe(-1);
    expect(m.get(Buffer.alloc(0), 0, 0)).toBe(-1);
    expect(m.size).toBe(2);
    expect(m.latestOffset).toBe(12);
  });

  it('grows by doubling up to its maximum, keeping every entry, yielding between chunks', async () => {
    const m = new OffsetMap(1 << 12, 16);
    let yields = 0;
    for (let i = 0; i < 3000; i++) {
      if (m.needsGrowth(0.75)) await m.grow(() => void yields++, 64);
      const k = Buffer.from(`key-${i}`);
      m.put(k, 0, k.length, i);
    }
    expect(m.slots).toBe(1 << 12);
    expect(m.needsGrowth(0.75)).toBe(false); // at its maximum
    expect(yields).toBeGreaterThan(0);
    for (let i = 0; i < 3000; i++) {
      const k = Buffer.from(`key-${i}`);
      expect(m.get(k, 0, k.length)).toBe(i);
    }
  });

  it('refuses to fill its last slot', () => {
    const m = new OffsetMap(4, 4);
    for (let i = 0; i < 3; i++) m.put(Buffer.from([i]), 0, 1, i);
    expect(() => m.put(Buffer.from([9]), 0, 1, 9)).toThrow(RangeError);
  });
});
