/**
 * A power loss at every step of a cleaning (every write, fsync, rename and unlink the cleaner
 * makes, including each step of the `.cleaned` -> `.swap` -> live protocol) leaves a log that
 * loads, holds only original records at their original offsets, still has every record of the
 * cleaned result and the latest value of every key, and cleans again to the same result.
 */
import { describe, expect, it } from 'vitest';
import { MemoryStorageFs } from '../../../../src/storage/fs/memory-fs.js';
import type { StorageFs } from '../../../../src/storage/fs/storage-fs.js';
import { DIR, latestByKey, readAll, setupCleaner, type Harness, type ReadRecord } from './helpers.js';

class Crash extends Error {}

const MUTATIONS = new Set(['append', 'truncate', 'fsync', 'fsyncAsync', 'fsyncDir', 'rename', 'unlink', 'writeFile', 'open', 'mkdir', 'rmdir']);

/** A StorageFs that counts mutating calls once armed and simulates a power loss at call number `crashAt`. */
function crashingFs(mem: MemoryStorageFs, state: { armed: boolean; calls: number; crashAt: number; ops: string[] }): StorageFs {
  return new Proxy(mem, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (state.armed && MUTATIONS.has(String(prop))) {
          state.calls++;
          state.ops.push(`${String(prop)} ${typeof args[0] === 'string' ? args[0].replace(`${DIR}/`, '') : ''}`);
          if (state.calls === state.crashAt) {
            state.armed = false;
            target.crash();
            throw new Crash(`crash at ${String(prop)}`);
          }
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as unknown as StorageFs;
}

async function prepare(state: { armed: boolean; calls: number; crashAt: number; ops: string[] }): Promise<{ h: Harness; before: ReadRecord[] }> {
  let wrapped: StorageFs | undefined;
  const h = setupCleaner({ segmentBytes: 700 }, { deleteRetentionMs: 0, minCleanableRatio: 0.01 }, {}, (mem) => (wrapped = crashingFs(mem, state)));
  for (let round = 0; round < 3; round++) {
    for (let k = 0; k < 6; k++) {
      await h.append([{ key: `k${k}`, value: round === 2 && k === 0 ? null : `v${round}-${k}` }]);
      if ((round * 6 + k) % 4 === 3) h.log.roll();
    }
  }
  h.log.roll();
  h.log.flush();
  void wrapped;
  return { h, before: await readAll(h.log) };
}

describe('cleaner crash safety', () => {
  it('recovers a valid log after a crash at any step of a cleaning', async () => {
    const probe = { armed: false, calls: 0, crashAt: -1, ops: [] as string[] };
    const { h: reference, before } = await prepare(probe);
    probe.armed = true;
    await reference.cleaner.cleanNow();
    probe.armed = false;
    const total = probe.calls;
    const cleanedRecords = await readAll(reference.log);
    expect(total).toBeGreaterThan(10);
    expect(probe.ops.some((o) => o.startsWith('rename') && o.includes('.swap'))).toBe(true);
    const latest = latestByKey(before);
    const key = (r: ReadRecord) => `${r.offset}:${r.key}:${r.value}`;
    const original = new Set(before.map(key));

    for (let crashAt = 1; crashAt <= total; crashAt++) {
      const state = { armed: false, calls: 0, crashAt, ops: [] as string[] };
      const { h } = await prepare(state);
      const leo = h.log.logEndOffset;
      state.armed = true;
      await h.cleaner.cleanNow().catch(() => undefined);
      expect(state.armed, `crash ${crashAt} happened`).toBe(false);
      // Restart: the log loads from what survived, with recovery (no clean shutdown).
      const log = h.reopen(h.fs);
      expect(log.logEndOffset, `crash at ${crashAt} (${state.ops.at(-1)})`).toBe(leo);
      expect(h.fs.readdir(DIR).filter((n) => n.endsWith('.cleaned') || n.endsWith('.swap')), `crash at ${crashAt}`).toEqual([]);
      const after = await readAll(log);
      for (const r of after) expect(original.has(key(r)), `crash at ${crashAt}: ${key(r)} is an original record`).toBe(true);
      for (const r of cleanedRecords) expect(after.some((a) => key(a) === key(r)), `crash at ${crashAt}: keeps ${key(r)}`).toBe(true);
      const offsets = after.map((r) => r.offset);
      expect([...offsets].sort((a, b) => (a < b ? -1 : 1))).toEqual(offsets);
      const got = latestByKey(after);
      for (const [k, [, v]] of latest) if (v !== null) expect(got.get(k)?.[1], `crash at ${crashAt}: latest of ${k}`).toBe(v);
      // Cleaning again converges to the reference result (tombstones aside, which depend on timing).
      h.log.roll(); // recovery drops the empty active segment the reference had
      h.log.highWatermark = h.log.logEndOffset;
      h.cleaner.manager.maintainUncleanablePartitions(new Set()); // the crash marked it uncleanable
      await h.cleaner.cleanNow();
      const again = (await readAll(h.log)).filter((r) => r.value !== null).map(key);
      expect(again, `crash at ${crashAt}: re-clean`).toEqual(cleanedRecords.filter((r) => r.value !== null).map(key));
    }
  });
});
