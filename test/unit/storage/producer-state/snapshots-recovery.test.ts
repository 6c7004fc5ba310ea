import { describe, expect, it } from 'vitest';
import { ErrorCode as E } from '../../../../src/protocol/error-codes.js';
import {
  ControlType,
  ProducerStateManager,
  producerSnapshotFileName,
} from '../../../../src/storage/producer-state/index.js';
import { FakeClock, MemFs, batch } from './helpers.js';
import { DIR, FakeLog, expectError, newManager } from './setup.js';

const PID = 42n;

function snap(offset: bigint): string {
  return `${DIR}/${producerSnapshotFileName(offset)}`;
}

/** A broker restart: a fresh manager over the same files. */
function restart(fs: MemFs, clock: FakeClock): ProducerStateManager {
  return new ProducerStateManager({ dir: DIR, fs, time: clock.time });
}

/** Replay the fake log from `from` as recovery does. */
function replay(psm: ProducerStateManager, log: FakeLog, from: bigint, to = log.nextOffset): void {
  for (const { spec, baseOffset } of log.appended) {
    if (baseOffset >= from && baseOffset < to) psm.rebuildFromBatch(batch({ ...spec, baseOffset }));
  }
  psm.updateMapEndOffset(to);
}

describe('producer state snapshots and recovery', () => {
  it('takes a snapshot at the map end offset, once', () => {
    const { psm, fs } = newManager();
    const log = new FakeLog(psm);
    log.ok({ producerId: PID, epoch: 0, baseSequence: 0, count: 3 });
    expect(psm.takeSnapshot()).toBe(snap(3n));
    expect(psm.takeSnapshot()).toBeNull();
    expect(fs.names(DIR)).toEqual(['00000000000000000003.snapshot']);
    // segment roll: the snapshot offset is the new segment's base offset
    psm.updateMapEndOffset(10n);
    expect(psm.takeSnapshot()).toBe(snap(10n));
    expect(psm.snapshotOffsets()).toEqual([3n, 10n]);
    expect(psm.latestSnapshotOffset()).toBe(10n);
    expect(psm.oldestSnapshotOffset()).toBe(3n);
  });

  it('round-trips through a restart: the last batch is still detected as a duplicate', () => {
    const { psm, fs, clock } = newManager();
    const log = new FakeLog(psm);
    for (let i = 0; i < 4; i++) log.ok({ producerId: PID, epoch: 2, baseSequence: i * 2, count: 2, maxTimestamp: BigInt(clock.nowMs + i) });
    psm.takeSnapshot();

    const again = restart(fs, clock);
    expect(again.producerIdCount).toBe(0); // nothing loaded until truncateAndReload
    again.truncateAndReload(0n, 8n);
    expect(again.mapEndOffset()).toBe(8n);
    const e = again.lastEntry(PID)!;
    expect(e.producerEpoch).toBe(2);
    expect(e.lastSeq).toBe(7);
    expect(e.lastDataOffset).toBe(7n);
    expect(again.prepareAppend(batch({ producerId: PID, epoch: 2, baseSequence: 6, count: 2 }))).toMatchObject({
      kind: 'duplicate', firstOffset: 6n, lastOffset: 7n,
    });
    // as in Kafka, only the last batch survives a snapshot
    expectError(again.prepareAppend(batch({ producerId: PID, epoch: 2, baseSequence: 4, count: 2 })), E.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(again.prepareAppend(batch({ producerId: PID, epoch: 2, baseSequence: 8 })).kind).toBe('append');
  });

  it('drops producers that expired while the broker was down', () => {
    const { psm, fs, clock } = newManager();
    const log = new FakeLog(psm);
    log.ok({ producerId: 1n, epoch: 0, baseSequence: 0, maxTimestamp: BigInt(clock.nowMs) });
    log.ok({ producerId: 2n, epoch: 0, baseSequence: 0, maxTimestamp: BigInt(clock.nowMs + 3_600_000) });
    psm.takeSnapshot();
    clock.advance(86_400_000);
    const again = restart(fs, clock);
    again.truncateAndReload(0n, 2n);
    expect([...again.activeProducers().keys()]).toEqual([2n]);
  });

  it('deletes a corrupt snapshot and rebuilds from an earlier one plus the log', () => {
    const { psm, fs, clock } = newManager();
    const log = new FakeLog(psm);
    log.ok({ producerId: PID, epoch: 0, baseSequence: 0, count: 2 }); // 0..1
    psm.takeSnapshot(); // at 2
    log.ok({ producerId: PID, epoch: 0, baseSequence: 2, count: 2 }); // 2..3
    log.ok({ producerId: 7n, epoch: 1, baseSequence: 0 }); // 4
    psm.takeSnapshot(); // at 5
    const bytes = fs.files.get(snap(5n))!;
    bytes[bytes.length - 1]! ^= 0xff;

    const warnings: string[] = [];
    const again = new ProducerStateManager({ dir: DIR, fs, time: clock.time, logger: { info() {}, warn: (m) => warnings.push(m) } });
    again.truncateAndReload(0n, 5n);
    expect(warnings.join()).toMatch(/CRC/);
    expect(fs.existsSync(snap(5n))).toBe(false);
    expect(again.mapEndOffset()).toBe(2n);
    replay(again, log, again.mapEndOffset());
    expect(again.lastEntry(PID)!.lastSeq).toBe(3);
    expect(again.lastEntry(PID)!.batchMetadata()).toHaveLength(2);
    expect(again.lastEntry(7n)!.producerEpoch).toBe(1);
    expect(again.mapEndOffset()).toBe(5n);
    expect(again.takeSnapshot()).toBe(snap(5n));
  });

  it('with every snapshot corrupt, starts empty at the log start offset and rebuilds from the log', () => {
    const { psm, fs, clock } = newManager();
    const log = new FakeLog(psm);
    for (let i = 0; i < 6; i++) log.ok({ producerId: PID, epoch: 0, baseSequence: i, maxTimestamp: BigInt(clock.nowMs) });
    psm.takeSnapshot();
    fs.files.set(snap(6n), Buffer.from([0, 1, 0, 0]));
    const again = restart(fs, clock);
    again.truncateAndReload(0n, 6n);
    expect(again.producerIdCount).toBe(0);
    expect(again.mapEndOffset()).toBe(0n);
    expect(fs.names(DIR)).toEqual([]);
    replay(again, log, 0n);
    // all 5 retained batches are back, so retries of any of them are duplicates
    for (let i = 1; i < 6; i++) {
      expect(again.prepareAppend(batch({ producerId: PID, epoch: 0, baseSequence: i }))).toMatchObject({ kind: 'duplicate', firstOffset: BigInt(i) });
    }
    expectError(again.prepareAppend(batch({ producerId: PID, epoch: 0, baseSequence: 0 })), E.OUT_OF_ORDER_SEQUENCE_NUMBER);
  });

  it('truncateAndReload removes snapshots above the log end offset and at or below the log start offset', () => {
    const { psm, fs, clock } = newManager();
    const log = new FakeLog(psm);
    for (let i = 0; i < 4; i++) {
      log.ok({ producerId: PID, epoch: 0, baseSequence: i, count: 1, maxTimestamp: BigInt(clock.nowMs) });
      psm.takeSnapshot(); // 1, 2, 3, 4
    }
    // truncate the log to offset 3 (e.g. a follower truncating to the leader's epoch end offset)
    psm.truncateAndReload(1n, 3n);
    expect(psm.snapshotOffsets()).toEqual([2n, 3n]);
    expect(fs.names(DIR)).toEqual(['00000000000000000002.snapshot', '00000000000000000003.snapshot']);
    expect(psm.mapEndOffset()).toBe(3n);
    expect(psm.lastEntry(PID)!.lastSeq).toBe(2);
    // the producer resends the truncated batch: accepted, not a duplicate
    expect(psm.prepareAppend(batch({ producerId: PID, epoch: 0, baseSequence: 3 })).kind).toBe('append');
  });

  it('truncateAndReload keeps the in-memory state when the state already ends at the log end offset', () => {
    const { psm } = newManager();
    const log = new FakeLog(psm);
    log.ok({ producerId: PID, epoch: 0, baseSequence: 0, count: 5 });
    psm.takeSnapshot();
    log.ok({ producerId: PID, epoch: 0, baseSequence: 5, count: 5 });
    psm.truncateAndReload(0n, 10n);
    expect(psm.lastEntry(PID)!.batchMetadata()).toHaveLength(2);
    expect(psm.mapEndOffset()).toBe(10n);
  });

  it('rebuilds transactions from markers during recovery and reports the LSO for the txn index', () => {
    const { psm, fs, clock } = newManager();
    psm.truncateAndReload(0n, 0n);
    expect(psm.rebuildFromBatch(batch({ baseOffset: 0n, producerId: 1n, epoch: 0, baseSequence: 0, count: 2, transactional: true }))).toBeNull();
    psm.rebuildFromBatch(batch({ baseOffset: 2n, producerId: 2n, epoch: 0, baseSequence: 0, transactional: true }));
    const done = psm.rebuildFromBatch(batch({ baseOffset: 3n, producerId: 1n, epoch: 0, baseSequence: -1, transactional: true, control: true }),
      undefined, { controlType: ControlType.ABORT, coordinatorEpoch: 0 });
    expect(done).toEqual({ producerId: 1n, firstOffset: 0n, lastOffset: 3n, isAborted: true, lastStableOffset: 2n });
    expect(psm.firstUndecidedOffset()).toBe(2n);
    expect(psm.mapEndOffset()).toBe(4n);
    // a snapshot keeps the open transaction
    psm.takeSnapshot();
    const again = restart(fs, clock);
    again.truncateAndReload(0n, 4n);
    expect(again.lastEntry(2n)!.currentTxnFirstOffset).toBe(2n);
    expect(again.lastEntry(1n)!.currentTxnFirstOffset).toBeNull();
    expect(again.firstUndecidedOffset()).toBe(2n);
    // truncateFullyAndReloadSnapshots deletes every snapshot first, as Kafka's does
    again.truncateFullyAndReloadSnapshots();
    expect(again.producerIdCount).toBe(0);
    expect(again.snapshotOffsets()).toEqual([]);
  });

  it('removes stray snapshots, keeping the largest one above every segment', () => {
    const fs = new MemFs();
    fs.mkdir(DIR);
    for (const o of [0n, 5n, 7n, 10n, 20n]) fs.writeFileSync(snap(o), Buffer.alloc(0));
    const psm = new ProducerStateManager({ dir: DIR, fs });
    psm.removeStraySnapshots([0n, 10n]);
    expect(psm.snapshotOffsets()).toEqual([0n, 10n, 20n]);
    psm.removeStraySnapshots([0n, 10n, 30n]);
    expect(psm.snapshotOffsets()).toEqual([0n, 10n]);
    expect(fs.names(DIR)).toEqual(['00000000000000000000.snapshot', '00000000000000000010.snapshot']);
  });

  it('deletes snapshots before an offset and marks segment snapshots for deletion', () => {
    const { psm, fs } = newManager();
    for (const o of [1n, 2n, 3n]) {
      psm.updateMapEndOffset(o);
      psm.takeSnapshot();
    }
    psm.deleteSnapshotsBefore(2n);
    expect(psm.snapshotOffsets()).toEqual([2n, 3n]);
    expect(psm.removeAndMarkSnapshotForDeletion(2n)).toBe(snap(2n) + '.deleted');
    expect(psm.removeAndMarkSnapshotForDeletion(2n)).toBeUndefined();
    expect(fs.names(DIR)).toEqual(['00000000000000000002.snapshot.deleted', '00000000000000000003.snapshot']);
    psm.truncateFullyAndStartAt(50n);
    expect(psm.mapEndOffset()).toBe(50n);
    expect(fs.names(DIR)).toEqual(['00000000000000000002.snapshot.deleted']);
  });

  it('ignores a missing directory and cleans up a half-written snapshot', () => {
    const fs = new MemFs();
    const missing = new ProducerStateManager({ dir: '/nowhere', fs });
    expect(missing.snapshotOffsets()).toEqual([]);
    fs.mkdir(DIR);
    fs.writeFileSync(snap(9n) + '.tmp', Buffer.from([1, 2]));
    new ProducerStateManager({ dir: DIR, fs });
    expect(fs.names(DIR)).toEqual([]);
  });
});
