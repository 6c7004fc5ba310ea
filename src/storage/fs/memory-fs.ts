/**
 * In-memory StorageFs: the embedded broker's default storage and the deterministic file system
 * of tests and simulations.
 *
 * Durability model (what crash() keeps):
 * - File contents: only bytes made durable by fsync survive. Each file remembers its synced
 *   length; a truncate below it snapshots the synced contents first, so a crash restores exactly
 *   what the last fsync saw. crash(rng) may also keep a random prefix of each unsynced tail (a torn
 *   write), which is what recovery has to cope with.
 * - Names (create, rename, unlink, mkdir, rmdir) are durable as soon as the call returns; fsyncDir
 *   is a no-op. Real file systems can lose a fresh name without a directory fsync; this model
 *   does not simulate that.
 * Errors carry Node's codes (ENOENT, EEXIST, ENOTEMPTY, EISDIR, ENOTDIR, EBADF).
 */
import { resolve, dirname, basename } from 'node:path';
import type { FileStat, OpenMode, StorageFs } from './storage-fs.js';

/** File bytes in 1 MiB chunks (growth never copies old data); chunk 0 starts small and doubles. */
const CHUNK = 1024 * 1024;

class MemFile {
  private chunks: Buffer[] = [];
  length = 0;
  syncedLength = 0;
  /** Contents as of the last fsync, kept only after a truncate cut into the synced bytes. */
  durable: Buffer | null = null;
  mtimeMs: number;
  constructor(now: number) {
    this.mtimeMs = now;
  }

  private chunkFor(index: number, needEnd: number): Buffer {
    let c = this.chunks[index];
    if (index === 0 && (!c || c.length < Math.min(CHUNK, needEnd))) {
      const next = Buffer.alloc(Math.min(CHUNK, Math.max(needEnd, 256, (c?.length ?? 0) * 2)));
      if (c) c.copy(next, 0, 0, Math.min(c.length, this.length));
      this.chunks[0] = c = next;
    } else if (!c) {
      this.chunks[index] = c = Buffer.alloc(CHUNK);
    }
    return c;
  }

  /** Writes src at position (position <= length), extending the file. */
  write(src: Buffer, srcOffset: number, len: number, position: number): void {
    let pos = position;
    let off = srcOffset;
    let left = len;
    while (left > 0) {
      const ci = Math.floor(pos / CHUNK);
      const co = pos % CHUNK;
      const n = Math.min(left, CHUNK - co);
      src.copy(this.chunkFor(ci, co + n), co, off, off + n);
      pos += n;
      off += n;
      left -= n;
    }
    if (pos > this.length) this.length = pos;
  }

  read(dst: Buffer, dstOffset: number, len: number, position: number): number {
    const end = Math.min(this.length, position + len);
    let pos = position;
    let out = dstOffset;
    while (pos < end) {
      const ci = Math.floor(pos / CHUNK);
      const co = pos % CHUNK;
      const n = Math.min(end - pos, CHUNK - co);
      this.chunks[ci]!.copy(dst, out, co, co + n);
      pos += n;
      out += n;
    }
    return Math.max(0, end - position);
  }

  contents(length = this.length): Buffer {
    const out = Buffer.allocUnsafe(length);
    this.read(out, 0, length, 0);
    return out;
  }

  setLength(n: number): void {
    if (n < this.syncedLength && this.durable === null) this.durable = this.contents(this.syncedLength);
    if (n > this.length) {
      const zeros = Buffer.alloc(Math.min(CHUNK, n - this.length));
      while (this.length < n) this.write(zeros, 0, Math.min(zeros.length, n - this.length), this.length);
    } else {
      this.length = n;
      const keep = Math.ceil(n / CHUNK);
      this.chunks.length = Math.min(this.chunks.length, Math.max(keep, 1));
      // Bytes past the end inside the last kept chunk must read as zeros if the file grows again.
      const ci = Math.floor(n / CHUNK);
      const c = this.chunks[ci];
      if (c && n % CHUNK < c.length) c.fill(0, n % CHUNK);
    }
  }

  /** Replaces the contents (crash restore). */
  reset(data: Buffer): void {
    this.chunks = [];
    this.length = 0;
    this.write(data, 0, data.length, 0);
  }

  sync(): void {
    this.syncedLength = this.length;
    this.durable = null;
  }
}

interface OpenFile {
  file: MemFile;
  writable: boolean;
}

function fsError(code: string, syscall: string, path: string): NodeJS.ErrnoException {
  const err = new Error(`${code}: ${syscall} '${path}'`) as NodeJS.ErrnoException;
  err.code = code;
  err.syscall = syscall;
  err.path = path;
  return err;
}

export class MemoryStorageFs implements StorageFs {
  private readonly files = new Map<string, MemFile>();
  /** Directory path -> names of its entries. */
  private readonly dirs = new Map<string, Set<string>>([['/', new Set()]]);
  private readonly fds = new Map<number, OpenFile>();
  private nextFd = 3;

  constructor(private readonly now: () => number = Date.now) {}

  private parentOf(path: string, syscall: string): Set<string> {
    const parent = this.dirs.get(dirname(path));
    if (!parent) throw fsError('ENOENT', syscall, path);
    return parent;
  }

  private handle(fd: number): OpenFile {
    const h = this.fds.get(fd);
    if (!h) throw fsError('EBADF', 'fd', String(fd));
    return h;
  }

  open(path: string, mode: OpenMode): number {
    const p = resolve(path);
    if (this.dirs.has(p)) throw fsError('EISDIR', 'open', p);
    let file = this.files.get(p);
    if (!file) {
      if (mode === 'read') throw fsError('ENOENT', 'open', p);
      const parent = this.parentOf(p, 'open');
      file = new MemFile(this.now());
      this.files.set(p, file);
      parent.add(basename(p));
    } else if (mode === 'write') {
      file.setLength(0);
    }
    const fd = this.nextFd++;
    this.fds.set(fd, { file, writable: mode !== 'read' });
    return fd;
  }

  close(fd: number): void {
    this.handle(fd);
    this.fds.delete(fd);
  }

  append(fd: number, buf: Buffer, offset = 0, length = buf.length - offset): void {
    const h = this.handle(fd);
    if (!h.writable) throw fsError('EBADF', 'write', String(fd));
    const f = h.file;
    f.write(buf, offset, length, f.length);
    f.mtimeMs = this.now();
  }

  pread(fd: number, buf: Buffer, bufOffset: number, length: number, position: number): number {
    return this.handle(fd).file.read(buf, bufOffset, length, position);
  }

  size(fd: number): number {
    return this.handle(fd).file.length;
  }

  truncate(fd: number, length: number): void {
    const h = this.handle(fd);
    if (!h.writable) throw fsError('EBADF', 'ftruncate', String(fd));
    h.file.setLength(length);
    h.file.mtimeMs = this.now();
  }

  fsync(fd: number): void {
    this.handle(fd).file.sync();
  }

  fsyncAsync(fd: number): Promise<void> {
    try {
      const f = this.handle(fd).file;
      // Resolve on a later tick like the thread-pool call, but sync the bytes written up to now.
      f.sync();
      return new Promise((res) => setImmediate(res));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  fsyncDir(path: string): void {
    if (!this.dirs.has(resolve(path))) throw fsError('ENOENT', 'fsync', path);
  }

  fsyncDirAsync(path: string): Promise<void> {
    try {
      this.fsyncDir(path);
      return new Promise((res) => setImmediate(res));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  rename(from: string, to: string): void {
    const src = resolve(from);
    const dst = resolve(to);
    if (src === dst) return;
    const dstParent = this.parentOf(dst, 'rename');
    const file = this.files.get(src);
    if (file) {
      if (this.dirs.has(dst)) throw fsError('EISDIR', 'rename', dst);
      this.files.delete(src);
      this.parentOf(src, 'rename').delete(basename(src));
      this.files.set(dst, file);
      dstParent.add(basename(dst));
      return;
    }
    if (!this.dirs.has(src)) throw fsError('ENOENT', 'rename', src);
    if (this.files.has(dst)) throw fsError('ENOTDIR', 'rename', dst);
    const existing = this.dirs.get(dst);
    if (existing && existing.size > 0) throw fsError('ENOTEMPTY', 'rename', dst);
    if (dst.startsWith(src + '/')) throw fsError('EINVAL', 'rename', dst);
    this.parentOf(src, 'rename').delete(basename(src));
    this.moveDir(src, dst);
    dstParent.add(basename(dst));
  }

  private moveDir(src: string, dst: string): void {
    const children = this.dirs.get(src)!;
    this.dirs.delete(src);
    this.dirs.set(dst, children);
    for (const name of children) {
      const from = src === '/' ? `/${name}` : `${src}/${name}`;
      const to = `${dst}/${name}`;
      const f = this.files.get(from);
      if (f) {
        this.files.delete(from);
        this.files.set(to, f);
      } else {
        this.moveDir(from, to);
      }
    }
  }

  unlink(path: string): void {
    const p = resolve(path);
    if (this.dirs.has(p)) throw fsError('EISDIR', 'unlink', p);
    if (!this.files.delete(p)) throw fsError('ENOENT', 'unlink', p);
    this.parentOf(p, 'unlink').delete(basename(p));
  }

  rmdir(path: string): void {
    const p = resolve(path);
    const d = this.dirs.get(p);
    if (!d) throw fsError(this.files.has(p) ? 'ENOTDIR' : 'ENOENT', 'rmdir', p);
    if (d.size > 0) throw fsError('ENOTEMPTY', 'rmdir', p);
    if (p === '/') throw fsError('EBUSY', 'rmdir', p);
    this.dirs.delete(p);
    this.parentOf(p, 'rmdir').delete(basename(p));
  }

  mkdir(path: string): void {
    const p = resolve(path);
    if (this.dirs.has(p)) return;
    if (this.files.has(p)) throw fsError('EEXIST', 'mkdir', p);
    this.mkdir(dirname(p));
    this.dirs.set(p, new Set());
    this.dirs.get(dirname(p))!.add(basename(p));
  }

  readdir(path: string): string[] {
    const d = this.dirs.get(resolve(path));
    if (!d) throw fsError(this.files.has(resolve(path)) ? 'ENOTDIR' : 'ENOENT', 'scandir', path);
    return [...d].sort();
  }

  stat(path: string): FileStat | null {
    const p = resolve(path);
    const f = this.files.get(p);
    if (f) return { size: f.length, isDirectory: false, mtimeMs: f.mtimeMs };
    if (this.dirs.has(p)) return { size: 0, isDirectory: true, mtimeMs: 0 };
    return null;
  }

  exists(path: string): boolean {
    const p = resolve(path);
    return this.files.has(p) || this.dirs.has(p);
  }

  readFile(path: string): Buffer {
    const p = resolve(path);
    const f = this.files.get(p);
    if (!f) throw fsError(this.dirs.has(p) ? 'EISDIR' : 'ENOENT', 'open', p);
    return f.contents();
  }

  writeFile(path: string, data: Buffer | string, opts?: { fsync?: boolean }): void {
    const fd = this.open(path, 'write');
    try {
      const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      this.append(fd, buf);
      if (opts?.fsync) this.fsync(fd);
    } finally {
      this.close(fd);
    }
  }

  /** Number of open file handles (tests check that close() released everything). */
  get openFileCount(): number {
    return this.fds.size;
  }

  /**
   * Simulates a power loss: every handle is invalidated and every file reverts to its synced
   * contents. With rng, each file also keeps a random prefix of its unsynced tail (torn write).
   */
  crash(rng?: () => number): void {
    this.fds.clear();
    for (const f of this.files.values()) {
      if (f.durable) {
        f.reset(f.durable);
      } else {
        const unsynced = f.length - f.syncedLength;
        f.setLength(f.syncedLength + (rng && unsynced > 0 ? Math.floor(rng() * (unsynced + 1)) : 0));
      }
      f.sync();
    }
  }
}
