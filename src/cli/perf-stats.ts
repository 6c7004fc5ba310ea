/**
 * Throughput and latency bookkeeping for the perf commands, as kafka-producer-perf-test's Stats:
 * totals plus a window that is printed and reset every reporting interval, and a sample of
 * latencies (at most 500 000, taken evenly) for the percentiles of the final summary.
 */

const MB = 1024 * 1024;

export interface Summary {
  records: number;
  bytes: number;
  elapsedMs: number;
  recordsPerSec: number;
  mbPerSec: number;
  avgLatencyMs: number;
  maxLatencyMs: number;
  p50LatencyMs: number;
  p95LatencyMs: number;
  p99LatencyMs: number;
  p999LatencyMs: number;
}

export class PerfStats {
  private readonly start: number;
  private count = 0;
  private bytes = 0;
  private latencySum = 0;
  private latencyMax = 0;
  private windowStart: number;
  private windowCount = 0;
  private windowBytes = 0;
  private windowLatencySum = 0;
  private windowLatencyMax = 0;
  private readonly samples: Float64Array;
  private sampled = 0;
  private readonly sampling: number;

  constructor(expectedRecords: number, private readonly now: () => number = () => performance.now()) {
    this.start = now();
    this.windowStart = this.start;
    this.sampling = Math.max(1, Math.floor(expectedRecords / Math.min(Math.max(expectedRecords, 1), 500_000)));
    this.samples = new Float64Array(Math.ceil(Math.max(expectedRecords, 1) / this.sampling) + 1);
  }

  /** One record (or `records` of them sharing one latency, e.g. one fetch). */
  record(latencyMs: number, bytes: number, records = 1): void {
    for (let i = 0; i < records; i++) {
      if (this.count % this.sampling === 0 && this.sampled < this.samples.length) this.samples[this.sampled++] = latencyMs;
      this.count++;
    }
    this.bytes += bytes;
    this.latencySum += latencyMs * records;
    if (latencyMs > this.latencyMax) this.latencyMax = latencyMs;
    this.windowCount += records;
    this.windowBytes += bytes;
    this.windowLatencySum += latencyMs * records;
    if (latencyMs > this.windowLatencyMax) this.windowLatencyMax = latencyMs;
  }

  get records(): number {
    return this.count;
  }

  /** The current window's figures; starts a new window. */
  takeWindow(): Summary {
    const now = this.now();
    const elapsedMs = Math.max(now - this.windowStart, 1e-3);
    const s: Summary = {
      records: this.windowCount,
      bytes: this.windowBytes,
      elapsedMs,
      recordsPerSec: (this.windowCount * 1000) / elapsedMs,
      mbPerSec: (this.windowBytes * 1000) / elapsedMs / MB,
      avgLatencyMs: this.windowCount > 0 ? this.windowLatencySum / this.windowCount : 0,
      maxLatencyMs: this.windowLatencyMax,
      p50LatencyMs: NaN,
      p95LatencyMs: NaN,
      p99LatencyMs: NaN,
      p999LatencyMs: NaN,
    };
    this.windowStart = now;
    this.windowCount = 0;
    this.windowBytes = 0;
    this.windowLatencySum = 0;
    this.windowLatencyMax = 0;
    return s;
  }

  /** Totals since the start, with latency percentiles. */
  total(): Summary {
    const elapsedMs = Math.max(this.now() - this.start, 1e-3);
    const sorted = this.samples.slice(0, this.sampled).sort();
    const pct = (p: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!);
    return {
      records: this.count,
      bytes: this.bytes,
      elapsedMs,
      recordsPerSec: (this.count * 1000) / elapsedMs,
      mbPerSec: (this.bytes * 1000) / elapsedMs / MB,
      avgLatencyMs: this.count > 0 ? this.latencySum / this.count : 0,
      maxLatencyMs: this.latencyMax,
      p50LatencyMs: pct(0.5),
      p95LatencyMs: pct(0.95),
      p99LatencyMs: pct(0.99),
      p999LatencyMs: pct(0.999),
    };
  }
}

/** A summary with numbers rounded for JSON output. */
export function roundSummary(s: Summary): Record<string, number> {
  const r = (x: number, digits: number) => Number(x.toFixed(digits));
  return {
    records: s.records,
    bytes: s.bytes,
    elapsedMs: r(s.elapsedMs, 1),
    recordsPerSec: r(s.recordsPerSec, 1),
    mbPerSec: r(s.mbPerSec, 2),
    avgLatencyMs: r(s.avgLatencyMs, 2),
    maxLatencyMs: r(s.maxLatencyMs, 2),
    p50LatencyMs: r(s.p50LatencyMs, 2),
    p95LatencyMs: r(s.p95LatencyMs, 2),
    p99LatencyMs: r(s.p99LatencyMs, 2),
    p999LatencyMs: r(s.p999LatencyMs, 2),
  };
}
