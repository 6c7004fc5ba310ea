/** StorageFs over node:fs synchronous calls (fsyncAsync uses the libuv thread pool). */
import fs from 'node:fs';
import type { FileStat, OpenMode, StorageFs } from './storage-fs.js';

const FLAGS: Record<OpenMode, string> = { append: 'a+', read: 'r', write: 'w' };

export class NodeStorageFs implements StorageFs {
  open(path: string, mode: OpenMode): number {
    return fs.openSync(path, FLAGS[mode]);
  }

  close(fd: number): void {
    fs.closeSync(fd);
  }

  append(fd: number, buf: Buffer, offset = 0, length = buf.length - offset): void {
    // O_APPEND: the kernel writes at the end whatever the position argument says.
    while (length > 0) {
      const n = fs.writeSync(fd, buf, offset, length);
      offset += n;
      length -= n;
    }
  }

  pread(fd: number, buf: Buffer, bufOffset: number, length: number, position: number): number {
    let total = 0;
    while (total < length) {
      const n = fs.readSync(fd, buf, bufOffset + total, length - total, position + total);
      if (n === 0) break;
      total += n;
    }
    return total;
  }

  size(fd: number): number {
    return fs.fstatSync(fd).size;
  }

  truncate(fd: number, length: number): void {
    fs.ftruncateSync(fd, length);
  }

  fsync(fd: number): void {
    fs.fsyncSync(fd);
  }

  fsyncAsync(fd: number): Promise<void> {
    return new Promise((resolve, reject) => fs.fsync(fd, (err) => (err ? reject(err) : resolve())));
  }

  fsyncDirAsync(path: string): Promise<void> {
    return new Promise((resolve, reject) => {
      fs.open(path, 'r', (openErr, fd) => {
        if (openErr) return reject(openErr);
        fs.fsync(fd, (syncErr) => fs.close(fd, (closeErr) => (syncErr ?? closeErr ? reject(syncErr ?? closeErr) : resolve())));
      });
    });
  }

  fsyncDir(path: string): void {
    const fd = fs.openSync(path, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  rename(from: string, to: string): void {
    fs.renameSync(from, to);
  }

  unlink(path: string): void {
    fs.unlinkSync(path);
  }

  rmdir(path: string): void {
    fs.rmdirSync(path);
  }

  mkdir(path: string): void {
    fs.mkdirSync(path, { recursive: true });
  }

  readdir(path: string): string[] {
    return fs.readdirSync(path);
  }

  stat(path: string): FileStat | null {
    const s = fs.statSync(path, { throwIfNoEntry: false });
    return s ? { size: s.size, isDirectory: s.isDirectory(), mtimeMs: s.mtimeMs } : null;
  }

  exists(path: string): boolean {
    return fs.existsSync(path);
  }

  readFile(path: string): Buffer {
    return fs.readFileSync(path);
  }

  writeFile(path: string, data: Buffer | string, opts?: { fsync?: boolean }): void {
    const fd = fs.openSync(path, 'w');
    try {
      const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      let off = 0;
      while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
      if (opts?.fsync) fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }
}
