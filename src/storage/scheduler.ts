/**
 * Timers for background storage work (flusher, checkpoints, delayed deletes), injected so tests
 * run them deterministically with ManualScheduler and virtual time.
 *
 * Kafka uses Long.MAX_VALUE to mean "never" for intervals such as log.flush.scheduler.interval.ms;
 * any delay or period above MAX_TIMER_MS (2^31-1 ms, setTimeout's limit, about 24.8 days) is
 * treated as never here, instead of firing at once as setTimeout would.
 */
export interface ScheduledTask {
  cancel(): void;
}

export interface Scheduler {
  /** Runs fn after delayMs, then every periodMs if given. Errors thrown by fn are the caller's to catch. */
  schedule(fn: () => void, delayMs: number, periodMs?: number): ScheduledTask;
}

export const MAX_TIMER_MS = 0x7fffffff;

const NEVER: ScheduledTask = { cancel() {} };

/** Real timers (setTimeout / setInterval), unref'd so they never keep the process alive. */
export class TimerScheduler implements Scheduler {
  schedule(fn: () => void, delayMs: number, periodMs?: number): ScheduledTask {
    if (!(delayMs <= MAX_TIMER_MS)) return NEVER;
    let interval: NodeJS.Timeout | undefined;
    let cancelled = false;
    const timeout = setTimeout(() => {
      if (cancelled) return;
      if (periodMs !== undefined && periodMs <= MAX_TIMER_MS) {
        interval = setInterval(fn, Math.max(1, periodMs));
        interval.unref();
      }
      fn();
    }, Math.max(0, delayMs));
    timeout.unref();
    return {
      cancel() {
        cancelled = true;
        clearTimeout(timeout);
        if (interval) clearInterval(interval);
      },
    };
  }
}

interface ManualTask {
  id: number;
  dueMs: number;
  periodMs: number | undefined;
  fn: () => void;
  cancelled: boolean;
}

/** Virtual time for tests: nothing runs until advance() (or runDue()) is called. */
export class ManualScheduler implements Scheduler {
  private tasks: ManualTask[] = [];
  private nextId = 0;

  constructor(private nowMs = 0) {}

  /** The virtual clock; pass `() => scheduler.now()` as the storage clock. */
  now(): number {
    return this.nowMs;
  }

  get pendingCount(): number {
    return this.tasks.filter((t) => !t.cancelled).length;
  }

  schedule(fn: () => void, delayMs: number, periodMs?: number): ScheduledTask {
    if (!(delayMs <= MAX_TIMER_MS)) return NEVER;
    const task: ManualTask = {
      id: this.nextId++,
      dueMs: this.nowMs + Math.max(0, delayMs),
      periodMs: periodMs !== undefined && periodMs <= MAX_TIMER_MS ? Math.max(1, periodMs) : undefined,
      fn,
      cancelled: false,
    };
    this.tasks.push(task);
    return {
      cancel: () => {
        task.cancelled = true;
        this.tasks = this.tasks.filter((t) => t !== task);
      },
    };
  }

  /** Moves virtual time forward, running due tasks in due-time order (ties: scheduling order). */
  advance(ms: number): void {
    const target = this.nowMs + ms;
    for (;;) {
      const due = this.tasks
        .filter((t) => !t.cancelled && t.dueMs <= target)
        .sort((a, b) => a.dueMs - b.dueMs || a.id - b.id)[0];
      if (!due) break;
      this.nowMs = Math.max(this.nowMs, due.dueMs);
      if (due.periodMs !== undefined) due.dueMs += due.periodMs;
      else this.tasks = this.tasks.filter((t) => t !== due);
      due.fn();
    }
    this.nowMs = target;
  }

  /** Runs tasks due now (delay 0) without moving time. */
  runDue(): void {
    this.advance(0);
  }
}
