import type { Logger } from "pino";
import type { Clock } from "../core/clock.js";

/** The most of any agent-supplied text (a message, a hostname, a reason) that reaches a log line. */
export const MAX_LOGGED_TEXT = 200;

/** Agent-supplied text as it may appear in a log: at most `MAX_LOGGED_TEXT` characters, and says how much was cut. */
export function clip(text: string, max = MAX_LOGGED_TEXT): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/** The logging an agent's frames may cause: what sessions, channels and the services behind them write about one connection. */
export interface AgentLogger {
  error(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  info(fields: object, message: string): void;
  debug(fields: object, message: string): void;
}

type Level = keyof AgentLogger;

const WINDOW_MS = 60_000;

interface Allowance {
  linesPerMinute: number;
  windowStart: number;
  lines: number;
  suppressed: number;
}

/**
 * A connection's log, rate-limited: an agent decides how often it sends a bad frame, so it must
 * not decide how much the hub writes. Up to `linesPerMinute` lines a minute go through; the rest
 * are counted and reported in one line when the minute is over (or the connection closes).
 * Children (more bindings, same connection) share the allowance.
 *
 * The bindings (connection id, address, then the agent's identity) are merged into each line
 * rather than made a pino child: a child per connection costs a logger object and its serialized
 * bindings at every one of 10,000 idle connections, most of which never log a line.
 */
export class AgentLog implements AgentLogger {
  readonly #logger: Logger;
  readonly #bindings: Readonly<Record<string, unknown>>;
  readonly #clock: Clock;
  readonly #allowance: Allowance;

  constructor(logger: Logger, bindings: Readonly<Record<string, unknown>>, linesPerMinute: number, clock: Clock, allowance?: Allowance) {
    this.#logger = logger;
    this.#bindings = bindings;
    this.#clock = clock;
    this.#allowance = allowance ?? { linesPerMinute, windowStart: clock(), lines: 0, suppressed: 0 };
  }

  child(bindings: Record<string, unknown>): AgentLog {
    return new AgentLog(this.#logger, { ...this.#bindings, ...bindings }, this.#allowance.linesPerMinute, this.#clock, this.#allowance);
  }

  error(fields: object, message: string): void {
    this.#write("error", fields, message);
  }

  warn(fields: object, message: string): void {
    this.#write("warn", fields, message);
  }

  info(fields: object, message: string): void {
    this.#write("info", fields, message);
  }

  debug(fields: object, message: string): void {
    this.#write("debug", fields, message);
  }

  /** A line about the connection itself (online, refused, closed): a few per connection at most, so never held back. */
  lifecycle(fields: object, message: string, level: "info" | "warn" = "info"): void {
    if (this.#logger.isLevelEnabled(level)) this.#logger[level]({ ...this.#bindings, ...fields }, message);
  }

  /** Reports the lines held back so far, if any (the connection is closing). */
  flush(): void {
    const allowance = this.#allowance;
    if (allowance.suppressed > 0) {
      this.#logger.warn({ ...this.#bindings, suppressed: allowance.suppressed }, `suppressed ${allowance.suppressed} log lines about this connection (over ${allowance.linesPerMinute} a minute)`);
    }
    allowance.suppressed = 0;
  }

  #write(level: Level, fields: object, message: string): void {
    if (!this.#logger.isLevelEnabled(level)) return;
    const allowance = this.#allowance;
    const now = this.#clock();
    if (now - allowance.windowStart >= WINDOW_MS) {
      this.flush();
      allowance.windowStart = now;
      allowance.lines = 0;
    }
    if (allowance.lines >= allowance.linesPerMinute) {
      allowance.suppressed++;
      return;
    }
    allowance.lines++;
    this.#logger[level]({ ...this.#bindings, ...fields }, message);
  }
}
