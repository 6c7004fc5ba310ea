/**
 * Shared mechanics of the offset and time index files: a fixed-size-entry file mirrored by an
 * in-memory Buffer with identical bytes.
 *
 * Choice (differs from Kafka): index files are NOT preallocated to segment.index.bytes and not
 * memory-mapped. The file holds exactly `entries * entrySize` bytes; the segment.index.bytes
 * limit still bounds the entry count (maxEntries), and a full index still rolls the segment.
 * New entries are kept in memory and written to the file in batches (at flush, roll, close, or
 * every WRITE_BATCH_ENTRIES), never one syscall per entry. This is safe because an index is only
 * trusted for segments below the recovery point, and flush() writes and fsyncs the indexes before
 * it advances the recovery point; everything above it is rebuilt from the log after a crash.
 *
 * Files are loaded lazily (first lookup), like Kafka's LazyIndex, and checked on load; a failed
 * check throws CorruptIndexError and the segment rebuilds both indexes from its log.
 */
import { CorruptIndexError } from '../errors.js';
import type { StorageFs } from '../fs/storage-fs.js';

const WRITE_BATCH_ENTRIES = 1024;
const EMPTY = Buffer.alloc(0);

export abstract class IndexFile {
  protected buf: Buffer = EMPTY;
  protected entryCount = 0;
  /** Entries known to be in the file. */
  private writtenEntries = 0;
  /** The file holds more bytes than writtenEntries (after a truncation) and must be cut. */
  private fileTooLong = false;
  private loaded: boolean;
  readonly maxEntries: number;

  protected constructor(
    protected readonly fs: StorageFs,
    private filePath: string,
    readonly baseOffset: bigint,
    maxIndexSize: number,
    readonly entrySize: number,
    /** false: a new, empty index (the file is created now); true: load the existing file lazily. */
    existing: boolean,
  ) {
    if (maxIndexSize < entrySize) throw new RangeError(`invalid max index size ${maxIndexSize}`);
    this.maxEntries = Math.floor(maxIndexSize / entrySize);
    this.loaded = !existing;
    if (!existing) fs.writeFile(filePath, EMPTY);
  }

  get path(): string {
    return this.filePath;
  }

  get isLoaded(): boolean {
    return this.loaded;
  }

  /** Number of entries (loads the file on first use). */
  get entries(): number {
    this.ensureLoaded();
    return this.entryCount;
  }

  get sizeInBytes(): number {
    return this.entries * this.entrySize;
  }

  isFull(): boolean {
    return this.entries >= this.maxEntries;
  }

  /** Loads and checks the file now; throws CorruptIndexError when the check fails. */
  ensureLoaded(): void {
    if (this.loaded) return;
    const data = this.fs.exists(this.filePath) ? this.fs.readFile(this.filePath) : EMPTY;
    if (data.length % this.entrySize !== 0) {
      throw new CorruptIndexError(`index file ${this.filePath} has ${data.length} bytes, not a multiple of ${this.entrySize}`);
    }
    this.buf = data;
    this.entryCount = data.length / this.entrySize;
    this.writtenEntries = this.entryCount;
    this.loaded = true;
    try {
      this.check();
    } catch (err) {
      this.loaded = false;
      this.buf = EMPTY;
      this.entryCount = 0;
      throw err;
    }
  }

  /** Throws CorruptIndexError when the loaded entries are not a valid index. */
  protected abstract check(): void;

  /** Drops every entry (the file is cut at the next write). */
  reset(): void {
    this.loaded = true;
    this.truncateToEntries(0);
    this.fileTooLong = true; // the file may hold bytes never loaded (e.g. a corrupt index)
  }

  protected truncateToEntries(n: number): void {
    this.entryCount = n;
    if (n < this.writtenEntries) {
      this.writtenEntries = n;
      this.fileTooLong = true;
    }
  }

  /** Reserves room for one more entry and returns its byte position in buf. */
  protected appendSlot(): number {
    // Write earlier, already filled entries in batches; the slot returned here is filled by the caller.
    if (this.entryCount - this.writtenEntries >= WRITE_BATCH_ENTRIES) this.writeToFile();
    const pos = this.entryCount * this.entrySize;
    if (pos + this.entrySize > this.buf.length) {
      const next = Buffer.alloc(Math.max(64 * this.entrySize, this.buf.length * 2));
      this.buf.copy(next, 0, 0, pos);
      this.buf = next;
    }
    this.entryCount++;
    return pos;
  }

  /** Writes pending entries (and any truncation) to the file, without fsync. */
  writeToFile(): void {
    if (!this.loaded || (!this.fileTooLong && this.writtenEntries === this.entryCount)) return;
    const fd = this.fs.open(this.filePath, 'append');
    try {
      this.writeTo(fd);
    } finally {
      this.fs.close(fd);
    }
  }

  private writeTo(fd: number): void {
    if (this.fileTooLong) {
      this.fs.truncate(fd, this.writtenEntries * this.entrySize);
      this.fileTooLong = false;
    }
    if (this.entryCount > this.writtenEntries) {
      const from = this.writtenEntries * this.entrySize;
      this.fs.append(fd, this.buf, from, this.entryCount * this.entrySize - from);
      this.writtenEntries = this.entryCount;
    }
  }

  /** Writes pending entries and fsyncs the file. */
  flush(): void {
    const fd = this.fs.open(this.filePath, 'append');
    try {
      if (this.loaded) this.writeTo(fd);
      this.fs.fsync(fd);
    } finally {
      this.fs.close(fd);
    }
  }

  /** Writes pending entries now and fsyncs on the thread pool. */
  async flushAsync(): Promise<void> {
    const fd = this.fs.open(this.filePath, 'append');
    try {
      if (this.loaded) this.writeTo(fd);
      await this.fs.fsyncAsync(fd);
    } finally {
      this.fs.close(fd);
    }
  }

  renameTo(path: string): void {
    if (this.fs.exists(this.filePath)) this.fs.rename(this.filePath, path);
    this.filePath = path;
  }

  deleteIfExists(): void {
    if (this.fs.exists(this.filePath)) this.fs.unlink(this.filePath);
  }

  /** Largest slot whose key is <= target, or -1. Keys must be non-decreasing. */
  protected largestLowerBound(keyAt: (slot: number) => number | bigint, target: number | bigint): number {
    let lo = 0;
    let hi = this.entryCount - 1;
    if (hi < 0 || keyAt(0) > target) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (keyAt(mid) <= target) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
