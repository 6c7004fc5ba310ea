/**
 * Keyed timers of one coordinator partition (Kafka's CoordinatorTimer): scheduling a key again
 * replaces its pending timer; when a timer fires, its operation runs as a write operation of the
 * partition, so whatever records it produces are appended and replayed like any request's.
 * Time comes from the injected Scheduler, so tests drive it with virtual time.
 */
import type { ScheduledTask, Scheduler } from '../../storage/scheduler.js';

export interface CoordinatorTimer<Op> {
  /** Runs `operation` after delayMs unless the key is cancelled or scheduled again first. */
  schedule(key: string, delayMs: number, operation: Op): void;
  /** Like schedule, but keeps an existing timer of that key. */
  scheduleIfAbsent(key: string, delayMs: number, operation: Op): void;
  cancel(key: string): void;
  isScheduled(key: string): boolean;
}

export class KeyedTimer<Op> implements CoordinatorTimer<Op> {
  private readonly tasks = new Map<string, ScheduledTask>();

  constructor(
    private readonly scheduler: Scheduler,
    /** Runs a fired operation (the runtime turns it into a write operation). */
    private readonly run: (key: string, operation: Op) => void,
  ) {}

  schedule(key: string, delayMs: number, operation: Op): void {
    this.tasks.get(key)?.cancel();
    const task = this.scheduler.schedule(() => {
      if (this.tasks.get(key) !== task) return;
      this.tasks.delete(key);
      this.run(key, operation);
    }, Math.max(0, delayMs));
    this.tasks.set(key, task);
  }

  scheduleIfAbsent(key: string, delayMs: number, operation: Op): void {
    if (!this.tasks.has(key)) this.schedule(key, delayMs, operation);
  }

  cancel(key: string): void {
    const task = this.tasks.get(key);
    if (task) {
      task.cancel();
      this.tasks.delete(key);
    }
  }

  isScheduled(key: string): boolean {
    return this.tasks.has(key);
  }

  get size(): number {
    return this.tasks.size;
  }

  cancelAll(): void {
    for (const t of this.tasks.values()) t.cancel();
    this.tasks.clear();
  }
}
