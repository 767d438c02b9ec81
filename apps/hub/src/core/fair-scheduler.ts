export interface FairSchedulerOptions {
  /** How long one turn may run tasks before it yields to the event loop. Default 10 ms. */
  sliceMs?: number;
  /** After each turn's tasks, before their callers hear of them (the insight intake's one flush for a turn's batches). */
  afterSlice?: () => Promise<void>;
  /** Monotonic milliseconds. Default `performance.now`. */
  now?: () => number;
}

interface Job {
  task: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Runs work for many tenants so that none can starve another, nor the event loop: each key's
 * tasks in order, keys served in turn (round robin, one task each), and in slices of `sliceMs`
 * after which it yields (setImmediate), so sockets, timers and other tenants' requests get in
 * between. A task should be small (one batch); the slice only bounds how many run back to back.
 */
export class FairScheduler {
  readonly #sliceMs: number;
  readonly #afterSlice: (() => Promise<void>) | undefined;
  readonly #now: () => number;
  /** Keys with work, in serving order: a served key goes to the back. */
  readonly #queues = new Map<string, Job[]>();
  #running = false;

  constructor(options: FairSchedulerOptions = {}) {
    this.#sliceMs = options.sliceMs ?? 10;
    this.#afterSlice = options.afterSlice;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Queues `task` behind `key`'s earlier ones; resolves with its result once its slice is done (and `afterSlice` with it). */
  run<T>(key: string, task: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const job: Job = { task, resolve: resolve as (value: unknown) => void, reject };
      const queue = this.#queues.get(key);
      if (queue) queue.push(job);
      else this.#queues.set(key, [job]);
      if (!this.#running) {
        this.#running = true;
        setImmediate(() => void this.#turn());
      }
    });
  }

  /** Tasks waiting, all keys together. */
  get size(): number {
    let size = 0;
    for (const queue of this.#queues.values()) size += queue.length;
    return size;
  }

  async #turn(): Promise<void> {
    const started = this.#now();
    const done: { job: Job; value: unknown }[] = [];
    const failed: { job: Job; error: unknown }[] = [];
    do {
      const [key, queue] = this.#queues.entries().next().value!;
      this.#queues.delete(key);
      const job = queue.shift()!;
      if (queue.length > 0) this.#queues.set(key, queue);
      try {
        done.push({ job, value: job.task() });
      } catch (error) {
        failed.push({ job, error });
      }
    } while (this.#queues.size > 0 && this.#now() - started < this.#sliceMs);
    try {
      await this.#afterSlice?.();
      for (const { job, value } of done) job.resolve(value);
    } catch (error) {
      for (const { job } of done) job.reject(error);
    }
    for (const { job, error } of failed) job.reject(error);
    if (this.#queues.size > 0) setImmediate(() => void this.#turn());
    else this.#running = false;
  }
}
