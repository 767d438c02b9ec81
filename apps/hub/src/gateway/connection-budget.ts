import { CloseCode, type ErrorCode } from "@canopy/protocol";
import type { Clock } from "../core/clock.js";
import type { AgentBudgets } from "./agent-budgets.js";
import type { AgentMeter } from "./agent-meter.js";
import type { Connection } from "./connection.js";
import { ReadGate } from "./read-gate.js";

/** Why a connection must end: the error frame to send, then the close code. */
export interface Refusal {
  code: ErrorCode;
  closeCode: number;
  message: string;
}

/**
 * What one connection may cost, applied as its frames arrive: before the handshake a few bytes
 * for one `hello`; after it the tenant's `AgentMeter` (frames, bytes, insights, bad frames) and a
 * bound on insight batches awaiting their ack. Over a rate, reading stops for a while (the
 * `ReadGate`); a persistent offender gets a `Refusal`.
 */
export class ConnectionBudget {
  readonly #budgets: AgentBudgets;
  readonly #clock: Clock;
  readonly #gate: ReadGate;
  #meter: AgentMeter | undefined;
  #pendingBatches = 0;

  constructor(connection: Pick<Connection, "pause" | "resume">, budgets: AgentBudgets, clock: Clock) {
    this.#budgets = budgets;
    this.#clock = clock;
    this.#gate = new ReadGate(connection);
  }

  /** The handshake named the tenant: its meter counts from now on. */
  authenticated(meter: AgentMeter): void {
    this.#meter = meter;
  }

  /** A whole frame, before it is decoded. */
  frame(bytes: number): Refusal | undefined {
    if (!this.#meter) return bytes > this.#budgets.bytesBeforeHello ? tooMuchBeforeHello(this.#budgets.bytesBeforeHello) : undefined;
    const verdict = this.#meter.frame(bytes, this.#clock());
    if (verdict.type === "offender") return rateLimited(verdict.reason);
    this.#gate.holdFor(verdict.holdMs);
    return undefined;
  }

  /** The frame answered a ping or rpc call of the hub's. */
  answered(): void {
    this.#meter?.answered(this.#clock());
  }

  /** An `insights.upsert` of `count` insights arrived; `batchDone` when it is acked (or dropped). */
  batchStarted(count: number): void {
    if (this.#meter) this.#gate.holdFor(this.#meter.insights(count, this.#clock()));
    this.#pendingBatches++;
    if (this.#pendingBatches >= this.#budgets.pendingBatches) this.#gate.batchesFull(true);
  }

  batchDone(): void {
    this.#pendingBatches--;
    if (this.#pendingBatches < this.#budgets.pendingBatches) this.#gate.batchesFull(false);
  }

  /** A frame that could not be used (unknown type, a second hello, an answer to nothing). */
  badFrame(): Refusal | undefined {
    if (!this.#meter) return undefined;
    const verdict = this.#meter.badFrame(this.#clock());
    return verdict.type === "offender" ? rateLimited(verdict.reason) : undefined;
  }

  /** Whether reading is held back right now. */
  get paused(): boolean {
    return this.#gate.paused;
  }

  close(): void {
    this.#gate.close();
  }
}

/** Before the handshake a socket may send one small `hello`, nothing more. */
export function tooMuchBeforeHello(limit: number): Refusal {
  return { code: "frame_too_large", closeCode: CloseCode.protocolError, message: `more than ${limit} bytes before a valid hello` };
}

function rateLimited(reason: string): Refusal {
  return { code: "rate_limited", closeCode: CloseCode.rateLimited, message: `rate limited: this agent ${reason}; reconnect after a backoff` };
}
