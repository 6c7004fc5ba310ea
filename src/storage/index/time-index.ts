/**
 * `<base offset>.timeindex`: a sparse map from timestamp to offset.
 *
 * Format (Kafka's TimeIndex): a sequence of 12-byte big-endian entries
 *   timestamp int64 | relativeOffset int32 (offset - segment base offset)
 * Timestamps strictly increase (an entry is added only when the segment's max timestamp grew).
 * An entry (T, O) says: the largest timestamp seen in the segment up to offset O is T, so any
 * record with a timestamp > T comes after O. When a segment stops being active (roll, close),
 * an entry with the segment's final max timestamp is added; the last slot is reserved for it.
 */
import { CorruptIndexError } from '../errors.js';
import type { StorageFs } from '../fs/storage-fs.js';
import { IndexFile } from './index-file.js';

export const TIME_INDEX_ENTRY_SIZE = 12;
/** RecordBatch.NO_TIMESTAMP */
export const NO_TIMESTAMP = -1n;

export interface TimestampOffset {
  timestamp: bigint;
  offset: bigint;
}

export class TimeIndex extends IndexFile {
  private last: TimestampOffset | null = null;

  constructor(fs: StorageFs, path: string, baseOffset: bigint, maxIndexSize: number, existing: boolean) {
    super(fs, path, baseOffset, maxIndexSize, TIME_INDEX_ENTRY_SIZE, existing);
  }

  private timestampAt = (slot: number): bigint => this.buf.readBigInt64BE(slot * TIME_INDEX_ENTRY_SIZE);
  private relativeAt = (slot: number): number => this.buf.readInt32BE(slot * TIME_INDEX_ENTRY_SIZE + 8);

  private parse(slot: number): TimestampOffset {
    return { timestamp: this.timestampAt(slot), offset: this.baseOffset + BigInt(this.relativeAt(slot)) };
  }

  /** Kafka reserves the last slot for the entry added when the segment becomes inactive. */
  override isFull(): boolean {
    return this.entries >= this.maxEntries - 1;
  }

  /** The last entry, or (NO_TIMESTAMP, baseOffset) when empty. */
  lastEntry(): TimestampOffset {
    this.ensureLoaded();
    if (this.last === null) {
      this.last = this.entryCount === 0 ? { timestamp: NO_TIMESTAMP, offset: this.baseOffset } : this.parse(this.entryCount - 1);
    }
    return this.last;
  }

  entry(n: number): TimestampOffset {
    if (n < 0 || n >= this.entries) throw new RangeError(`no entry ${n} in ${this.path}`);
    return this.parse(n);
  }

  /** The entry with the largest timestamp <= target, or (NO_TIMESTAMP, baseOffset). */
  lookup(targetTimestamp: bigint): TimestampOffset {
    this.ensureLoaded();
    const slot = this.largestLowerBound(this.timestampAt, targetTimestamp);
    return slot < 0 ? { timestamp: NO_TIMESTAMP, offset: this.baseOffset } : this.parse(slot);
  }

  /**
   * Adds (timestamp, offset) if the timestamp is larger than the last entry's. skipFullCheck is
   * for the final entry of a segment that becomes inactive (it may use the reserved slot).
   */
  maybeAppend(timestamp: bigint, offset: bigint, skipFullCheck = false): void {
    const last = this.lastEntry();
    if (!skipFullCheck && this.isFull()) throw new Error(`attempt to append to a full time index ${this.path}`);
    if (this.entryCount > 0 && offset < last.offset) {
      throw new Error(`attempt to append offset ${offset} below the last offset ${last.offset} in ${this.path}`);
    }
    if (this.entryCount > 0 && timestamp < last.timestamp) {
      throw new Error(`attempt to append timestamp ${timestamp} below the last timestamp ${last.timestamp} in ${this.path}`);
    }
    if (timestamp <= last.timestamp) return;
    if (this.entryCount >= this.maxEntries) return; // even the reserved slot is used
    const rel = offset - this.baseOffset;
    if (rel < 0n || rel > 0x7fffffffn) throw new RangeError(`offset ${offset} overflows time index ${this.path}`);
    const pos = this.appendSlot();
    this.buf.writeBigInt64BE(timestamp, pos);
    this.buf.writeInt32BE(Number(rel), pos + 8);
    this.last = { timestamp, offset };
  }

  /** Removes every entry with offset >= offset. */
  truncateTo(offset: bigint): void {
    this.ensureLoaded();
    const rel = offset - this.baseOffset;
    let n = this.entryCount;
    while (n > 0 && BigInt(this.relativeAt(n - 1)) >= rel) n--;
    this.truncateToEntries(n);
  }

  protected override truncateToEntries(n: number): void {
    super.truncateToEntries(n);
    this.last = null;
  }

  protected check(): void {
    let prevTs: bigint | null = null;
    let prevRel = -1;
    for (let i = 0; i < this.entryCount; i++) {
      const ts = this.timestampAt(i);
      const rel = this.relativeAt(i);
      if (rel < prevRel || rel < 0 || (prevTs !== null && ts <= prevTs)) {
        throw new CorruptIndexError(`time index ${this.path} entry ${i} (${ts}, ${rel}) is out of order`);
      }
      prevTs = ts;
      prevRel = rel;
    }
    this.last = null;
  }
}
