import { describe, expect, it } from 'vitest';
import { ErrorCode as E } from '../../../../src/protocol/error-codes.js';
import { ControlType } from '../../../../src/storage/producer-state/index.js';
import { batch } from './helpers.js';
import { FakeLog, expectAppend, expectError, newManager } from './setup.js';

const COMMIT = { controlType: ControlType.COMMIT, coordinatorEpoch: 3 };
const ABORT = { controlType: ControlType.ABORT, coordinatorEpoch: 3 };

describe('transactional producer state', () => {
  it('tracks the open transaction, completes it with a marker, and computes LSO', () => {
    const { psm } = newManager();
    const log = new FakeLog(psm);
    log.ok({ producerId: 1n, epoch: 0, baseSequence: 0, count: 2, transactional: true }); // 0..1
    log.ok({ producerId: 2n, epoch: 0, baseSequence: 0, transactional: true }); // 2
    log.ok({ producerId: 1n, epoch: 0, baseSequence: 2, transactional: true }); // 3
    expect(psm.lastEntry(1n)!.currentTxnFirstOffset).toBe(0n);
    expect(psm.firstUndecidedOffset()).toBe(0n);
    expect(psm.firstUnstableOffset()).toBe(0n);
    expect(psm.hasOngoingTransaction(1n, 0)).toBe(true);

    const marker = expectAppend(psm.prepareAppend(batch({ producerId: 1n, epoch: 0, baseSequence: -1, transactional: true, control: true }),
      { origin: 'coordinator', marker: COMMIT }));
    const done = psm.commitAppend(marker, 4n, 4n, 2000n);
    expect(done).toEqual({ producerId: 1n, firstOffset: 0n, lastOffset: 4n, isAborted: false });
    expect(psm.lastStableOffset(done!)).toBe(2n); // producer 2's transaction still open
    psm.completeTxn(done!);
    expect(psm.lastEntry(1n)!.currentTxnFirstOffset).toBeNull();
    expect(psm.lastEntry(1n)!.coordinatorEpoch).toBe(3);
    expect(psm.firstUndecidedOffset()).toBe(2n);
    expect(psm.firstUnstableOffset()).toBe(0n); // marker not yet below the high watermark
    psm.onHighWatermarkUpdated(5n);
    expect(psm.firstUnstableOffset()).toBe(2n);
    // the producer keeps its sequence across transactions at the same epoch (TV1)
    log.nextOffset = 5n;
    log.ok({ producerId: 1n, epoch: 0, baseSequence: 3, transactional: true });
    expect(psm.lastEntry(1n)!.currentTxnFirstOffset).toBe(5n);
  });

  it('rejects a non-transactional write while a transaction is open with INVALID_TXN_STATE', () => {
    const { psm } = newManager();
    new FakeLog(psm).ok({ producerId: 1n, epoch: 0, baseSequence: 0, transactional: true });
    expectError(psm.prepareAppend(batch({ producerId: 1n, epoch: 0, baseSequence: 1 })), E.INVALID_TXN_STATE);
  });

  it('fences markers from an older coordinator epoch or an older producer epoch', () => {
    const { psm } = newManager();
    const log = new FakeLog(psm);
    log.ok({ producerId: 1n, epoch: 4, baseSequence: 0, transactional: true });
    const control = batch({ producerId: 1n, epoch: 4, baseSequence: -1, transactional: true, control: true });
    const info = expectAppend(psm.prepareAppend(control, { origin: 'coordinator', marker: ABORT }));
    expect(psm.commitAppend(info, 1n, 1n, 0n)!.isAborted).toBe(true);
    expectError(psm.prepareAppend(control, { origin: 'coordinator', marker: { controlType: ControlType.ABORT, coordinatorEpoch: 2 } }),
      E.TRANSACTION_COORDINATOR_FENCED);
    expectError(psm.prepareAppend(batch({ producerId: 1n, epoch: 3, baseSequence: -1, transactional: true, control: true }),
      { origin: 'coordinator', marker: ABORT }), E.INVALID_PRODUCER_EPOCH);
    // a replica applies it anyway
    expectAppend(psm.prepareAppend(control, { origin: 'replication', marker: { controlType: ControlType.ABORT, coordinatorEpoch: 2 } }));
  });

  it('a marker with a bumped epoch resets sequences: the next batch must start at 0', () => {
    const { psm } = newManager();
    const log = new FakeLog(psm);
    log.ok({ producerId: 1n, epoch: 0, baseSequence: 0, count: 3, transactional: true });
    log.ok({ producerId: 1n, epoch: 1, baseSequence: -1, transactional: true, control: true }, { origin: 'coordinator', marker: ABORT });
    expect(psm.lastEntry(1n)!.producerEpoch).toBe(1);
    expect(psm.lastEntry(1n)!.isEmpty).toBe(true);
    expectError(psm.prepareAppend(batch({ producerId: 1n, epoch: 1, baseSequence: 3, transactional: true })), E.OUT_OF_ORDER_SEQUENCE_NUMBER);
    log.ok({ producerId: 1n, epoch: 1, baseSequence: 0, transactional: true });
  });

  it('reports a late transaction after transaction.max.timeout.ms + 5 minutes', () => {
    const { psm } = newManager();
    new FakeLog(psm).ok({ producerId: 1n, epoch: 0, baseSequence: 0, transactional: true, maxTimestamp: 10_000n });
    expect(psm.hasLateTransaction(10_000 + 900_000 + 300_000)).toBe(false);
    expect(psm.hasLateTransaction(10_000 + 900_000 + 300_001)).toBe(true);
  });
});
