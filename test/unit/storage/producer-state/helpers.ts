import { dirname, join } from 'node:path';
import { BatchHeader } from '../../../../src/protocol/records/batch-header.js';
import type { ProducerSnapshotFs } from '../../../../src/storage/producer-state/index.js';

/** In-memory file system with the minimal synchronous interface. */
export class MemFs implements ProducerSnapshotFs {
  readonly files = new Map<string, Buffer>();
  readonly dirs = new Set<string>();

  mkdir(dir: string): void {
    this.dirs.add(dir);
  }
  writeFileSync(path: string, data: Buffer): void {
    if (!this.dirs.has(dirname(path))) throw enoent(path);
    this.files.set(path, Buffer.from(data));
  }
  readFileSync(path: string): Buffer {
    const b = this.files.get(path);
    if (!b) throw enoent(path);
    return Buffer.from(b);
  }
  readdirSync(dir: string): string[] {
    if (!this.dirs.has(dir)) throw enoent(dir);
    return [...this.files.keys()].filter((p) => dirname(p) === dir).map((p) => p.slice(dir.length + 1)).sort();
  }
  unlinkSync(path: string): void {
    if (!this.files.delete(path)) throw enoent(path);
  }
  renameSync(from: string, to: string): void {
    const b = this.files.get(from);
    if (!b) throw enoent(from);
    this.files.delete(from);
    this.files.set(to, b);
  }
  existsSync(path: string): boolean {
    return this.files.has(path) || this.dirs.has(path);
  }
  names(dir: string): string[] {
    return this.readdirSync(dir);
  }
  path(dir: string, name: string): string {
    return join(dir, name);
  }
}

function enoent(path: string): Error {
  return Object.assign(new Error(`ENOENT: no such file or directory, '${path}'`), { code: 'ENOENT' });
}

export interface BatchSpec {
  baseOffset?: bigint;
  producerId?: bigint;
  epoch?: number;
  baseSequence?: number;
  /** Number of records (lastOffsetDelta = count - 1). */
  count?: number;
  maxTimestamp?: bigint;
  transactional?: boolean;
  control?: boolean;
}

/** A real 61-byte v2 batch header (no records), read through BatchHeader. */
export function batch(spec: BatchSpec): BatchHeader {
  const buf = Buffer.alloc(61);
  const count = spec.count ?? 1;
  buf.writeBigInt64BE(spec.baseOffset ?? 0n, 0);
  buf.writeInt32BE(49, 8);
  buf.writeInt32BE(-1, 12);
  buf.writeInt8(2, 16);
  buf.writeInt16BE((spec.transactional ? 0x10 : 0) | (spec.control ? 0x20 : 0), 21);
  buf.writeInt32BE(count - 1, 23);
  buf.writeBigInt64BE(spec.maxTimestamp ?? 1000n, 27);
  buf.writeBigInt64BE(spec.maxTimestamp ?? 1000n, 35);
  buf.writeBigInt64BE(spec.producerId ?? 1000n, 43);
  buf.writeInt16BE(spec.epoch ?? 0, 51);
  buf.writeInt32BE(spec.baseSequence ?? 0, 53);
  buf.writeInt32BE(count, 57);
  return new BatchHeader(buf);
}

/** A fake clock. */
export class FakeClock {
  constructor(public nowMs = 1_000_000) {}
  readonly time = (): number => this.nowMs;
  advance(ms: number): void {
    this.nowMs += ms;
  }
}
