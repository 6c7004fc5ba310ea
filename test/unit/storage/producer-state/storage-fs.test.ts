import { describe, expect, it } from 'vitest';
import { MemoryStorageFs } from '../../../../src/storage/fs/memory-fs.js';
import { ProducerStateManager } from '../../../../src/storage/producer-state/index.js';
import { batch } from './helpers.js';

const DIR = '/logs/t-0';
const PID = 9n;

function append(psm: ProducerStateManager, seq: number, offset: bigint): void {
  const r = psm.prepareAppend(batch({ producerId: PID, epoch: 0, baseSequence: seq }));
  if (r.kind !== 'append') throw new Error(r.kind);
  psm.commitAppend(r, offset, offset, 1000n);
}

describe('producer state on the project StorageFs', () => {
  it('writes, fsyncs and reloads snapshots through MemoryStorageFs, surviving a crash', () => {
    const fs = new MemoryStorageFs(() => 0);
    fs.mkdir(DIR);
    const psm = new ProducerStateManager({ dir: DIR, fs, time: () => 0 });
    append(psm, 0, 0n);
    expect(psm.takeSnapshot()).toBe(`${DIR}/00000000000000000001.snapshot`);
    expect(fs.readdir(DIR)).toEqual(['00000000000000000001.snapshot']);
    fs.crash();
    const again = new ProducerStateManager({ dir: DIR, fs, time: () => 0 });
    again.truncateAndReload(0n, 1n);
    expect(again.lastEntry(PID)!.lastSeq).toBe(0);
  });

  it('an unsynced snapshot lost in a crash falls back to the previous one', () => {
    const fs = new MemoryStorageFs(() => 0);
    fs.mkdir(DIR);
    const psm = new ProducerStateManager({ dir: DIR, fs, time: () => 0 });
    append(psm, 0, 0n);
    psm.takeSnapshot(); // at 1, synced
    append(psm, 1, 1n);
    const path = psm.takeSnapshot({ sync: false })!; // at 2, never flushed
    fs.crash(); // the name survives, the bytes do not
    expect(fs.readFile(path).length).toBe(0);
    const again = new ProducerStateManager({ dir: DIR, fs, time: () => 0 });
    again.truncateAndReload(0n, 2n);
    expect(again.mapEndOffset()).toBe(1n);
    expect(fs.exists(path)).toBe(false);
    again.rebuildFromBatch(batch({ baseOffset: 1n, producerId: PID, epoch: 0, baseSequence: 1 }));
    expect(again.lastEntry(PID)!.lastSeq).toBe(1);
  });

  it('flushSnapshot makes a deferred snapshot durable', () => {
    const fs = new MemoryStorageFs(() => 0);
    fs.mkdir(DIR);
    const psm = new ProducerStateManager({ dir: DIR, fs, time: () => 0 });
    append(psm, 0, 0n);
    const path = psm.takeSnapshot({ sync: false })!;
    psm.flushSnapshot(path);
    fs.crash();
    const again = new ProducerStateManager({ dir: DIR, fs, time: () => 0 });
    again.truncateAndReload(0n, 1n);
    expect(again.mapEndOffset()).toBe(1n);
    expect(again.producerIdCount).toBe(1);
  });
});
