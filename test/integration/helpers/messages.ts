/** The client-neutral shape of records that the client adapters produce and consume. */

export type Headers = [string, string][];

/** A record to produce. Text only: every client adapter maps it to its own API. */
export interface OutMessage {
  key: string | null;
  value: string | null;
  headers?: Headers;
  partition?: number;
  /** CreateTime in ms (not every client can set it). */
  timestamp?: number;
}

/** A record as a consumer saw it. */
export interface InMessage {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  headers: Headers;
  timestamp: number;
}

/** What a producer adapter reports per record: the partition/offset the broker acknowledged, or the error. */
export interface DeliveryReport {
  partition?: number;
  offset?: number;
  /** The client's own error description (code and/or name and message), when delivery failed. */
  error?: { code?: number | string; name?: string; message?: string } | null;
}

export interface ConsumeResult {
  messages: InMessage[];
  /** True when every partition was read up to its end. */
  complete: boolean;
}

/** Keyed records with per-record headers, spread over a few keys (order matters within a key). */
export function keyedMessages(count: number, keys = ['alpha', 'beta', 'gamma', 'delta'], prefix = 'v'): OutMessage[] {
  const out: OutMessage[] = [];
  for (let i = 0; i < count; i++) {
    const key = keys[i % keys.length]!;
    out.push({ key, value: `${prefix}-${key}-${i}`, headers: [['seq', String(i)], ['key', key]] });
  }
  return out;
}

/** Groups consumed records by key, each group in (partition, offset) order. */
export function byKey(messages: InMessage[]): Map<string | null, InMessage[]> {
  const sorted = [...messages].sort((a, b) => a.partition - b.partition || a.offset - b.offset);
  const out = new Map<string | null, InMessage[]>();
  for (const m of sorted) {
    let list = out.get(m.key);
    if (!list) out.set(m.key, (list = []));
    list.push(m);
  }
  return out;
}

/** Sorts by partition then offset. */
export function inLogOrder(messages: InMessage[]): InMessage[] {
  return [...messages].sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}

/**
 * The check behind "keyed records with headers round-trip in order per key": every produced
 * record was consumed exactly once with its key, value and headers, all records of a key are in
 * one partition, and in that partition they appear in the order they were produced.
 * Returns a list of problems (empty when all is well) so a failure names the client pair.
 */
export function roundTripProblems(sent: OutMessage[], got: InMessage[]): string[] {
  const problems: string[] = [];
  if (got.length !== sent.length) problems.push(`consumed ${got.length} records, produced ${sent.length}`);
  const wanted = new Map<string | null, OutMessage[]>();
  for (const m of sent) {
    let list = wanted.get(m.key);
    if (!list) wanted.set(m.key, (list = []));
    list.push(m);
  }
  const seen = byKey(got);
  for (const [key, expected] of wanted) {
    const actual = seen.get(key) ?? [];
    const partitions = new Set(actual.map((m) => m.partition));
    if (key !== null && partitions.size > 1) problems.push(`key ${key} spread over partitions ${[...partitions].join(',')}`);
    const values = actual.map((m) => m.value);
    const expectedValues = expected.map((m) => m.value);
    if (JSON.stringify(values) !== JSON.stringify(expectedValues)) {
      problems.push(`key ${key}: values ${JSON.stringify(values.slice(0, 10))}... expected ${JSON.stringify(expectedValues.slice(0, 10))}...`);
      continue;
    }
    for (let i = 0; i < expected.length; i++) {
      const want = JSON.stringify(expected[i]!.headers ?? []);
      const have = JSON.stringify(actual[i]!.headers);
      if (want !== have) {
        problems.push(`key ${key} record ${i}: headers ${have}, expected ${want}`);
        break;
      }
    }
  }
  for (const key of seen.keys()) if (!wanted.has(key)) problems.push(`unexpected key ${key}`);
  return problems;
}
