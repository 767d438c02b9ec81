import { CloseCode, type RpcMethod, type RpcParams, type RpcResult } from "@canopy/protocol";
import { agentBudgets, type AgentBudgets } from "./agent-budgets.js";
import { AgentMeter } from "./agent-meter.js";
import { AgentSession } from "./agent-session.js";
import type { Connection } from "./connection.js";
import { ignoreContent, type ContentPort } from "./content-port.js";
import { GatewayError } from "./gateway-error.js";
import { ignoreInsights, type InsightPort } from "./insight-port.js";
import { LastSeenWriter } from "./last-seen.js";
import type { LiveAgent } from "./presence.js";
import type { PingResult, SessionContext } from "./session-context.js";
import { SessionRegistry } from "./session-registry.js";

export type GatewayOptions = Omit<SessionContext, "registry" | "onSessionEnded" | "onHandshakeEnded" | "meterFor" | "content" | "insights" | "budgets" | "background" | "lastSeen"> & {
  /** The push engine's side of every link; without one, content messages are ignored. */
  content?: ContentPort;
  /** The insight service's side of every link; without one, insight messages are ignored (never acked). */
  insights?: InsightPort;
  /** What one agent may cost; default `DEFAULT_AGENT_BUDGETS`. */
  budgets?: AgentBudgets;
};

/**
 * The hub's side of every agent link: accepts connections (any transport implementing
 * `Connection`), keeps the registry of authenticated sessions, and lets the rest of the hub
 * reach a tenant's agent by tenant id. It also keeps what spans connections: each tenant's
 * budgets (a reconnect does not refill them) and the sockets still in the handshake per address.
 */
/** How often the meters of tenants that are gone and rested are dropped (see `#sweepMeters`). */
const METER_SWEEP_MS = 60_000;

export class AgentGateway {
  readonly #registry = new SessionRegistry<AgentSession>();
  readonly #sessions = new Set<AgentSession>();
  readonly #meters = new Map<string, AgentMeter>();
  readonly #handshaking = new Map<string, number>();
  /** Sockets in the handshake, all addresses: the sum of `#handshaking`. */
  #handshakes = 0;
  readonly #ctx: SessionContext;
  /** Writes sessions left behind (last-seen times), until they settle. */
  readonly #background = new Set<Promise<unknown>>();
  #sweptAt: number;

  constructor(options: GatewayOptions) {
    const budgets = options.budgets ?? agentBudgets();
    this.#ctx = {
      ...options,
      budgets,
      content: options.content ?? ignoreContent,
      insights: options.insights ?? ignoreInsights,
      registry: this.#registry,
      meterFor: (tenantId) => this.#meterFor(tenantId),
      onHandshakeEnded: (session) => this.#count(session.connection.remoteAddress, -1),
      onSessionEnded: (session) => {
        this.#sessions.delete(session);
        this.#sweepMeters();
      },
      background: (write) => {
        this.#background.add(write);
        void write.finally(() => this.#background.delete(write));
      },
      lastSeen: new LastSeenWriter(options.data),
    };
    this.#sweptAt = this.#ctx.clock();
  }

  /**
   * Starts the handshake on a new connection; feed the session its frames and its close. Refused
   * before it costs a signed challenge: any connection while `handshakesInProgress` are (4503,
   * busy: come back shortly), and one from an address with too many sockets still in the
   * handshake (4503 too: a fleet behind one NAT address after a restart is a storm, not abuse —
   * 4029 would hold each of its agents back 15–30 s; a flood from one address costs no more).
   */
  accept(connection: Connection): AgentSession {
    const session = new AgentSession(connection, this.#ctx);
    this.#sessions.add(session);
    const address = connection.remoteAddress;
    if (this.#handshakes >= this.#ctx.budgets.handshakesInProgress) {
      session.refuse("rate_limited", CloseCode.busy, "the hub is busy with other agents' handshakes; come back in a few seconds");
      return session;
    }
    if ((this.#handshaking.get(address) ?? 0) >= this.#ctx.budgets.unauthenticatedPerAddress) {
      session.refuse("rate_limited", CloseCode.busy, "too many connections from this address are waiting to authenticate; come back in a few seconds");
      return session;
    }
    this.#count(address, +1);
    session.start();
    return session;
  }

  isOnline(tenantId: string): boolean {
    return this.#online(tenantId) !== undefined;
  }

  live(agentId: string): LiveAgent | undefined {
    return this.#ctx.presence.get(agentId);
  }

  async ping(tenantId: string): Promise<PingResult> {
    return this.#require(tenantId).ping();
  }

  async call<M extends RpcMethod>(tenantId: string, method: M, params: RpcParams<M>): Promise<RpcResult<M>> {
    return this.#require(tenantId).call(method, params);
  }

  /** The agent was revoked: tell it (it wipes its credentials) and close with 4003. */
  disconnectRevoked(agentId: string, reason: string): void {
    this.#registry.byAgent(agentId)?.end(CloseCode.revoked, "unpaired", { type: "unpair", reason });
  }

  /** Hub shutdown: every connection closes with 1001 (agents reconnect to the next hub). */
  shutdown(): void {
    for (const session of Array.from(this.#sessions)) {
      session.end(CloseCode.goingAway, "hub shutting down");
      // Record the disconnect now: the store is flushed before the sockets finish closing.
      session.closed(CloseCode.goingAway, "hub shutting down");
    }
  }

  /** Resolves once the writes sessions left behind have settled (shutdown: before the store closes). */
  async settled(): Promise<void> {
    while (this.#background.size > 0) await Promise.allSettled([...this.#background]);
  }

  get connectionCount(): number {
    return this.#sessions.size;
  }

  get onlineCount(): number {
    return this.#registry.size;
  }

  /** Tenants whose budgets are kept: the connected ones, and the others until their budgets are whole again. */
  get meteredTenants(): number {
    return this.#meters.size;
  }

  #meterFor(tenantId: string): AgentMeter {
    this.#sweepMeters();
    let meter = this.#meters.get(tenantId);
    if (!meter) this.#meters.set(tenantId, (meter = new AgentMeter(this.#ctx.budgets, this.#ctx.clock())));
    return meter;
  }

  /**
   * Drops the meters of tenants with no connection whose budgets are whole again: such a meter
   * is the same as a new one, so nothing is refilled by dropping it, and the map stays as small
   * as the tenants active in the last minute (deleted and long-gone tenants leave it). Throttled:
   * meters are only made in `#meterFor`, which sweeps too, so the map cannot grow unswept.
   */
  #sweepMeters(): void {
    const now = this.#ctx.clock();
    if (now - this.#sweptAt < METER_SWEEP_MS) return;
    this.#sweptAt = now;
    for (const [tenantId, meter] of this.#meters) {
      if (!this.#registry.byTenant(tenantId) && meter.rested(now)) this.#meters.delete(tenantId);
    }
  }

  /** Sockets in the handshake right now, all addresses. */
  get handshakesInProgress(): number {
    return this.#handshakes;
  }

  #count(address: string, delta: 1 | -1): void {
    this.#handshakes += delta;
    const count = (this.#handshaking.get(address) ?? 0) + delta;
    if (count > 0) this.#handshaking.set(address, count);
    else this.#handshaking.delete(address);
  }

  #online(tenantId: string): AgentSession | undefined {
    const session = this.#registry.byTenant(tenantId);
    return session?.state === "authenticated" ? session : undefined;
  }

  #require(tenantId: string): AgentSession {
    const session = this.#online(tenantId);
    if (!session) throw new GatewayError("not_connected", "the tenant's agent is not connected");
    return session;
  }
}
