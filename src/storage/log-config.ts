/**
 * The per-partition log settings the storage layer reads, named after Kafka's topic configs:
 * segment.bytes, segment.ms, segment.jitter.ms, index.interval.bytes, segment.index.bytes,
 * flush.messages, flush.ms. Kafka's Long.MAX_VALUE ("never") is Number.MAX_SAFE_INTEGER here.
 */
export interface LogConfig {
  segmentBytes: number;
  segmentMs: number;
  segmentJitterMs?: number;
  indexIntervalBytes: number;
  segmentIndexBytes: number;
  flushIntervalMessages: number;
  flushIntervalMs: number;
}

/** Kafka's defaults (log.segment.bytes 1 GiB, log.roll.ms 7 days, 4 KiB index interval, 10 MiB index). */
export const DEFAULT_LOG_CONFIG: Readonly<LogConfig> = Object.freeze({
  segmentBytes: 1024 * 1024 * 1024,
  segmentMs: 7 * 24 * 60 * 60 * 1000,
  segmentJitterMs: 0,
  indexIntervalBytes: 4096,
  segmentIndexBytes: 10 * 1024 * 1024,
  flushIntervalMessages: Number.MAX_SAFE_INTEGER,
  flushIntervalMs: Number.MAX_SAFE_INTEGER,
});

/**
 * Kafka's LogConfig.randomSegmentJitter: a random value in [0, min(jitter, segment.ms)),
 * drawn once per segment and subtracted from segment.ms.
 */
export function randomSegmentJitter(config: LogConfig, random: () => number): number {
  const jitter = config.segmentJitterMs ?? 0;
  if (jitter <= 0) return 0;
  return Math.floor(random() * Math.min(jitter, config.segmentMs));
}
