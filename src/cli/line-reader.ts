/**
 * kafka-console-producer's LineMessageReader: one record per input line, optionally
 *   <headers><headers.delimiter><key><key.separator><value>
 * with headers as k1<headers.key.separator>v1<headers.separator>k2... Properties and defaults
 * as in Kafka: parse.key (false), key.separator (\t), parse.headers (false), headers.delimiter
 * (\t), headers.separator (,), headers.key.separator (:), null.marker (unset), ignore.error
 * (false). Errors carry Kafka's messages ("No key separator found on line number 3: 'abc'").
 */
import { UsageError } from './common.js';

export interface LineReaderConfig {
  parseKey: boolean;
  keySeparator: string;
  parseHeaders: boolean;
  headersDelimiter: string;
  headersSeparator: string;
  headersKeySeparator: string;
  nullMarker: string | null;
  ignoreError: boolean;
}

export interface ParsedLine {
  key: string | null;
  value: string | null;
  headers: { key: string; value: string | null }[];
}

const KNOWN = new Set(['parse.key', 'key.separator', 'parse.headers', 'headers.delimiter', 'headers.separator', 'headers.key.separator', 'null.marker', 'ignore.error']);

export function lineReaderConfig(props: ReadonlyMap<string, string>): LineReaderConfig {
  for (const k of props.keys()) if (!KNOWN.has(k)) throw new UsageError(`Unknown --property '${k}' (known: ${[...KNOWN].join(', ')})`);
  const bool = (k: string) => (props.get(k) ?? 'false').trim().toLowerCase() === 'true';
  const config: LineReaderConfig = {
    parseKey: bool('parse.key'),
    keySeparator: props.get('key.separator') ?? '\t',
    parseHeaders: bool('parse.headers'),
    headersDelimiter: props.get('headers.delimiter') ?? '\t',
    headersSeparator: props.get('headers.separator') ?? ',',
    headersKeySeparator: props.get('headers.key.separator') ?? ':',
    nullMarker: props.get('null.marker') ?? null,
    ignoreError: bool('ignore.error'),
  };
  for (const [name, value] of [
    ['key.separator', config.keySeparator],
    ['headers.delimiter', config.headersDelimiter],
    ['headers.separator', config.headersSeparator],
    ['headers.key.separator', config.headersKeySeparator],
  ] as const) {
    if (value === '') throw new UsageError(`${name} must not be empty`);
  }
  if (config.headersSeparator === config.headersKeySeparator) throw new UsageError('headers.separator and headers.key.separator may not be equal');
  if (config.nullMarker !== null) {
    if (config.nullMarker === '') throw new UsageError('null.marker should not be empty');
    if (config.nullMarker === config.keySeparator) throw new UsageError(`null.marker and key.separator may not be equal`);
    if (config.nullMarker === config.headersSeparator) throw new UsageError(`null.marker and headers.separator may not be equal`);
    if (config.nullMarker === config.headersKeySeparator) throw new UsageError(`null.marker and headers.key.separator may not be equal`);
  }
  return config;
}

export class LineParseError extends Error {
  override name = 'LineParseError';
}

function part(config: LineReaderConfig, enabled: boolean, line: string, start: number, demarcation: string, name: string, lineNumber: number): string | null {
  if (!enabled) return null;
  const index = line.indexOf(demarcation, start);
  if (index === -1) {
    if (config.ignoreError) return null;
    throw new LineParseError(`No ${name} found on line number ${lineNumber}: '${line}'`);
  }
  return line.slice(start, index);
}

export function parseLine(config: LineReaderConfig, line: string, lineNumber: number): ParsedLine {
  const headers = part(config, config.parseHeaders, line, 0, config.headersDelimiter, 'headers delimiter', lineNumber);
  const headerOffset = headers === null ? 0 : headers.length + config.headersDelimiter.length;
  const key = part(config, config.parseKey, line, headerOffset, config.keySeparator, 'key separator', lineNumber);
  const keyOffset = key === null ? 0 : key.length + config.keySeparator.length;
  const value = line.slice(headerOffset + keyOffset);
  const orNull = (s: string | null) => (s === null || s === config.nullMarker ? null : s);
  const parsed: ParsedLine = { key: orNull(key), value: orNull(value), headers: [] };
  if (headers !== null && headers !== config.nullMarker) {
    for (const pair of headers.split(config.headersSeparator)) {
      const i = pair.indexOf(config.headersKeySeparator);
      if (i === -1) {
        if (config.ignoreError) {
          parsed.headers.push({ key: pair, value: null });
          continue;
        }
        throw new LineParseError(`No header key separator found in pair '${pair}' on line number ${lineNumber}`);
      }
      const headerKey = pair.slice(0, i);
      if (headerKey === config.nullMarker) throw new LineParseError(`Header keys should not be equal to the null marker '${config.nullMarker}' as they can't be null`);
      parsed.headers.push({ key: headerKey, value: orNull(pair.slice(i + config.headersKeySeparator.length)) });
    }
  }
  return parsed;
}
