import type { KeyObject } from "node:crypto";
import { CloseCode, closeCodeAdvice, type HubToAgent } from "@canopy/protocol";
import type { Backoff } from "./backoff.js";
import { HubSocket, type SocketClosed } from "./hub-socket.js";
import type { AgentLogger } from "../core/logger.js";

/** Closes after which the agent waits a long backoff before it dials again. */
const SLOW_DOWN: ReadonlySet<number> = new Set([CloseCode.rateLimited, CloseCode.tryAgainLater]);

export interface Disconnected extends SocketClosed {
  /** What `closeCodeAdvice` says to do after this close. */
  advice: ReturnType<typeof closeCodeAdvice>;
  /** When the next attempt starts; null when there is none. */
  retryInMs: number | null;
}

/** Why a dial failed or a socket broke, with its code (ECONNREFUSED, …) when the message lacks it. */
export function describeCloseError(error: Error | undefined): string | null {
  if (!error) return null;
  const code = (error as NodeJS.ErrnoException).code;
  return code && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
}

export interface HubConnectionOptions {
  url: string;
  hubKey: KeyObject;
  userAgent: string;
  logger: AgentLogger;
  backoff: Backoff;
  /** False for single-shot sessions (`unpairAgent`): a drop ends the connection for good. */
  reconnect: boolean;
  onDial(): void;
  onMessage(message: HubToAgent, socket: HubSocket): void;
  onDisconnect(event: Disconnected): void;
}

/**
 * The connection lifecycle: dial, and after each close follow `closeCodeAdvice`: reconnect on
 * the backoff schedule (after 4029, rate limited, never at once; after 4503, busy, a few seconds later), or give up and let the owner
 * decide (stop, forget the credentials).
 * Message meaning lives elsewhere; this only keeps a socket up.
 */
export class HubConnection {
  readonly #options: HubConnectionOptions;
  #socket: HubSocket | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #stopped = false;
  #socketClosed: Promise<void> = Promise.resolve();

  constructor(options: HubConnectionOptions) {
    this.#options = options;
  }

  start(): void {
    this.#stopped = false;
    this.#dial();
  }

  /** The handshake completed: the next drop is retried within the first window again. */
  markHealthy(): void {
    this.#options.backoff.reset();
  }

  /** No further attempts; closes the current socket and resolves once it is closed. */
  async stop(code: number = CloseCode.normal, reason = "agent stopping"): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#socket?.close(code, reason);
    await this.#socketClosed;
  }

  #dial(): void {
    if (this.#stopped) return;
    const { url, hubKey, userAgent, logger } = this.#options;
    logger.debug({ url }, "dialling the hub");
    let markClosed!: () => void;
    this.#socketClosed = new Promise((resolve) => (markClosed = resolve));
    this.#options.onDial();
    this.#socket = new HubSocket({
      url,
      hubKey,
      userAgent,
      logger,
      onMessage: (message, socket) => this.#options.onMessage(message, socket),
      onClose: (closed) => {
        this.#socket = undefined;
        markClosed();
        this.#onClose(closed);
      },
    });
  }

  #onClose(closed: SocketClosed): void {
    // A dial that never reached the hub has code 1006: it is retried like any drop.
    const advice = closed.opened ? closeCodeAdvice(closed.code) : "reconnect";
    let retryInMs: number | null = null;
    if (advice === "reconnect" && this.#options.reconnect && !this.#stopped) {
      retryInMs = this.#retryDelay(closed);
      this.#retryTimer = setTimeout(() => {
        this.#retryTimer = undefined;
        this.#dial();
      }, retryInMs);
    }
    if (this.#stopped) return;
    this.#options.onDisconnect({ ...closed, advice, retryInMs });
  }

  #retryDelay(closed: SocketClosed): number {
    const { backoff } = this.#options;
    if (!closed.opened) return backoff.next();
    // Rate limited, or the hub could not store what it was sent: coming straight back would
    // only be refused again (and cost the hub a handshake).
    if (SLOW_DOWN.has(closed.code)) return backoff.slowDown();
    // The hub sheds a reconnect storm: back in a few seconds, at a random moment.
    if (closed.code === CloseCode.busy) return backoff.busy();
    // The hub is restarting: every one of its agents lost it at once.
    if (closed.code === CloseCode.goingAway) return backoff.hubRestarting();
    return backoff.next();
  }
}
