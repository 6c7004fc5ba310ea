/**
 * kafka-console-consumer's DefaultMessageFormatter: with the properties print.timestamp,
 * print.partition, print.offset, print.headers, print.key, print.value (default true), in that
 * order, separated by key.separator (\t), ending with line.separator (\n); headers as
 * k<headers.key.separator>v joined by headers.separator or NO_HEADERS; null as null.literal.
 */
import type { ConsumerRecord } from '../client/index.js';
import { UsageError } from './common.js';

export interface FormatterConfig {
  printTimestamp: boolean;
  printPartition: boolean;
  printOffset: boolean;
  printHeaders: boolean;
  printKey: boolean;
  printValue: boolean;
  keySeparator: string;
  lineSeparator: string;
  headersSeparator: string;
  headersKeySeparator: string;
  nullLiteral: string;
}

const KNOWN = new Set([
  'print.timestamp',
  'print.partition',
  'print.offset',
  'print.headers',
  'print.key',
  'print.value',
  'key.separator',
  'line.separator',
  'headers.separator',
  'headers.key.separator',
  'null.literal',
]);

export function formatterConfig(props: ReadonlyMap<string, string>): FormatterConfig {
  for (const k of props.keys()) if (!KNOWN.has(k)) throw new UsageError(`Unknown --property '${k}' (known: ${[...KNOWN].join(', ')})`);
  const bool = (k: string, dflt: boolean) => {
    const v = props.get(k);
    return v === undefined ? dflt : v.trim().toLowerCase() === 'true';
  };
  return {
    printTimestamp: bool('print.timestamp', false),
    printPartition: bool('print.partition', false),
    printOffset: bool('print.offset', false),
    printHeaders: bool('print.headers', false),
    printKey: bool('print.key', false),
    printValue: bool('print.value', true),
    keySeparator: props.get('key.separator') ?? '\t',
    lineSeparator: props.get('line.separator') ?? '\n',
    headersSeparator: props.get('headers.separator') ?? ',',
    headersKeySeparator: props.get('headers.key.separator') ?? ':',
    nullLiteral: props.get('null.literal') ?? 'null',
  };
}

export function formatRecord(c: FormatterConfig, r: ConsumerRecord): string {
  const bytes = (b: Buffer | null) => (b === null ? c.nullLiteral : b.toString('utf8'));
  let out = '';
  const sep = (more: boolean) => {
    out += more ? c.keySeparator : c.lineSeparator;
  };
  if (c.printTimestamp) {
    out += r.timestamp >= 0n ? `${r.timestampType}:${r.timestamp}` : 'NO_TIMESTAMP';
    sep(c.printPartition || c.printOffset || c.printHeaders || c.printKey || c.printValue);
  }
  if (c.printPartition) {
    out += `Partition:${r.partition}`;
    sep(c.printOffset || c.printHeaders || c.printKey || c.printValue);
  }
  if (c.printOffset) {
    out += `Offset:${r.offset}`;
    sep(c.printHeaders || c.printKey || c.printValue);
  }
  if (c.printHeaders) {
    out += r.headers.length === 0 ? 'NO_HEADERS' : r.headers.map((h) => `${h.key}${c.headersKeySeparator}${bytes(h.value)}`).join(c.headersSeparator);
    sep(c.printKey || c.printValue);
  }
  if (c.printKey) {
    out += bytes(r.key);
    sep(c.printValue);
  }
  if (c.printValue) {
    out += bytes(r.value);
    out += c.lineSeparator;
  }
  return out;
}

/** A record as one JSON object (keys, values and header values as UTF-8 text). */
export function recordJson(r: ConsumerRecord): Record<string, unknown> {
  const text = (b: Buffer | null) => (b === null ? null : b.toString('utf8'));
  return {
    topic: r.topic,
    partition: r.partition,
    offset: r.offset,
    timestamp: r.timestamp,
    timestampType: r.timestampType,
    key: text(r.key),
    value: text(r.value),
    headers: r.headers.map((h) => ({ key: h.key, value: text(h.value) })),
  };
}
