import { describe, expect, it } from 'vitest';
import { decrementSequence, incrementSequence, inSequence } from '../../../../src/storage/producer-state/index.js';
import { batch } from './helpers.js';

const MAX = 2147483647;

describe('sequence arithmetic', () => {
  it('wraps from Int32.MAX_VALUE to 0', () => {
    expect(incrementSequence(MAX, 1)).toBe(0);
    expect(incrementSequence(MAX - 1, 3)).toBe(1);
    expect(incrementSequence(5, 3)).toBe(8);
    expect(decrementSequence(0, 1)).toBe(MAX);
    expect(decrementSequence(1, 3)).toBe(MAX - 1);
    expect(decrementSequence(8, 3)).toBe(5);
  });

  it('inSequence accepts the next number, 0 after MAX, and 0 after "no sequence"', () => {
    expect(inSequence(4, 5)).toBe(true);
    expect(inSequence(4, 6)).toBe(false);
    expect(inSequence(4, 4)).toBe(false);
    expect(inSequence(MAX, 0)).toBe(true);
    expect(inSequence(-1, 0)).toBe(true);
    expect(inSequence(-1, 1)).toBe(false);
  });

  it('BatchHeader.lastSequence wraps the same way', () => {
    expect(batch({ baseSequence: MAX - 1, count: 4 }).lastSequence).toBe(1);
    expect(batch({ baseSequence: MAX, count: 1 }).lastSequence).toBe(MAX);
  });
});
