/**
 * Kafka's default partitioning (Java's BuiltInPartitioner, KIP-794):
 * - a record with a key goes to toPositive(murmur2(key)) % numPartitions, so the same key lands on
 *   the same partition as with the Java client, librdkafka's murmur2 partitioner and kafkajs';
 * - records without a key stick to one partition until about batch.size bytes went to it, then
 *   move to another partition chosen at random among those with a leader.
 */

/** Java's Utils.murmur2: 32-bit MurmurHash2 with seed 0x9747b28c, as a signed int32. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  const m = 0x5bd1e995;
  const r = 24;
  let h = (0x9747b28c ^ length) | 0;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = data[i4]! | (data[i4 + 1]! << 8) | (data[i4 + 2]! << 16) | (data[i4 + 3]! << 24);
    k = Math.imul(k, m);
    k ^= k >>> r;
    k = Math.imul(k, m);
    h = Math.imul(h, m);
    h ^= k;
  }
  // Java's switch on length % 4 falls through from case 3 to case 1.
  const tail = length & ~3;
  const rest = length % 4;
  if (rest >= 3) h ^= data[tail + 2]! << 16;
  if (rest >= 2) h ^= data[tail + 1]! << 8;
  if (rest >= 1) {
    h ^= data[tail]!;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** Java's Utils.toPositive. */
export function toPositive(n: number): number {
  return n & 0x7fffffff;
}

/** The partition of a keyed record among numPartitions. */
export function partitionForKey(key: Uint8Array, numPartitions: number): number {
  return toPositive(murmur2(key)) % numPartitions;
}

interface StickyState {
  partition: number;
  bytes: number;
}

/** Default partitioner: murmur2 for keys, sticky batches for null keys. */
export class DefaultPartitioner {
  private readonly sticky = new Map<string, StickyState>();

  constructor(
    /** Bytes sent to one partition before a null-key record moves on (batch.size). */
    private readonly batchSize = 16_384,
    private readonly random: () => number = Math.random,
  ) {}

  /**
   * The partition for a record. `available` lists partitions that currently have a leader (all of
   * them when empty); `recordBytes` is the record's approximate size, counted toward stickiness.
   */
  partition(topic: string, key: Uint8Array | null | undefined, numPartitions: number, available: readonly number[], recordBytes: number): number {
    if (key != null) return partitionForKey(key, numPartitions);
    let state = this.sticky.get(topic);
    if (!state || state.bytes >= this.batchSize || state.partition >= numPartitions) {
      state = { partition: this.pick(numPartitions, available, state?.partition), bytes: 0 };
      this.sticky.set(topic, state);
    }
    state.bytes += recordBytes;
    return state.partition;
  }

  private pick(numPartitions: number, available: readonly number[], previous: number | undefined): number {
    const choices = available.length > 0 ? available : Array.from({ length: numPartitions }, (_, i) => i);
    const others = choices.length > 1 && previous !== undefined ? choices.filter((p) => p !== previous) : choices;
    return others[Math.floor(this.random() * others.length)]!;
  }
}
