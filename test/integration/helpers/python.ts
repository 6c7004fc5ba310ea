/**
 * The Python client drivers in test/integration/python/clients, run with Debian's python3: one
 * JSON request on stdin, one JSON result on the last stdout line.
 */
import { join } from 'node:path';
import type { ConsumeResult, DeliveryReport, Headers, InMessage, OutMessage } from './messages.js';
import { assertSucceeded, DEBIAN_PYTHON, run, type RunResult } from './process.js';

const SCRIPTS = join(import.meta.dirname, '..', 'python', 'clients');
export const CONFLUENT_SCRIPT = join(SCRIPTS, 'confluent_client.py');
export const KAFKA_PYTHON_SCRIPT = join(SCRIPTS, 'kafka_python_client.py');

export type PythonClient = 'confluent-kafka' | 'kafka-python';

export interface PythonRun<T> {
  result: T;
  run: RunResult;
}

export async function runPython<T>(script: string, request: Record<string, unknown>, timeoutMs = 25_000): Promise<PythonRun<T>> {
  const r = assertSucceeded(
    await run(DEBIAN_PYTHON, [script], { input: JSON.stringify(request), timeoutMs, env: { PYTHONDONTWRITEBYTECODE: '1' } }),
  );
  const lines = r.stdout.trim().split('\n');
  try {
    return { result: JSON.parse(lines[lines.length - 1]!) as T, run: r };
  } catch {
    throw new Error(`${r.command}: no JSON result\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr.slice(-4000)}`);
  }
}

function scriptOf(client: PythonClient): string {
  return client === 'confluent-kafka' ? CONFLUENT_SCRIPT : KAFKA_PYTHON_SCRIPT;
}

interface PyReport {
  error: { code?: number; name?: string; str?: string } | null;
  partition?: number;
  offset?: number;
}

/**
 * Produces with confluent-kafka (config: librdkafka properties) or kafka-python (config:
 * KafkaProducer keyword arguments).
 */
export async function pythonProduce(
  client: PythonClient,
  bootstrap: string,
  topic: string,
  messages: OutMessage[],
  config: Record<string, unknown> = {},
): Promise<DeliveryReport[]> {
  const { result } = await runPython<{ reports: (PyReport | null)[] }>(scriptOf(client), { op: 'produce', bootstrap, topic, messages, config });
  return result.reports.map((r) => {
    if (r === null) return { error: { name: 'NO_DELIVERY_REPORT' } };
    if (r.error) return { error: { code: r.error.code, name: r.error.name, message: r.error.str } };
    return { partition: r.partition, offset: r.offset, error: null };
  });
}

interface PyMessage {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  headers: Headers;
  timestamp: number;
}

export async function pythonConsume(
  client: PythonClient,
  bootstrap: string,
  topic: string,
  partitions: number[],
  config: Record<string, unknown> = {},
): Promise<ConsumeResult & { errors?: unknown[] }> {
  const { result } = await runPython<{ messages: PyMessage[]; complete: boolean; errors?: unknown[] }>(scriptOf(client), {
    op: 'consume',
    bootstrap,
    topic,
    partitions,
    config,
  });
  const messages: InMessage[] = result.messages.map((m) => ({ ...m, headers: m.headers ?? [] }));
  return { messages, complete: result.complete, errors: result.errors };
}

export interface PythonOffsetsForTimes {
  /** One list per round, in query order; offset -1 (confluent-kafka) or null (kafka-python) when no record qualifies. */
  rounds: { partition: number; offset: number | null; timestamp?: number | null; error?: { code: number; name: string } | null }[][];
  /** partition -> [earliest, latest] */
  watermarks: Record<string, [number, number]>;
}

/** One offsets_for_times() call per round, all in one client process. */
export async function pythonOffsetsForTimes(
  client: PythonClient,
  bootstrap: string,
  topic: string,
  rounds: { partition: number; timestamp: number }[][],
): Promise<PythonOffsetsForTimes> {
  return (await runPython<PythonOffsetsForTimes>(scriptOf(client), { op: 'offsetsForTimes', bootstrap, topic, rounds })).result;
}

export async function pythonAdmin<T = unknown[]>(client: PythonClient, bootstrap: string, steps: Record<string, unknown>[]): Promise<T> {
  return (await runPython<{ results: T }>(scriptOf(client), { op: 'admin', bootstrap, steps })).result.results;
}
