/**
 * What the admin commands share: the client built from --bootstrap-server (and client
 * properties), an action wrapper that turns every failure into one `error: ...` line on stderr and
 * exit code 1, key=value parsing, number parsing, and plain-text tables.
 */
import { InvalidArgumentError } from 'commander';
import { ClientError, KafkaError, KafkaClient, type ClientOptions } from '../client/index.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { readPropertiesFile } from '../config/sources.js';

/** A mistake in the command line: printed as is. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The one-line text of an error, without stack traces. */
export function describeError(err: unknown): string {
  if (err instanceof KafkaError || err instanceof ClientError || err instanceof UsageError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}

/** "Topic 'x' does not exist." for UNKNOWN_TOPIC_OR_PARTITION, else the error's own line. */
export function unknownTopicMessage(err: unknown, topic: string): string {
  if (err instanceof KafkaError && err.code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) return `Topic '${topic}' does not exist.`;
  return describeError(err);
}

/** A reader that went away (`gregor consume | head`) ends the command quietly, as for any Unix tool. */
function exitOnBrokenPipe(): void {
  if (process.stdout.listenerCount('error') > 0) return;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

/** Runs a command body; any error becomes "error: <message>" on stderr and exit code 1. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void> | void): (...args: A) => Promise<void> {
  return async (...args: A) => {
    exitOnBrokenPipe();
    try {
      await fn(...args);
    } catch (err) {
      process.stderr.write(`error: ${describeError(err)}\n`);
      process.exitCode = 1;
    }
  };
}

/** Repeatable option collector (commander). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Parses a whole decimal integer option value, for commander. */
export function intOption(name: string, min = Number.MIN_SAFE_INTEGER) {
  return (value: string): number => {
    if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError(`${name} must be an integer.`);
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}.`);
    return n;
  };
}

/** "k=v" strings into a map; values may contain '='. */
export function parseKeyValues(pairs: readonly string[], what: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const pair of pairs) {
    const i = pair.indexOf('=');
    if (i <= 0) throw new UsageError(`Invalid ${what} '${pair}': expected key=value.`);
    out.set(pair.slice(0, i).trim(), pair.slice(i + 1));
  }
  return out;
}

/** Client properties from a properties file (--command-config and friends) plus key=value overrides. */
export function clientProperties(file: string | undefined, pairs: readonly string[], what: string): Map<string, string> {
  const props = new Map<string, string>();
  if (file) {
    try {
      for (const [k, v] of readPropertiesFile(file)) props.set(k, v);
    } catch (err) {
      throw new UsageError(`Cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  for (const [k, v] of parseKeyValues(pairs, what)) props.set(k, v);
  return props;
}

function numberProp(props: ReadonlyMap<string, string>, name: string): number | undefined {
  const raw = props.get(name);
  if (raw === undefined) return undefined;
  const n = Number(raw.trim());
  if (!Number.isFinite(n)) throw new UsageError(`Invalid value ${raw} for configuration ${name}: Not a number.`);
  return n;
}

/** A KafkaClient for a command: fail fast on a wrong bootstrap server (3 retries), Kafka's timeouts otherwise. */
export function createClient(bootstrap: string, props: ReadonlyMap<string, string> = new Map(), clientId = 'gregor-cli'): KafkaClient {
  const options: ClientOptions = {
    bootstrapServers: bootstrap,
    clientId: props.get('client.id') ?? clientId,
    retries: 3,
    requestTimeoutMs: numberProp(props, 'request.timeout.ms'),
    connectTimeoutMs: numberProp(props, 'socket.connection.setup.timeout.ms'),
    retryBackoffMs: numberProp(props, 'retry.backoff.ms'),
    retryBackoffMaxMs: numberProp(props, 'retry.backoff.max.ms'),
    apiTimeoutMs: numberProp(props, 'default.api.timeout.ms'),
  };
  try {
    return new KafkaClient(options);
  } catch (err) {
    throw new UsageError(describeError(err));
  }
}

/** Runs `fn` with a client and always closes it. */
export async function withClient<T>(client: KafkaClient, fn: (client: KafkaClient) => Promise<T>): Promise<T> {
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

/** Rows under upper-case headers, columns padded to their widest cell and separated by two spaces. */
export function renderTable(headers: readonly string[], rows: readonly (readonly (string | number | bigint | null | undefined)[])[]): string {
  const cells = [headers.map(String), ...rows.map((r) => r.map((c) => (c === null || c === undefined ? '-' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}

/** JSON with bigints as numbers when exact, else strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString()) : v));
}

/** Writes to stdout and resolves once the data is handed to the OS (so piping into `head` works). */
export function writeOut(text: string): Promise<void> {
  return new Promise((resolve) => {
    if (process.stdout.write(text)) resolve();
    else process.stdout.once('drain', resolve);
  });
}
