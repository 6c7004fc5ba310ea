import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStorageFs } from '../../../src/storage/fs/memory-fs.js';
import { NodeStorageFs } from '../../../src/storage/fs/node-fs.js';
import type { StorageFs } from '../../../src/storage/fs/storage-fs.js';
import { removeRecursive, writeFileAtomic } from '../../../src/storage/fs/fs-utils.js';

function contract(name: string, make: () => { fs: StorageFs; root: string; done: () => void }) {
  describe(`${name} contract`, () => {
    it('appends, preads, truncates and reports sizes', () => {
      const { fs, root, done } = make();
      try {
        const p = join(root, 'a.log');
        const fd = fs.open(p, 'append');
        fs.append(fd, Buffer.from('hello '));
        fs.append(fd, Buffer.from('xxworldxx'), 2, 5);
        expect(fs.size(fd)).toBe(11);
        const buf = Buffer.alloc(20);
        expect(fs.pread(fd, buf, 0, 20, 6)).toBe(5);
        expect(buf.subarray(0, 5).toString()).toBe('world');
        fs.truncate(fd, 5);
        fs.append(fd, Buffer.from('!'));
        fs.fsync(fd);
        fs.close(fd);
        expect(fs.readFile(p).toString()).toBe('hello!');
        expect(fs.stat(p)).toMatchObject({ size: 6, isDirectory: false });
      } finally {
        done();
      }
    });

    it('handles directories, renames and removal', async () => {
      const { fs, root, done } = make();
      try {
        fs.mkdir(join(root, 'x/y'));
        fs.writeFile(join(root, 'x/y/f'), 'data', { fsync: true });
        fs.rename(join(root, 'x'), join(root, 'z'));
        expect(fs.readdir(join(root, 'z'))).toEqual(['y']);
        expect(fs.readFile(join(root, 'z/y/f')).toString()).toBe('data');
        expect(fs.exists(join(root, 'x'))).toBe(false);
        writeFileAtomic(fs, join(root, 'z/cp'), 'v1');
        writeFileAtomic(fs, join(root, 'z/cp'), 'v2');
        expect(fs.readFile(join(root, 'z/cp')).toString()).toBe('v2');
        expect(fs.exists(join(root, 'z/cp.tmp'))).toBe(false);
        const fd = fs.open(join(root, 'z/cp'), 'read');
        await fs.fsyncAsync(fd);
        fs.close(fd);
        fs.fsyncDir(join(root, 'z'));
        await fs.fsyncDirAsync(join(root, 'z'));
        await expect(fs.fsyncDirAsync(join(root, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
        expect(() => fs.open(join(root, 'missing'), 'read')).toThrow(expect.objectContaining({ code: 'ENOENT' }));
        expect(() => fs.rmdir(join(root, 'z'))).toThrow(expect.objectContaining({ code: 'ENOTEMPTY' }));
        removeRecursive(fs, join(root, 'z'));
        expect(fs.stat(join(root, 'z'))).toBeNull();
      } finally {
        done();
      }
    });
  });
}

contract('MemoryStorageFs', () => {
  const fs = new MemoryStorageFs();
  fs.mkdir('/root');
  return { fs, root: '/root', done: () => {} };
});

contract('NodeStorageFs', () => {
  const root = mkdtempSync(join(tmpdir(), 'gregor-fs-'));
  return { fs: new NodeStorageFs(), root, done: () => rmSync(root, { recursive: true, force: true }) };
});

describe('MemoryStorageFs crash', () => {
  it('handles files spanning many chunks: reads across boundaries, truncate, regrow with zeros, crash', () => {
    const fs = new MemoryStorageFs();
    const fd = fs.open('/big', 'append');
    const data = Buffer.alloc(3 * 1024 * 1024 + 123);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) & 0xff;
    for (let off = 0; off < data.length; off += 100_000) fs.append(fd, data, off, Math.min(100_000, data.length - off));
    expect(fs.readFile('/big').equals(data)).toBe(true);
    const mid = Buffer.alloc(10);
    fs.pread(fd, mid, 0, 10, 1024 * 1024 - 5);
    expect(mid.equals(data.subarray(1024 * 1024 - 5, 1024 * 1024 + 5))).toBe(true);
    fs.fsync(fd);
    fs.truncate(fd, 1024 * 1024 + 10);
    fs.truncate(fd, 1024 * 1024 + 20);
    const tail = fs.readFile('/big').subarray(1024 * 1024);
    expect(tail.subarray(0, 10).equals(data.subarray(1024 * 1024, 1024 * 1024 + 10))).toBe(true);
    expect(tail.subarray(10).equals(Buffer.alloc(10))).toBe(true);
    fs.crash();
    expect(fs.readFile('/big').equals(data)).toBe(true);
  });

  it('keeps only fsynced bytes', () => {
    const fs = new MemoryStorageFs();
    const fd = fs.open('/f', 'append');
    fs.append(fd, Buffer.from('durable'));
    fs.fsync(fd);
    fs.append(fd, Buffer.from('-lost'));
    fs.crash();
    expect(fs.readFile('/f').toString()).toBe('durable');
    expect(fs.openFileCount).toBe(0);
    expect(() => fs.size(fd)).toThrow(expect.objectContaining({ code: 'EBADF' }));
  });

  it('restores synced bytes that an unsynced truncate removed', () => {
    const fs = new MemoryStorageFs();
    const fd = fs.open('/f', 'append');
    fs.append(fd, Buffer.from('0123456789'));
    fs.fsync(fd);
    fs.truncate(fd, 3);
    fs.append(fd, Buffer.from('abc'));
    expect(fs.readFile('/f').toString()).toBe('012abc');
    fs.crash();
    expect(fs.readFile('/f').toString()).toBe('0123456789');
  });

  it('can keep a random prefix of the unsynced tail (torn write)', () => {
    const fs = new MemoryStorageFs();
    const fd = fs.open('/f', 'append');
    fs.append(fd, Buffer.from('abc'));
    fs.fsync(fd);
    fs.append(fd, Buffer.from('defghij'));
    fs.crash(() => 0.5);
    expect(fs.readFile('/f').toString()).toBe('abcdefg'.slice(0, 3 + 4));
  });

  it('fsyncAsync makes the bytes written before the call durable', async () => {
    const fs = new MemoryStorageFs();
    const fd = fs.open('/f', 'append');
    fs.append(fd, Buffer.from('abc'));
    const p = fs.fsyncAsync(fd);
    fs.append(fd, Buffer.from('def'));
    await p;
    fs.crash();
    expect(fs.readFile('/f').toString()).toBe('abc');
  });
});
