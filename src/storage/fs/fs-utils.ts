/** Small helpers over StorageFs: atomic whole-file replace and recursive removal. */
import { dirname, join } from 'node:path';
import type { StorageFs } from './storage-fs.js';

/**
 * Replaces a file atomically as Kafka's checkpoint files do: write `<path>.tmp`, fsync it,
 * rename over `path`, fsync the directory. A crash leaves either the old or the new contents.
 */
export function writeFileAtomic(fs: StorageFs, path: string, data: Buffer | string): void {
  const tmp = `${path}.tmp`;
  fs.writeFile(tmp, data, { fsync: true });
  fs.rename(tmp, path);
  fs.fsyncDir(dirname(path));
}

/** Removes a file or a directory tree; no error when nothing is there. */
export function removeRecursive(fs: StorageFs, path: string): void {
  const st = fs.stat(path);
  if (!st) return;
  if (!st.isDirectory) {
    fs.unlink(path);
    return;
  }
  for (const name of fs.readdir(path)) removeRecursive(fs, join(path, name));
  fs.rmdir(path);
}

/** Unlinks a file if it exists; true when something was removed. */
export function unlinkIfExists(fs: StorageFs, path: string): boolean {
  if (!fs.exists(path)) return false;
  fs.unlink(path);
  return true;
}
