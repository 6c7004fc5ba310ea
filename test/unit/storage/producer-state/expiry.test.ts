import { describe, expect, it } from 'vitest';
import { batch } from './helpers.js';
import { FakeLog, newManager } from './setup.js';

describe('producer id expiration', () => {
  it('expires producers idle for producer.id.expiration.ms (default one day) measured from their last batch timestamp', () => {
    const { psm, clock } = newManager();
    const log = new FakeLog(psm);
    clock.nowMs = 100_000;
    log.ok({ producerId: 1n, epoch: 0, baseSequence: 0, maxTimestamp: 100_000n });
    log.ok({ producerId: 2n, epoch: 0, baseSequence: 0, maxTimestamp: 150_000n });
    expect(psm.removeExpiredProducers(100_000 + 86_400_000 - 1)).toEqual([]);
    expect(psm.removeExpiredProducers(100_000 + 86_400_000)).toEqual([1n]);
    expect(psm.lastEntry(1n)).toBeUndefined();
    expect(psm.lastEntry(2n)).toBeDefined();
    // the clock is the default
    clock.nowMs = 150_000 + 86_400_000;
    expect(psm.removeExpiredProducers()).toEqual([2n]);
    // an expired producer is unknown again: any sequence is accepted
    expect(psm.prepareAppend(batch({ producerId: 1n, epoch: 0, baseSequence: 77 })).kind).toBe('append');
  });

  it('never expires a producer with an open transaction', () => {
    const { psm } = newManager(undefined, undefined, 1000);
    new FakeLog(psm).ok({ producerId: 1n, epoch: 0, baseSequence: 0, transactional: true, maxTimestamp: 0n });
    expect(psm.removeExpiredProducers(10_000_000)).toEqual([]);
  });

  it('honours a changed producer.id.expiration.ms', () => {
    const { psm } = newManager();
    new FakeLog(psm).ok({ producerId: 1n, epoch: 0, baseSequence: 0, maxTimestamp: 0n });
    psm.producerIdExpirationMs = 10;
    expect(psm.removeExpiredProducers(10)).toEqual([1n]);
  });
});
