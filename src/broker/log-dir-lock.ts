/**
 * Exclusive use of the log directories, as Kafka's `.lock` file in every log dir gives: a second
 * broker pointed at directories in use must stop before it reads or writes anything there.
 * Without it, a second `gregor start` on the same `log.dirs` runs recovery on the live logs,
 * rewrites the checkpoints and, when it fails to bind its port and shuts down, writes
 * `.kafka_cleanshutdown` under the running broker, so that broker's next crash would skip recovery.
 *
 * On-disk format (NodeStorageFs): `<log dir>/.lock`, created with exclusive create ('wx'), holding
 * one JSON object {"pid":<number>,"hostname":"<string>","processStart":"<string or null>"}
 * (processStart: field 22 of /proc/<pid>/stat, the process start time, where Linux has it).
 * Kafka holds an flock on its `.lock`; Node has no flock, so a lock whose owner is gone (kill -9,
 * a crash, a container restart: another host name, a dead pid, or a live pid that is a different
 * process) is stale and taken over. Removed on close. Brokers in one process (the embedding API)
 * are also kept apart by path per StorageFs instance, which covers in-memory storage.
 */
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { NodeStorageFs } from '../storage/fs/node-fs.js';
import type { StorageFs } from '../storage/fs/storage-fs.js';

export const LOCK_FILE = '.lock';

export class LogDirLockError extends Error {
  override name = 'LogDirLockError';
}

interface LockOwner {
  pid: number;
  hostname: string;
  processStart: string | null;
}

/** Directories locked by this process: per MemoryStorageFs instance, or shared by every NodeStorageFs (one real disk). */
const heldInProcess = new WeakMap<object, Set<string>>();
const REAL_DISK = {};

function heldKey(fs: StorageFs): object {
  return fs instanceof NodeStorageFs ? REAL_DISK : fs;
}

function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm)" start at field 3 (state); the start time is field 22.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function ownerIsAlive(owner: LockOwner): boolean {
  if (owner.hostname !== hostname()) return false;
  if (owner.pid === process.pid) return false;
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const start = processStart(owner.pid);
  return !(owner.processStart !== null && start !== null && start !== owner.processStart);
}

function readOwner(path: string): LockOwner | null {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>;
    if (typeof parsed.pid !== 'number' || typeof parsed.hostname !== 'string') return null;
    return { pid: parsed.pid, hostname: parsed.hostname, processStart: typeof parsed.processStart === 'string' ? parsed.processStart : null };
  } catch {
    return null;
  }
}

function inUse(dir: string): LogDirLockError {
  return new LogDirLockError(`Failed to acquire lock on file ${LOCK_FILE} in ${dir}. A Kafka instance in another process or thread is using this directory.`);
}

export class LogDirLock {
  private released = false;

  private constructor(
    private readonly fs: StorageFs,
    private readonly dirs: string[],
    private readonly files: string[],
    private readonly body: string,
  ) {}

  /** Locks every directory or none; throws LogDirLockError naming the first one in use. */
  static acquire(fs: StorageFs, dirs: readonly string[]): LogDirLock {
    const unique = [...new Set(dirs.map((d) => resolve(d)))].sort();
    let held = heldInProcess.get(heldKey(fs));
    if (!held) heldInProcess.set(heldKey(fs), (held = new Set()));
    for (const d of unique) if (held.has(d)) throw inUse(d);
    const owner: LockOwner = { pid: process.pid, hostname: hostname(), processStart: processStart(process.pid) };
    const body = JSON.stringify(owner);
    const files: string[] = [];
    const lock = new LogDirLock(fs, unique, files, body);
    for (const d of unique) held.add(d);
    try {
      if (fs instanceof NodeStorageFs) {
        for (const d of unique) {
          fs.mkdir(d);
          const file = join(d, LOCK_FILE);
          LogDirLock.createLockFile(file, body, d);
          files.push(file);
        }
      }
    } catch (err) {
      lock.release();
      throw err;
    }
    return lock;
  }

  private static createLockFile(file: string, body: string, dir: string): void {
    for (let attempt = 0; ; attempt++) {
      try {
        writeFileSync(file, body, { flag: 'wx' });
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw (err as NodeJS.ErrnoException).code === 'EEXIST' ? inUse(dir) : err;
      }
      const owner = readOwner(file);
      if (owner !== null && ownerIsAlive(owner)) throw inUse(dir);
      // Stale: left by a process that is gone.
      try {
        unlinkSync(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
  }

  /** Removes the lock files this process wrote. Idempotent. */
  release(): void {
    if (this.released) return;
    this.released = true;
    for (const file of this.files) {
      try {
        if (readFileSync(file, 'utf8') === this.body) unlinkSync(file);
      } catch {
        // already gone
      }
    }
    const held = heldInProcess.get(heldKey(this.fs));
    for (const d of this.dirs) held?.delete(d);
  }
}
