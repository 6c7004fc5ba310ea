/**
 * A response that a coordinator state machine completes later (a parked JoinGroup or SyncGroup),
 * like Kafka's CompletableFuture. The first completion wins; later ones are ignored.
 * `value` is readable synchronously so state-machine tests need no awaiting.
 */
export class ResponseFuture<T> {
  private resolveFn!: (value: T) => void;
  private done = false;
  private result: T | undefined;
  readonly promise: Promise<T>;

  constructor() {
    this.promise = new Promise<T>((resolve) => {
      this.resolveFn = resolve;
    });
  }

  get isDone(): boolean {
    return this.done;
  }

  /** The completed value, or undefined while pending. */
  get value(): T | undefined {
    return this.result;
  }

  /** Completes the future; returns false when it was already complete. */
  complete(value: T): boolean {
    if (this.done) return false;
    this.done = true;
    this.result = value;
    this.resolveFn(value);
    return true;
  }
}
