import { describe, expect, it } from 'vitest';
import { MemoryStorageFs } from '../../../src/storage/fs/memory-fs.js';
import { OffsetIndex } from '../../../src/storage/index/offset-index.js';
import { TimeIndex } from '../../../src/storage/index/time-index.js';
import { CorruptIndexError } from '../../../src/storage/errors.js';

function fresh() {
  const fs = new MemoryStorageFs();
  fs.mkdir('/d');
  return fs;
}

describe('OffsetIndex', () => {
  it('finds the largest entry <= target and falls back to (base, 0)', () => {
    const fs = fresh();
    const idx = new OffsetIndex(fs, '/d/x.index', 100n, 1024, false);
    idx.append(110n, 4000);
    idx.append(120n, 8000);
    idx.append(135n, 12000);
    expect(idx.lookup(99n)).toEqual({ offset: 100n, position: 0 });
    expect(idx.lookup(109n)).toEqual({ offset: 100n, position: 0 });
    expect(idx.lookup(110n)).toEqual({ offset: 110n, position: 4000 });
    expect(idx.lookup(134n)).toEqual({ offset: 120n, position: 8000 });
    expect(idx.lookup(10_000_000_000n)).toEqual({ offset: 135n, position: 12000 });
    expect(idx.lastEntry()).toEqual({ offset: 135n, position: 12000 });
  });

  it('writes Kafka format (int32 relative offset, int32 position) in batches and reloads it', () => {
    const fs = fresh();
    const idx = new OffsetIndex(fs, '/d/x.index', 100n, 1024, false);
    idx.append(110n, 4000);
    idx.append(120n, 8000);
    expect(fs.readFile('/d/x.index').length).toBe(0); // not yet written: no syscall per entry
    idx.writeToFile();
    const bytes = fs.readFile('/d/x.index');
    expect(bytes.toString('hex')).toBe('0000000a00000fa0' + '0000001400001f40');
    const again = new OffsetIndex(fs, '/d/x.index', 100n, 1024, true);
    expect(again.entries).toBe(2);
    expect(again.lookup(125n)).toEqual({ offset: 120n, position: 8000 });
  });

  it('truncates entries >= offset, also in the file', () => {
    const fs = fresh();
    const idx = new OffsetIndex(fs, '/d/x.index', 0n, 1024, false);
    for (let i = 1; i <= 5; i++) idx.append(BigInt(i * 10), i * 100);
    idx.writeToFile();
    idx.truncateTo(30n);
    expect(idx.entries).toBe(2);
    idx.truncateTo(25n);
    expect(idx.entries).toBe(2);
    idx.append(40n, 999);
    idx.writeToFile();
    expect(fs.readFile('/d/x.index').length).toBe(24);
    expect(new OffsetIndex(fs, '/d/x.index', 0n, 1024, true).lastEntry()).toEqual({ offset: 40n, position: 999 });
  });

  it('knows when it is full and which offsets fit', () => {
    const fs = fresh();
    const idx = new OffsetIndex(fs, '/d/x.index', 10n, 16, false);
    expect(idx.maxEntries).toBe(2);
    idx.append(11n, 1);
    expect(idx.isFull()).toBe(false);
    idx.append(12n, 2);
    expect(idx.isFull()).toBe(true);
    expect(() => idx.append(13n, 3)).toThrow();
    expect(idx.canAppendOffset(10n + 0x7fffffffn)).toBe(true);
    expect(idx.canAppendOffset(10n + 0x80000000n)).toBe(false);
    expect(idx.canAppendOffset(9n)).toBe(false);
  });

  it('rejects files with a partial entry or entries that do not increase', () => {
    const fs = fresh();
    fs.writeFile('/d/a.index', Buffer.alloc(12));
    expect(() => new OffsetIndex(fs, '/d/a.index', 0n, 1024, true).entries).toThrow(CorruptIndexError);
    const b = Buffer.alloc(16);
    b.writeInt32BE(5, 0);
    b.writeInt32BE(100, 4);
    b.writeInt32BE(5, 8);
    b.writeInt32BE(200, 12);
    fs.writeFile('/d/b.index', b);
    expect(() => new OffsetIndex(fs, '/d/b.index', 0n, 1024, true).lookup(3n)).toThrow(CorruptIndexError);
  });
});

describe('TimeIndex', () => {
  it('keeps strictly increasing timestamps and looks up the largest entry <= target', () => {
    const fs = fresh();
    const idx = new TimeIndex(fs, '/d/x.timeindex', 50n, 1200, false);
    expect(idx.lastEntry()).toEqual({ timestamp: -1n, offset: 50n });
    idx.maybeAppend(1000n, 55n);
    idx.maybeAppend(1000n, 57n); // same timestamp: ignored
    idx.maybeAppend(2000n, 60n);
    expect(idx.entries).toBe(2);
    expect(idx.lookup(999n)).toEqual({ timestamp: -1n, offset: 50n });
    expect(idx.lookup(1500n)).toEqual({ timestamp: 1000n, offset: 55n });
    expect(idx.lookup(5000n)).toEqual({ timestamp: 2000n, offset: 60n });
    expect(() => idx.maybeAppend(3000n, 59n)).toThrow();
  });

  it('writes Kafka format (int64 timestamp, int32 relative offset) and truncates by offset', () => {
    const fs = fresh();
    const idx = new TimeIndex(fs, '/d/x.timeindex', 50n, 1200, false);
    idx.maybeAppend(1000n, 55n);
    idx.maybeAppend(2000n, 60n);
    idx.writeToFile();
    expect(fs.readFile('/d/x.timeindex').toString('hex')).toBe('00000000000003e800000005' + '00000000000007d00000000a');
    idx.truncateTo(60n);
    expect(idx.lastEntry()).toEqual({ timestamp: 1000n, offset: 55n });
    idx.writeToFile();
    expect(fs.readFile('/d/x.timeindex').length).toBe(12);
  });

  it('reserves the last slot for the entry added when the segment becomes inactive', () => {
    const fs = fresh();
    const idx = new TimeIndex(fs, '/d/x.timeindex', 0n, 36, false);
    idx.maybeAppend(1n, 1n);
    idx.maybeAppend(2n, 2n);
    expect(idx.isFull()).toBe(true);
    expect(() => idx.maybeAppend(3n, 3n)).toThrow();
    idx.maybeAppend(3n, 3n, true);
    expect(idx.entries).toBe(3);
  });
});
