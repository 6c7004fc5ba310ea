/**
 * Cooperative time slicing for long background work on the event loop (DESIGN.md principle 8):
 * the worker checks `due()` between small units of work (a batch, a few hundred records) and,
 * when the current slice has used its budget, awaits `yield()`, which resumes on the next turn
 * of the event loop (setImmediate: after pending I/O callbacks), so requests never wait behind
 * it for more than about one slice. The longest slice seen is kept for measurement.
 */
import { performance } from 'node:perf_hooks';

export class TimeSlicer {
  private sliceStart = performance.now();
  private sliceCpu = process.cpuUsage();
  /** Longest synchronous stretch between two yields, in milliseconds of wall time. */
  longestSliceMs = 0;
  /**
   * Longest CPU time (process user + system) spent in one slice, in ms: on a busy machine the wall
   * time of a slice also counts the time the OS gave the core to other processes.
   */
  longestSliceCpuMs = 0;
  yields = 0;

  constructor(readonly budgetMs = 4) {}

  /** Starts a new slice (call after any await that gave the event loop a turn). */
  resume(): void {
    this.sliceStart = performance.now();
    this.sliceCpu = process.cpuUsage();
  }

  /** Ends the current slice for the statistics (call before an await on I/O). */
  pause(): void {
    const took = performance.now() - this.sliceStart;
    if (took > this.longestSliceMs) this.longestSliceMs = took;
    const cpu = process.cpuUsage(this.sliceCpu);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    if (cpuMs > this.longestSliceCpuMs) this.longestSliceCpuMs = cpuMs;
  }

  /** True when the current slice has used its budget. */
  due(): boolean {
    return performance.now() - this.sliceStart >= this.budgetMs;
  }

  /** Gives the event loop a turn, then starts a new slice. */
  async yield(): Promise<void> {
    this.pause();
    this.yields++;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.resume();
  }

  /** Awaits `promise` (thread-pool work such as zstd), counting the time around it as a yield. */
  async around<T>(promise: Promise<T>): Promise<T> {
    this.pause();
    try {
      return await promise;
    } finally {
      this.resume();
    }
  }
}
