/** Percentiles over a bounded sample of latencies (a reservoir keeps memory fixed on long runs). */
export interface Percentiles {
  count: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

export class LatencyRecorder {
  private readonly samples: Float64Array;
  private n = 0;
  private seen = 0;
  private maxSeen = 0;
  private sum = 0;
  private seed = 12345;

  constructor(capacity = 200_000) {
    this.samples = new Float64Array(capacity);
  }

  /** Adds a latency (any unit; reported in the same unit). */
  add(v: number): void {
    this.seen++;
    this.sum += v;
    if (v > this.maxSeen) this.maxSeen = v;
    if (this.n < this.samples.length) {
      this.samples[this.n++] = v;
      return;
    }
    // reservoir sampling (Algorithm R) with a small deterministic PRNG
    this.seed = (Math.imul(this.seed, 1103515245) + 12345) >>> 0;
    const j = this.seed % this.seen;
    if (j < this.samples.length) this.samples[j] = v;
  }

  get count(): number {
    return this.seen;
  }

  percentiles(): Percentiles {
    const s = this.samples.slice(0, this.n).sort();
    const at = (p: number) => (s.length === 0 ? 0 : s[Math.min(s.length - 1, Math.floor(p * s.length))]!);
    return { count: this.seen, p50: at(0.5), p99: at(0.99), p999: at(0.999), max: this.maxSeen, mean: this.seen ? this.sum / this.seen : 0 };
  }
}

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function round(v: number, digits = 1): number {
  if (!Number.isFinite(v)) return v;
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
