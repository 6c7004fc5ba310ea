import { describe, expect, it } from 'vitest';
import { DIR, latestByKey, readAll, setupCleaner, type Harness } from './helpers.js';

/** 6 segments of 4 batches of 3 records over 8 keys, plus an empty active segment. */
async function fill(h: Harness): Promise<void> {
  for (let b = 0; b < 24; b++) {
    await h.append([0, 1, 2].map((i) => ({ key: `k${(b * 3 + i) % 8}`, value: `v${b}-${i}` })));
    if (b % 4 === 3) h.log.roll();
  }
}

const tick = () => new Promise<void>((r) => setImmediate(r));
const leftovers = (h: Harness) => h.fs.readdir(DIR).filter((n) => n.endsWith('.cleaned') || n.endsWith('.swap'));

describe('LogCleaner loop', () => {
  it('yields to the event loop while cleaning (a 0 ms slice budget yields after every batch)', async () => {
    const h = setupCleaner({}, {}, { sliceBudgetMs: 0 });
    await fill(h);
    let ticks = 0;
    let done = false;
    const p = h.cleaner.cleanNow().then((r) => {
      done = true;
      return r;
    });
    while (!done) {
      await tick();
      ticks++;
    }
    const [r] = await p;
    expect(ticks).toBeGreaterThan(24);
    expect(r!.longestSliceMs).toBeGreaterThanOrEqual(0);
    expect(latestByKey(await readAll(h.log)).size).toBe(8);
  });

  it.each([5, 30, 50, 60, 70, 80])('does not swap in segments DeleteRecords removed meanwhile, and resurrects nothing (after %i ticks)', async (ticks) => {
    const h = setupCleaner({ segmentBytes: 400 }, {}, { sliceBudgetMs: 0 });
    await fill(h);
    const p = h.cleaner.cleanNow();
    for (let i = 0; i < ticks; i++) await tick();
    h.log.setLogStartOffset(30n); // deletes the segments at 0, 12 and 24
    await p;
    expect(h.log.logStartOffset).toBe(30n);
    expect(h.log.segmentsInfo()[0]!.baseOffset).toBeGreaterThanOrEqual(24n);
    const after = await readAll(h.log);
    expect(after.every((r) => r.offset >= 30n)).toBe(true);
    expect(leftovers(h)).toEqual([]);
    // The next round cleans what is left.
    await h.cleaner.cleanNow();
    expect(latestByKey(await readAll(h.log)).size).toBe(8);
  });

  it('abandons a cleaning when the log is truncated', async () => {
    const h = setupCleaner({}, {}, { sliceBudgetMs: 0 });
    await fill(h);
    const p = h.cleaner.cleanNow();
    for (let i = 0; i < 3; i++) await tick();
    h.log.truncateTo(20n);
    const results = await p;
    expect(results.length).toBeLessThanOrEqual(1);
    expect(h.log.logEndOffset).toBe(20n);
    expect((await readAll(h.log)).every((r) => r.offset < 20n)).toBe(true);
    expect(leftovers(h)).toEqual([]);
    expect(h.cleaner.manager.isUncleanable('/data', h.log)).toBe(false);
  });

  it('abandons a cleaning when the log is closed (topic deleted) and when the cleaner stops', async () => {
    const h = setupCleaner({}, {}, { sliceBudgetMs: 0 });
    await fill(h);
    const p = h.cleaner.cleanNow();
    await tick();
    h.log.close();
    await p;
    expect(leftovers(h)).toEqual([]);

    const h2 = setupCleaner({}, {}, { sliceBudgetMs: 0 });
    await fill(h2);
    const before = await readAll(h2.log);
    const p2 = h2.cleaner.cleanNow();
    await tick();
    await h2.cleaner.close();
    await p2;
    expect(leftovers(h2)).toEqual([]);
    expect(await readAll(h2.log)).toEqual(before);
  });

  it('runs by itself: at once, then again after log.cleaner.backoff.ms when idle', async () => {
    const h = setupCleaner();
    await fill(h);
    h.cleaner.start();
    h.sched.runDue(); // the first round starts now
    await h.cleaner.runOnce();
    await tick();
    expect(h.cleaner.results.length).toBe(1);
    // Nothing left to clean: the next rounds come every backoff.
    h.sched.runDue();
    await h.cleaner.runOnce();
    await tick();
    expect(h.sched.pendingCount).toBeGreaterThan(0);
    for (let b = 0; b < 8; b++) await h.append([{ key: `k${b}`, value: 'again' }]);
    h.log.roll();
    h.sched.advance(14_999);
    expect(h.cleaner.results.length).toBe(1);
    h.sched.advance(1);
    await h.cleaner.runOnce();
    expect(h.cleaner.results.length).toBe(2);
    await h.cleaner.close();
    expect((await readAll(h.log)).filter((r) => r.value === 'again')).toHaveLength(8);
  });

  it('marks a partition with corrupt data uncleanable and leaves it alone', async () => {
    const h = setupCleaner();
    await fill(h);
    // Corrupt a record length inside the first batch of the first segment (the batch CRC is not checked by the cleaner).
    const path = `${DIR}/00000000000000000000.log`;
    const bytes = h.fs.readFile(path);
    bytes.writeUInt8(0x7f, 61); // first record's length varint -> 63 (-64 zig-zag): invalid
    const fd = h.fs.open(path, 'write');
    h.fs.append(fd, bytes);
    h.fs.close(fd);
    expect(await h.cleaner.cleanNow()).toEqual([]);
    expect(h.cleaner.manager.isUncleanable('/data', h.log)).toBe(true);
    expect(leftovers(h)).toEqual([]);
  });

  it('runs retention on compact,delete logs between cleanings', async () => {
    const h = setupCleaner({}, { delete: true, retentionMs: 1_000 });
    await fill(h);
    h.sched.advance(2_000);
    await h.cleaner.cleanNow();
    expect(h.log.logStartOffset).toBe(h.log.logEndOffset);
  });
});
