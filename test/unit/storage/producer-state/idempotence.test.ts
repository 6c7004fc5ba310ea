import { describe, expect, it } from 'vitest';
import { ErrorCode as E } from '../../../../src/protocol/error-codes.js';
import { batch } from './helpers.js';
import { FakeLog, expectAppend, expectError, newManager } from './setup.js';

const PID = 1000n;
const MAX = 2147483647;

function logWithBatches(n: number, size = 2) {
  const { psm } = newManager();
  const log = new FakeLog(psm);
  for (let i = 0; i < n; i++) log.ok({ producerId: PID, epoch: 0, baseSequence: i * size, count: size, maxTimestamp: 1000n + BigInt(i) });
  return { psm, log };
}

describe('idempotent producer validation', () => {
  it('accepts in-order batches and records them', () => {
    const { psm, log } = logWithBatches(3);
    const entry = psm.lastEntry(PID)!;
    expect(entry.producerEpoch).toBe(0);
    expect(entry.firstSeq).toBe(0);
    expect(entry.lastSeq).toBe(5);
    expect(entry.lastDataOffset).toBe(5n);
    expect(entry.lastTimestamp).toBe(1002n);
    expect(psm.mapEndOffset()).toBe(6n);
    expect(log.nextOffset).toBe(6n);
  });

  it('answers a duplicate of any of the last 5 batches with its original offsets and appends nothing', () => {
    const { psm, log } = logWithBatches(7);
    // batches 2..6 (sequences 4..13) are retained; batch k sits at offsets 2k..2k+1
    for (let k = 2; k < 7; k++) {
      const r = psm.prepareAppend(batch({ producerId: PID, epoch: 0, baseSequence: 2 * k, count: 2 }));
      expect(r).toMatchObject({ kind: 'duplicate', firstOffset: BigInt(2 * k), lastOffset: BigInt(2 * k + 1), timestamp: 1000n + BigInt(k) });
    }
    expect(psm.lastEntry(PID)!.batchMetadata()).toHaveLength(5);
    expect(log.nextOffset).toBe(14n);
  });

  it('treats a duplicate of the 6th batch back as out of order', () => {
    const { psm } = logWithBatches(7);
    expectError(psm.prepareAppend(batch({ producerId: PID, epoch: 0, baseSequence: 2, count: 2 })), E.OUT_OF_ORDER_SEQUENCE_NUMBER);
  });

  it('needs the exact sequence range for a duplicate; a partial overlap is out of order', () => {
    const { psm } = logWithBatches(3);
    expectError(psm.prepareAppend(batch({ producerId: PID, epoch: 0, baseSequence: 2, count: 1 })), E.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expectError(psm.prepareAppend(batch({ producerId: PID, epoch: 0, baseSequence: 2, count: 3 })), E.OUT_OF_ORDER_SEQUENCE_NUMBER);
  });

  it('rejects a gap with OUT_OF_ORDER_SEQUENCE_NUMBER and leaves the state alone', () => {
    const { psm } = logWithBatches(2);
    expectError(psm.prepareAppend(batch({ producerId: PID, epoch: 0, baseSequence: 5 })), E.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(psm.lastEntry(PID)!.lastSeq).toBe(3);
    expectAppend(psm.prepareAppend(batch({ producerId: PID, epoch: 0, baseSequence: 4 })));
  });

  it('a failed append (prepared, never committed) changes nothing', () => {
    const { psm, log } = logWithBatches(1);
    expectAppend(psm.prepareAppend(batch({ producerId: PID, epoch: 0, baseSequence: 2, count: 2 })));
    expect(psm.lastEntry(PID)!.lastSeq).toBe(1);
    expect(psm.mapEndOffset()).toBe(2n);
    log.ok({ producerId: PID, epoch: 0, baseSequence: 2, count: 2 });
    expect(psm.lastEntry(PID)!.lastSeq).toBe(3);
  });

  it('refuses to commit an append validated against older state', () => {
    const { psm, log } = logWithBatches(1);
    const stale = expectAppend(psm.prepareAppend(batch({ producerId: PID, epoch: 0, baseSequence: 2 })));
    log.ok({ producerId: PID, epoch: 0, baseSequence: 2 });
    expect(() => psm.commitAppend(stale, 10n, 10n, 0n)).toThrow(/changed between/);
  });

  it('an epoch bump must start at sequence 0 and clears the retained batches', () => {
    const { psm, log } = logWithBatches(3);
    expectError(psm.prepareAppend(batch({ producerId: PID, epoch: 1, baseSequence: 6 })), E.OUT_OF_ORDER_SEQUENCE_NUMBER);
    log.ok({ producerId: PID, epoch: 1, baseSequence: 0, count: 3 });
    const entry = psm.lastEntry(PID)!;
    expect(entry.producerEpoch).toBe(1);
    expect(entry.batchMetadata()).toHaveLength(1);
    expect(entry.lastSeq).toBe(2);
    // an old-epoch retry of a batch retained before the bump is not a duplicate any more: fenced
    expectError(psm.prepareAppend(batch({ producerId: PID, epoch: 0, baseSequence: 4, count: 2 })), E.INVALID_PRODUCER_EPOCH);
  });

  it('fences an older epoch with INVALID_PRODUCER_EPOCH, transactional or not', () => {
    const { psm } = newManager();
    new FakeLog(psm).ok({ producerId: PID, epoch: 5, baseSequence: 0 });
    expectError(psm.prepareAppend(batch({ producerId: PID, epoch: 4, baseSequence: 1 })), E.INVALID_PRODUCER_EPOCH);
    expectError(psm.prepareAppend(batch({ producerId: PID, epoch: 4, baseSequence: 0, transactional: true })), E.INVALID_PRODUCER_EPOCH);
    // coordinator-origin appends are epoch-checked too
    expectError(psm.prepareAppend(batch({ producerId: PID, epoch: 4, baseSequence: 0 }), { origin: 'coordinator' }), E.INVALID_PRODUCER_EPOCH);
  });

  it('accepts any sequence from an unknown producer (KIP-360, state removed by retention)', () => {
    const { psm } = newManager();
    const log = new FakeLog(psm);
    log.ok({ producerId: PID, epoch: 3, baseSequence: 500, count: 10 });
    expect(psm.lastEntry(PID)!.lastSeq).toBe(509);
    expectError(psm.prepareAppend(batch({ producerId: PID, epoch: 3, baseSequence: 511 })), E.OUT_OF_ORDER_SEQUENCE_NUMBER);
    log.ok({ producerId: PID, epoch: 3, baseSequence: 510 });
  });

  it('wraps the sequence at Int32.MAX_VALUE', () => {
    const { psm } = newManager();
    const log = new FakeLog(psm);
    log.ok({ producerId: PID, epoch: 0, baseSequence: MAX - 2, count: 2 }); // MAX-2..MAX-1
    log.ok({ producerId: PID, epoch: 0, baseSequence: MAX, count: 3 }); // MAX, 0, 1
    expect(psm.lastEntry(PID)!.lastSeq).toBe(1);
    expect(psm.prepareAppend(batch({ producerId: PID, epoch: 0, baseSequence: MAX, count: 3 }))).toMatchObject({
      kind: 'duplicate', firstOffset: 2n, lastOffset: 4n,
    });
    expectError(psm.prepareAppend(batch({ producerId: PID, epoch: 0, baseSequence: 0 })), E.OUT_OF_ORDER_SEQUENCE_NUMBER);
    log.ok({ producerId: PID, epoch: 0, baseSequence: 2 });
  });

  it('accepts 0 right after Int32.MAX_VALUE', () => {
    const { psm } = newManager();
    const log = new FakeLog(psm);
    log.ok({ producerId: PID, epoch: 0, baseSequence: MAX - 1, count: 2 });
    log.ok({ producerId: PID, epoch: 0, baseSequence: 0 });
  });

  it('keeps producers apart', () => {
    const { psm } = newManager();
    const log = new FakeLog(psm);
    log.ok({ producerId: 1n, epoch: 0, baseSequence: 0 });
    log.ok({ producerId: 2n, epoch: 7, baseSequence: 0 });
    log.ok({ producerId: 1n, epoch: 0, baseSequence: 1 });
    expect(psm.producerIdCount).toBe(2);
    expect(psm.lastEntry(2n)!.producerEpoch).toBe(7);
  });

  it('does not track batches without a producer id but still moves the map end offset', () => {
    const { psm } = newManager();
    const info = expectAppend(psm.prepareAppend(batch({ producerId: -1n, epoch: -1, baseSequence: -1, count: 4 })));
    expect(info.hasProducerId).toBe(false);
    expect(psm.commitAppend(info, 0n, 3n, 5n)).toBeNull();
    expect(psm.producerIdCount).toBe(0);
    expect(psm.mapEndOffset()).toBe(4n);
  });

  it('skips sequence checks for coordinator appends and all checks for replication', () => {
    const { psm } = newManager();
    const log = new FakeLog(psm);
    log.ok({ producerId: PID, epoch: 2, baseSequence: 0 });
    log.ok({ producerId: PID, epoch: 2, baseSequence: 40 }, { origin: 'coordinator' });
    log.ok({ producerId: PID, epoch: 1, baseSequence: 7 }, { origin: 'replication' });
    expect(psm.lastEntry(PID)!.producerEpoch).toBe(1);
    // replication does not look for duplicates either
    log.ok({ producerId: PID, epoch: 1, baseSequence: 7 }, { origin: 'replication' });
    expect(psm.lastEntry(PID)!.batchMetadata()).toHaveLength(2);
  });
});
