/**
 * `<base offset>.index`: a sparse map from offset to byte position in the segment's .log file.
 *
 * Format (Kafka's OffsetIndex): a sequence of 8-byte big-endian entries
 *   relativeOffset int32 (offset - segment base offset) | position int32 (byte position in .log)
 * Offsets and positions strictly increase. An entry (O, P) says the batch starting at P holds
 * offsets up to O (Kafka indexes the last offset of the appended batches at their start
 * position), so a lookup takes the largest entry <= target and scans batch headers from P.
 * One entry per index.interval.bytes of log; no checksum (rebuilt from the log when in doubt).
 */
import { CorruptIndexError } from '../errors.js';
import type { StorageFs } from '../fs/storage-fs.js';
import { IndexFile } from './index-file.js';

export const OFFSET_INDEX_ENTRY_SIZE = 8;
const MAX_RELATIVE = 0x7fffffff;

export interface OffsetPosition {
  offset: bigint;
  position: number;
}

export class OffsetIndex extends IndexFile {
  constructor(fs: StorageFs, path: string, baseOffset: bigint, maxIndexSize: number, existing: boolean) {
    super(fs, path, baseOffset, maxIndexSize, OFFSET_INDEX_ENTRY_SIZE, existing);
  }

  private relativeAt = (slot: number): number => this.buf.readInt32BE(slot * OFFSET_INDEX_ENTRY_SIZE);
  private positionAt(slot: number): number {
    return this.buf.readInt32BE(slot * OFFSET_INDEX_ENTRY_SIZE + 4);
  }

  /** Whether offset fits as an int32 relative to the base offset. */
  canAppendOffset(offset: bigint): boolean {
    const rel = offset - this.baseOffset;
    return rel >= 0n && rel <= BigInt(MAX_RELATIVE);
  }

  /** The largest entry with offset <= target, or (baseOffset, 0) when there is none. */
  lookup(targetOffset: bigint): OffsetPosition {
    this.ensureLoaded();
    const rel = targetOffset - this.baseOffset;
    if (rel < 0n) return { offset: this.baseOffset, position: 0 };
    const key = rel > BigInt(MAX_RELATIVE) ? MAX_RELATIVE : Number(rel);
    const slot = this.largestLowerBound(this.relativeAt, key);
    if (slot < 0) return { offset: this.baseOffset, position: 0 };
    return { offset: this.baseOffset + BigInt(this.relativeAt(slot)), position: this.positionAt(slot) };
  }

  /** The last entry, or (baseOffset, 0) when empty. */
  lastEntry(): OffsetPosition {
    const n = this.entries;
    if (n === 0) return { offset: this.baseOffset, position: 0 };
    return { offset: this.baseOffset + BigInt(this.relativeAt(n - 1)), position: this.positionAt(n - 1) };
  }

  entry(n: number): OffsetPosition {
    if (n < 0 || n >= this.entries) throw new RangeError(`no entry ${n} in ${this.path}`);
    return { offset: this.baseOffset + BigInt(this.relativeAt(n)), position: this.positionAt(n) };
  }

  append(offset: bigint, position: number): void {
    this.ensureLoaded();
    if (this.isFull()) throw new Error(`attempt to append to a full index ${this.path} (${this.entryCount} entries)`);
    if (!this.canAppendOffset(offset)) throw new RangeError(`offset ${offset} overflows index ${this.path}`);
    const rel = Number(offset - this.baseOffset);
    if (this.entryCount > 0 && rel <= this.relativeAt(this.entryCount - 1)) {
      throw new Error(`attempt to append offset ${offset} no larger than the last offset in ${this.path}`);
    }
    const pos = this.appendSlot();
    this.buf.writeInt32BE(rel, pos);
    this.buf.writeInt32BE(position, pos + 4);
  }

  /** Removes every entry with offset >= offset. */
  truncateTo(offset: bigint): void {
    this.ensureLoaded();
    const rel = offset - this.baseOffset;
    if (rel < 0n) return this.truncateToEntries(0);
    const key = rel > BigInt(MAX_RELATIVE) ? MAX_RELATIVE : Number(rel);
    const slot = this.largestLowerBound(this.relativeAt, key);
    if (slot < 0) this.truncateToEntries(0);
    else if (this.relativeAt(slot) === key) this.truncateToEntries(slot);
    else this.truncateToEntries(slot + 1);
  }

  /** Drops entries pointing at or past logSize (a log cut shorter than its index). */
  truncateToPosition(logSize: number): void {
    let n = this.entries;
    while (n > 0 && this.positionAt(n - 1) >= logSize) n--;
    if (n < this.entryCount) this.truncateToEntries(n);
  }

  protected check(): void {
    let prevRel = -1;
    let prevPos = -1;
    for (let i = 0; i < this.entryCount; i++) {
      const rel = this.relativeAt(i);
      const pos = this.positionAt(i);
      if (rel <= prevRel || pos <= prevPos) {
        throw new CorruptIndexError(`index ${this.path} entry ${i} (${rel}, ${pos}) does not increase`);
      }
      prevRel = rel;
      prevPos = pos;
    }
  }
}
