import { GatewayError } from "./gateway-error.js";

interface Pending<T> {
  resolve: (value: T) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** Requests waiting for their answer, by id, each with its own timeout. */
export class PendingRequests<T> {
  readonly #pending = new Map<string, Pending<T>>();

  wait(id: string, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new GatewayError("rpc_timeout", `no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref();
      this.#pending.set(id, { resolve, reject, timer });
    });
  }

  /** Settles request `id` with `value`; false when nothing waits for it (late or unknown). */
  resolve(id: string, value: T): boolean {
    const pending = this.#take(id);
    pending?.resolve(value);
    return pending !== undefined;
  }

  reject(id: string, error: Error): boolean {
    const pending = this.#take(id);
    pending?.reject(error);
    return pending !== undefined;
  }

  rejectAll(error: Error): void {
    for (const id of Array.from(this.#pending.keys())) this.reject(id, error);
  }

  get size(): number {
    return this.#pending.size;
  }

  #take(id: string): Pending<T> | undefined {
    const pending = this.#pending.get(id);
    if (!pending) return undefined;
    clearTimeout(pending.timer);
    this.#pending.delete(id);
    return pending;
  }
}
