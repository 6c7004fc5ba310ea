/**
 * The file-system operations the log needs, all synchronous except fsyncAsync (for the
 * background flusher). Appends and reads go to the page cache in microseconds, so the hot path
 * stays synchronous (DESIGN.md, measured facts); fsync is the slow call and runs off the hot path.
 *
 * File handles are small integers, as with Node's fs. Paths are absolute or relative to the
 * process cwd; implementations resolve them the same way.
 *
 * Implementations: NodeStorageFs (node:fs, the real disk) and MemoryStorageFs (in memory, for
 * the embedded broker and deterministic tests; it can simulate a crash by dropping unsynced bytes).
 */

/**
 * 'append': create if missing, every write goes to the end, reads anywhere (segments, indexes).
 * 'read': an existing file, read only.
 * 'write': create or truncate to empty, then write (temporary files of atomic writes).
 */
export type OpenMode = 'append' | 'read' | 'write';

export interface FileStat {
  size: number;
  isDirectory: boolean;
  mtimeMs: number;
}

export interface StorageFs {
  open(path: string, mode: OpenMode): number;
  close(fd: number): void;
  /** Appends all of buf[offset, offset + length) at the end of the file. */
  append(fd: number, buf: Buffer, offset?: number, length?: number): void;
  /** Reads up to length bytes at position into buf[bufOffset...]; returns the bytes read (short at end of file). */
  pread(fd: number, buf: Buffer, bufOffset: number, length: number, position: number): number;
  /** Current length of the open file. */
  size(fd: number): number;
  /** Sets the file length (shorter drops the tail; longer pads with zeros). */
  truncate(fd: number, length: number): void;
  /** Makes the file's bytes durable (fsync). */
  fsync(fd: number): void;
  /** fsync on the libuv thread pool, for the background flusher. */
  fsyncAsync(fd: number): Promise<void>;
  /** Makes a directory's entries (created, renamed, deleted names) durable. */
  fsyncDir(path: string): void;
  /** fsyncDir on the libuv thread pool, for the background flusher. */
  fsyncDirAsync(path: string): Promise<void>;
  /** Renames a file or a directory, replacing a file at `to`. */
  rename(from: string, to: string): void;
  unlink(path: string): void;
  /** Removes an empty directory. */
  rmdir(path: string): void;
  /** Creates the directory and its parents; no error if it exists. */
  mkdir(path: string): void;
  /** Names (not paths) of the entries of a directory. */
  readdir(path: string): string[];
  /** null when nothing exists at path. */
  stat(path: string): FileStat | null;
  exists(path: string): boolean;
  /** Whole-file read (checkpoints, metadata files). */
  readFile(path: string): Buffer;
  /** Whole-file write (create or replace contents), optionally fsynced before returning. */
  writeFile(path: string, data: Buffer | string, opts?: { fsync?: boolean }): void;
}
