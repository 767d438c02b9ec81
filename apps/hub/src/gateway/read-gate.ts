import type { Connection } from "./connection.js";

/**
 * Whether the hub reads an agent's socket. Reading stops while the agent is over a budget (for
 * as long as the budget needs to pay for what arrived) or while too many of its insight batches
 * wait for their ack, and resumes when neither holds. Not reading is TCP backpressure: the agent
 * slows down and nothing is lost.
 */
export class ReadGate {
  readonly #connection: Pick<Connection, "pause" | "resume">;
  #timer: NodeJS.Timeout | undefined;
  #timerEnds = 0;
  #batchesFull = false;
  #paused = false;
  #closed = false;

  constructor(connection: Pick<Connection, "pause" | "resume">) {
    this.#connection = connection;
  }

  get paused(): boolean {
    return this.#paused;
  }

  /** Stop reading for `ms` (or until an earlier hold ends, whichever is later). */
  holdFor(ms: number): void {
    if (ms <= 0 || this.#closed) return;
    const ends = performance.now() + ms;
    if (this.#timer !== undefined && ends <= this.#timerEnds) return;
    clearTimeout(this.#timer);
    this.#timerEnds = ends;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#update();
    }, Math.ceil(ms));
    this.#timer.unref();
    this.#update();
  }

  /** Too many insight batches await their ack (true) or no longer (false). */
  batchesFull(full: boolean): void {
    this.#batchesFull = full;
    this.#update();
  }

  /**
   * The session is over: no timer left behind, and the socket is read again. Refused while it
   * was held back, the peer's close frame would wait unread behind what it sent meanwhile (which
   * is dropped unread) until the hold is over, seconds later: the close would complete only then.
   */
  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#batchesFull = false;
    this.#closed = true;
    this.#update();
  }

  #update(): void {
    const hold = !this.#closed && (this.#timer !== undefined || this.#batchesFull);
    if (hold === this.#paused) return;
    this.#paused = hold;
    if (hold) this.#connection.pause();
    else this.#connection.resume();
  }
}
