/** kcat (Debian package, librdkafka 2.0.2) as a producer, a group-less consumer and a metadata viewer. */
import type { ConsumeResult, InMessage, OutMessage } from './messages.js';
import { assertSucceeded, KCAT, run, type RunResult } from './process.js';

export interface KcatProduceOptions {
  /** librdkafka properties passed with -X. */
  config?: Record<string, string | number | boolean>;
  timeoutMs?: number;
}

function xArgs(config: Record<string, string | number | boolean> = {}): string[] {
  return Object.entries(config).flatMap(([k, v]) => ['-X', `${k}=${String(v)}`]);
}

/**
 * Produces with `kcat -P -K<TAB>`: one line per record, key before the tab. kcat's -H headers and
 * -p partition apply to a whole run, so consecutive records sharing headers and partition go in
 * one run; runs are sequential, which keeps the order. Keys must not be null; no tabs or newlines
 * in keys or values.
 */
export async function kcatProduce(bootstrap: string, topic: string, messages: OutMessage[], options: KcatProduceOptions = {}): Promise<RunResult[]> {
  const runs: OutMessage[][] = [];
  for (const m of messages) {
    if (m.key === null || m.value === null) throw new Error('kcatProduce needs a key and a value');
    if (/[\t\n]/.test(m.key + m.value)) throw new Error('kcatProduce: no tabs or newlines');
    const last = runs[runs.length - 1];
    const same = last && JSON.stringify(last[0]!.headers ?? []) === JSON.stringify(m.headers ?? []) && last[0]!.partition === m.partition;
    if (same) last.push(m);
    else runs.push([m]);
  }
  const results: RunResult[] = [];
  for (const group of runs) {
    const first = group[0]!;
    const args = ['-P', '-b', bootstrap, '-t', topic, '-K', '\t', ...xArgs(options.config)];
    for (const [k, v] of first.headers ?? []) args.push('-H', `${k}=${v}`);
    if (first.partition !== undefined) args.push('-p', String(first.partition));
    const input = group.map((m) => `${m.key}\t${m.value}\n`).join('');
    results.push(assertSucceeded(await run(KCAT, args, { input, timeoutMs: options.timeoutMs ?? 20_000 })));
  }
  return results;
}

/**
 * -e notices the end of a partition when a fetch at the end comes back empty, after the long poll
 * (fetch.wait.max.ms, 500 ms by default): a short one keeps the tests fast. Long polling itself
 * is tested separately with the default.
 */
const SHORT_FETCH_WAIT = { 'fetch.wait.max.ms': 50 };

interface KcatJsonMessage {
  topic: string;
  partition: number;
  offset: number;
  tstype: string;
  ts: number;
  headers?: string[];
  key: string | null;
  payload: string | null;
}

/** `kcat -C -e -J`: everything from the beginning of the given partitions (all when omitted) to their end. */
export async function kcatConsume(
  bootstrap: string,
  topic: string,
  options: { partitions?: number[]; config?: Record<string, string | number | boolean>; timeoutMs?: number } = {},
): Promise<ConsumeResult & { run: RunResult }> {
  const messages: InMessage[] = [];
  let last: RunResult | undefined;
  const partitionArgs = options.partitions ? options.partitions.map((p) => ['-p', String(p)]) : [[]];
  for (const pArgs of partitionArgs) {
    const r = assertSucceeded(
      await run(KCAT, ['-C', '-b', bootstrap, '-t', topic, ...pArgs, '-o', 'beginning', '-e', '-J', '-q', ...xArgs({ ...SHORT_FETCH_WAIT, ...options.config })], {
        timeoutMs: options.timeoutMs ?? 20_000,
      }),
    );
    last = r;
    for (const line of r.stdout.split('\n')) {
      if (!line.trim()) continue;
      const j = JSON.parse(line) as KcatJsonMessage;
      const headers: [string, string][] = [];
      for (let i = 0; i + 1 < (j.headers?.length ?? 0); i += 2) headers.push([j.headers![i]!, j.headers![i + 1]!]);
      messages.push({ topic: j.topic, partition: j.partition, offset: j.offset, key: j.key, value: j.payload, headers, timestamp: j.ts });
    }
  }
  return { messages, complete: true, run: last! };
}

export interface KcatMetadata {
  originating_broker: { id: number; name: string };
  query: { topic: string };
  controllerid?: number;
  brokers: { id: number; name: string }[];
  topics: { topic: string; error?: string; partitions: { partition: number; leader: number; replicas: { id: number }[]; isrs: { id: number }[]; error?: string }[] }[];
}

/** `kcat -L -J` (optionally for one topic). */
export async function kcatMetadata(bootstrap: string, topic?: string, config: Record<string, string | number | boolean> = {}): Promise<KcatMetadata> {
  const args = ['-L', '-J', '-b', bootstrap, ...(topic ? ['-t', topic] : []), ...xArgs(config)];
  const r = assertSucceeded(await run(KCAT, args, { timeoutMs: 15_000 }));
  return JSON.parse(r.stdout) as KcatMetadata;
}
