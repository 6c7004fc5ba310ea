/**
 * The cleaner's key -> latest offset map (Kafka's SkimpyOffsetMap): an open-addressing hash table
 * in flat typed arrays, 24 bytes per slot: a 128-bit digest of the key and its offset. Keys are
 * never stored, only digests; as in Kafka, a digest collision between two live keys would make the
 * cleaner drop the older one's records, so the digest is 128 bits wide.
 *
 * Digest: MurmurHash3 x86_128 computed in JavaScript straight from the records buffer (no
 * allocation, ~10x cheaper per record than a native MD5 call, which is what Kafka uses), with a
 * random seed per map, so keys cannot be crafted offline to collide (MD5 collisions can be).
 *
 * Size: the map starts small and doubles (rehashing in chunks the caller can interleave with
 * other work, see grow()) up to `maxSlots` (log.cleaner.dedupe.buffer.size / 24); a log with few
 * distinct keys never allocates the whole dedupe buffer.
 *
 * Offsets here are JavaScript numbers (float64): exact up to 2^53, far beyond any offset a log
 * reaches; the cleaner refuses a log whose end offset is above Number.MAX_SAFE_INTEGER. This keeps
 * the per-record path free of bigint allocation (the rest of the broker uses bigint offsets).
 * Linear probing from the digest's first word; an all-zero digest marks an empty slot.
 */
import { randomInt } from 'node:crypto';

export const BYTES_PER_ENTRY = 24;
const C1 = 0x239b961b;
const C2 = 0xab0e9789;
const C3 = 0x38b34ae5;
const C4 = 0xa1e38b93;

/** The digest of the last key hashed (four 32-bit words). */
let d1 = 0;
let d2 = 0;
let d3 = 0;
let d4 = 0;

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** MurmurHash3_x86_128 of buf[start, start + length) into d1..d4. */
export function murmur3x86128(buf: Uint8Array, start: number, length: number, seed: number): void {
  let h1 = seed | 0;
  let h2 = h1;
  let h3 = h1;
  let h4 = h1;
  const end = start + length;
  const blocksEnd = start + (length & ~15);
  let p = start;
  for (; p < blocksEnd; p += 16) {
    let k1 = buf[p]! | (buf[p + 1]! << 8) | (buf[p + 2]! << 16) | (buf[p + 3]! << 24);
    let k2 = buf[p + 4]! | (buf[p + 5]! << 8) | (buf[p + 6]! << 16) | (buf[p + 7]! << 24);
    let k3 = buf[p + 8]! | (buf[p + 9]! << 8) | (buf[p + 10]! << 16) | (buf[p + 11]! << 24);
    let k4 = buf[p + 12]! | (buf[p + 13]! << 8) | (buf[p + 14]! << 16) | (buf[p + 15]! << 24);
    k1 = Math.imul(rotl(Math.imul(k1, C1), 15), C2);
    h1 ^= k1;
    h1 = (Math.imul(rotl(h1, 19) + h2, 5) + 0x561ccd1b) | 0;
    k2 = Math.imul(rotl(Math.imul(k2, C2), 16), C3);
    h2 ^= k2;
    h2 = (Math.imul(rotl(h2, 17) + h3, 5) + 0x0bcaa747) | 0;
    k3 = Math.imul(rotl(Math.imul(k3, C3), 17), C4);
    h3 ^= k3;
    h3 = (Math.imul(rotl(h3, 15) + h4, 5) + 0x96cd1c35) | 0;
    k4 = Math.imul(rotl(Math.imul(k4, C4), 18), C1);
    h4 ^= k4;
    h4 = (Math.imul(rotl(h4, 13) + h1, 5) + 0x32ac3b17) | 0;
  }
  let k1 = 0;
  let k2 = 0;
  let k3 = 0;
  let k4 = 0;
  const r = end - p;
  if (r >= 13) {
    if (r >= 15) k4 ^= buf[p + 14]! << 16;
    if (r >= 14) k4 ^= buf[p + 13]! << 8;
    k4 ^= buf[p + 12]!;
    h4 ^= Math.imul(rotl(Math.imul(k4, C4), 18), C1);
  }
  if (r >= 9) {
    if (r >= 12) k3 ^= buf[p + 11]! << 24;
    if (r >= 11) k3 ^= buf[p + 10]! << 16;
    if (r >= 10) k3 ^= buf[p + 9]! << 8;
    k3 ^= buf[p + 8]!;
    h3 ^= Math.imul(rotl(Math.imul(k3, C3), 17), C4);
  }
  if (r >= 5) {
    if (r >= 8) k2 ^= buf[p + 7]! << 24;
    if (r >= 7) k2 ^= buf[p + 6]! << 16;
    if (r >= 6) k2 ^= buf[p + 5]! << 8;
    k2 ^= buf[p + 4]!;
    h2 ^= Math.imul(rotl(Math.imul(k2, C2), 16), C3);
  }
  if (r >= 1) {
    if (r >= 4) k1 ^= buf[p + 3]! << 24;
    if (r >= 3) k1 ^= buf[p + 2]! << 16;
    if (r >= 2) k1 ^= buf[p + 1]! << 8;
    k1 ^= buf[p]!;
    h1 ^= Math.imul(rotl(Math.imul(k1, C1), 15), C2);
  }
  h1 ^= length;
  h2 ^= length;
  h3 ^= length;
  h4 ^= length;
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h3 = fmix(h3);
  h4 = fmix(h4);
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  if ((h1 | h2 | h3 | h4) === 0) h1 = 1; // all-zero marks an empty slot
  d1 = h1;
  d2 = h2;
  d3 = h3;
  d4 = h4;
}

/** The digest last computed by murmur3x86128, as unsigned words (tests). */
export function lastDigest(): [number, number, number, number] {
  return [d1 >>> 0, d2 >>> 0, d3 >>> 0, d4 >>> 0];
}

const INITIAL_SLOTS = 1 << 14;

export class OffsetMap {
  /** Largest number of slots this map may grow to. */
  readonly maxSlots: number;
  private slotCount: number;
  private hashes: Int32Array;
  private offsets: Float64Array;
  private entries = 0;
  private lookups = 0;
  private probes = 0;
  private readonly seed = randomInt(0, 0x7fffffff);
  /** The largest offset put in or passed over (Kafka's latestOffset); -1 when none. */
  latestOffset = -1;

  constructor(maxSlots: number, initialSlots = INITIAL_SLOTS) {
    if (!Number.isSafeInteger(maxSlots) || maxSlots < 2) throw new RangeError(`invalid offset map size ${maxSlots}`);
    this.maxSlots = maxSlots;
    this.slotCount = Math.min(maxSlots, Math.max(2, initialSlots));
    this.hashes = new Int32Array(this.slotCount * 4);
    this.offsets = new Float64Array(this.slotCount);
  }

  /** Slots fitting in `memoryBytes` (log.cleaner.dedupe.buffer.size per cleaner thread). */
  static slotsFor(memoryBytes: number): number {
    return Math.max(2, Math.floor(memoryBytes / BYTES_PER_ENTRY));
  }

  get slots(): number {
    return this.slotCount;
  }

  get size(): number {
    return this.entries;
  }

  /** Share of the largest allowed size in use (Kafka's utilization). */
  get utilization(): number {
    return this.entries / this.maxSlots;
  }

  /** Extra probes per lookup (collisions of the first word). */
  get collisionRate(): number {
    return this.lookups === 0 ? 0 : (this.probes - this.lookups) / this.lookups;
  }

  /** Slot holding digest d1..d4, or the empty slot where it would go. */
  private slotOfDigest(): number {
    this.lookups++;
    const n = this.slotCount;
    let slot = (d1 >>> 0) % n;
    const h = this.hashes;
    for (;;) {
      this.probes++;
      const at = slot << 2;
      const a = h[at]!;
      const b = h[at + 1]!;
      const c = h[at + 2]!;
      const d = h[at + 3]!;
      if (a === d1 && b === d2 && c === d3 && d === d4) return slot;
      if ((a | b | c | d) === 0) return slot;
      slot = slot + 1 === n ? 0 : slot + 1;
    }
  }

  private isEmpty(slot: number): boolean {
    const at = slot << 2;
    const h = this.hashes;
    return (h[at]! | h[at + 1]! | h[at + 2]! | h[at + 3]!) === 0;
  }

  /** Whether the table should double before the next put (it is over `loadFactor` full and may grow). */
  needsGrowth(loadFactor: number): boolean {
    return this.slotCount < this.maxSlots && this.entries + 1 > this.slotCount * loadFactor;
  }

  /**
   * Doubles the table (up to maxSlots), reinserting the entries `chunk` slots at a time; between
   * chunks `between` is awaited when given (the cleaner yields to the event loop there).
   */
  async grow(between?: () => Promise<void> | void, chunk = 1 << 16): Promise<void> {
    const oldHashes = this.hashes;
    const oldOffsets = this.offsets;
    const oldSlots = this.slotCount;
    const next = Math.min(this.maxSlots, oldSlots * 2);
    if (next === oldSlots) return;
    this.slotCount = next;
    this.hashes = new Int32Array(next * 4);
    this.offsets = new Float64Array(next);
    for (let i = 0; i < oldSlots; i++) {
      const at = i << 2;
      const a = oldHashes[at]!;
      const b = oldHashes[at + 1]!;
      const c = oldHashes[at + 2]!;
      const d = oldHashes[at + 3]!;
      if ((a | b | c | d) !== 0) {
        d1 = a;
        d2 = b;
        d3 = c;
        d4 = d;
        const slot = this.slotOfDigest();
        const to = slot << 2;
        this.hashes[to] = a;
        this.hashes[to + 1] = b;
        this.hashes[to + 2] = c;
        this.hashes[to + 3] = d;
        this.offsets[slot] = oldOffsets[i]!;
      }
      if (between && (i + 1) % chunk === 0) await between();
    }
  }

  /** Records `offset` as the latest for the key buf[start, start + length). */
  put(buf: Uint8Array, start: number, length: number, offset: number): void {
    murmur3x86128(buf, start, length, this.seed);
    const slot = this.slotOfDigest();
    if (this.isEmpty(slot)) {
      if (this.entries >= this.slotCount - 1) throw new RangeError('offset map is full');
      const at = slot << 2;
      this.hashes[at] = d1;
      this.hashes[at + 1] = d2;
      this.hashes[at + 2] = d3;
      this.hashes[at + 3] = d4;
      this.entries++;
    }
    this.offsets[slot] = offset;
    if (offset > this.latestOffset) this.latestOffset = offset;
  }

  /** The latest offset recorded for the key buf[start, start + length), or -1. */
  get(buf: Uint8Array, start: number, length: number): number {
    murmur3x86128(buf, start, length, this.seed);
    const slot = this.slotOfDigest();
    return this.isEmpty(slot) ? -1 : this.offsets[slot]!;
  }

  updateLatestOffset(offset: number): void {
    if (offset > this.latestOffset) this.latestOffset = offset;
  }
}
