/**
 * Java's String.hashCode (31 * h + UTF-16 code unit, int32 overflow) and Kafka's Utils.abs, which
 * place a group on a partition of __consumer_offsets: abs(groupId.hashCode()) % numPartitions.
 * Tools that read the topic (Burrow, kafka-consumer-groups) rely on the same placement.
 */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** Kafka's Utils.abs: Integer.MIN_VALUE maps to 0 instead of staying negative. */
export function kafkaAbs(n: number): number {
  return n === -2147483648 ? 0 : Math.abs(n);
}

export function partitionForKey(key: string, numPartitions: number): number {
  return kafkaAbs(javaStringHashCode(key)) % numPartitions;
}
