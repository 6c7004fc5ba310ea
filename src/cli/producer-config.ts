/** Kafka producer properties (acks, compression.type, linger.ms, ...) to ProducerOptions, for produce and perf produce. */
import type { ProducerOptions } from '../client/index.js';
import { CompressionType } from '../protocol/records/batch-header.js';
import { UsageError } from './common.js';

const CODECS: Readonly<Record<string, CompressionType>> = {
  none: CompressionType.None,
  gzip: CompressionType.Gzip,
  snappy: CompressionType.Snappy,
  lz4: CompressionType.Lz4,
  zstd: CompressionType.Zstd,
};

export function compressionCodec(name: string): CompressionType {
  const c = CODECS[name.trim().toLowerCase()];
  if (c === undefined) throw new UsageError(`Invalid compression codec '${name}': expected one of ${Object.keys(CODECS).join(', ')}`);
  return c;
}

export function parseAcks(value: string): number {
  const v = value.trim().toLowerCase();
  if (v === 'all' || v === '-1') return -1;
  if (v === '0' || v === '1') return Number(v);
  throw new UsageError(`Invalid value ${value} for configuration acks: String must be one of: all, -1, 0, 1`);
}

function int(props: ReadonlyMap<string, string>, name: string, min: number): number | undefined {
  const raw = props.get(name);
  if (raw === undefined) return undefined;
  const v = raw.trim();
  if (!/^-?\d+$/.test(v) || Number(v) < min) throw new UsageError(`Invalid value ${raw} for configuration ${name}: expected an integer >= ${min}`);
  return Number(v);
}

/** Producer options from Kafka property names; unknown names are left to the caller. */
export function producerOptions(props: ReadonlyMap<string, string>): ProducerOptions {
  const options: ProducerOptions = {
    lingerMs: int(props, 'linger.ms', 0),
    batchSize: int(props, 'batch.size', 0),
    maxRequestSize: int(props, 'max.request.size', 1),
    requestTimeoutMs: int(props, 'request.timeout.ms', 1),
    deliveryTimeoutMs: int(props, 'delivery.timeout.ms', 1),
    retries: int(props, 'retries', 0),
    retryBackoffMs: int(props, 'retry.backoff.ms', 0),
    retryBackoffMaxMs: int(props, 'retry.backoff.max.ms', 0),
    maxInFlight: int(props, 'max.in.flight.requests.per.connection', 1),
  };
  const acks = props.get('acks');
  if (acks !== undefined) options.acks = parseAcks(acks);
  const compression = props.get('compression.type');
  if (compression !== undefined) options.compression = compressionCodec(compression);
  const level = props.get('compression.gzip.level');
  if (level !== undefined) options.compressionLevel = int(props, 'compression.gzip.level', -1);
  return options;
}
