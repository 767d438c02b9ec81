import { randomBytes } from "node:crypto";
import {
  CloseCode,
  PROTOCOL_VERSION,
  decodeAgentFrame,
  type AgentMessage,
  type AgentToHub,
  type AgentToHubType,
  type ErrorCode,
  type HubToAgent,
  type ProtocolError,
  type RawFrame,
  type RpcMethod,
  type RpcParams,
  type RpcResult,
} from "@canopy/protocol";
import type { Logger } from "pino";
import type { Clock } from "../core/clock.js";
import { isoAt } from "../core/clock.js";
import type { Agents } from "../domain/agents.js";
import type { AuditLog } from "../domain/audit-log.js";
import type { Tenants } from "../domain/tenants.js";
import { AgentRequests } from "./agent-requests.js";
import type { Connection } from "./connection.js";
import { ContentChannel } from "./content-channel.js";
import type { ContentPort } from "./content-port.js";
import { GatewayError } from "./gateway-error.js";
import { verifyAgentHello } from "./handshake.js";
import { InsightChannel } from "./insight-channel.js";
import type { InsightPort } from "./insight-port.js";
import type { Presence } from "./presence.js";
import type { SessionRegistry } from "./session-registry.js";

/** Everything a session needs from the hub; built once by the gateway. */
export interface SessionContext {
  agents: Agents;
  tenants: Tenants;
  audit: AuditLog;
  /** Makes earlier store changes durable (the store's flush). */
  flush(): Promise<void>;
  registry: SessionRegistry<AgentSession>;
  /** The content side (push engine): links, manifests, acks, drift. */
  content: ContentPort;
  /** The insight side: batches from the agent, pending board changes to it. */
  insights: InsightPort;
  presence: Presence;
  clock: Clock;
  logger: Logger;
  heartbeatMs: number;
  handshakeTimeoutMs: number;
  rpcTimeoutMs: number;
  /** A tenant's live state changed (online, offline, RTT, unpaired). */
  onTenantChanged(tenantId: string): void;
  /** The connection is gone; the session will do nothing more. */
  onSessionEnded(session: AgentSession): void;
}

type State = "challenging" | "authenticated" | "closing" | "closed";
type Handlers = { [T in AgentToHubType]: (message: AgentMessage<T>) => void | Promise<void> };

export interface PingResult {
  rttMs: number;
  agentVersion: string;
}

// ws refuses close reasons over 123 bytes.
const MAX_CLOSE_REASON = 120;
const MAX_ERROR_MESSAGE = 1024;

/**
 * One agent connection: the challenge/hello handshake, then every frame decoded in layers and
 * dispatched by type. Identity (agentId, tenantId) is set once, from the verified hello, and
 * handlers use only that, never ids found in payloads. Nothing here throws to the transport.
 */
export class AgentSession {
  readonly connection: Connection;
  readonly #ctx: SessionContext;
  readonly #nonce = randomBytes(32).toString("base64url");
  readonly #requests = new AgentRequests({
    canSend: () => this.#state === "authenticated",
    send: (message) => this.#send(message),
    timeoutMs: () => this.#ctx.rpcTimeoutMs,
  });
  #log: Logger;
  #state: State = "challenging";
  #identity: { agentId: string; tenantId: string } | undefined;
  #content: ContentChannel | undefined;
  #insights: InsightChannel | undefined;
  #handshakeTimer: NodeJS.Timeout | undefined;

  constructor(connection: Connection, ctx: SessionContext) {
    this.connection = connection;
    this.#ctx = ctx;
    this.#log = ctx.logger.child({ connectionId: connection.id, remoteAddress: connection.remoteAddress });
  }

  get state(): State {
    return this.#state;
  }

  get agentId(): string {
    return this.#identity?.agentId ?? "";
  }

  get tenantId(): string {
    return this.#identity?.tenantId ?? "";
  }

  /** Sends the challenge and starts the handshake clock. */
  start(): void {
    this.#send({ type: "hello.challenge", nonce: this.#nonce, protocolVersion: PROTOCOL_VERSION, hubTime: this.#ctx.clock() });
    this.#handshakeTimer = setTimeout(() => {
      if (this.#state !== "challenging") return;
      const seconds = Math.round(this.#ctx.handshakeTimeoutMs / 1000);
      this.#refuse("auth_failed", CloseCode.handshakeTimeout, `no hello within ${seconds} s`);
    }, this.#ctx.handshakeTimeoutMs);
    this.#handshakeTimer.unref();
  }

  /** One frame from the agent. Never throws. */
  receive(data: RawFrame, isBinary: boolean): void {
    if (this.#state === "closing" || this.#state === "closed") return;
    try {
      const decoded = decodeAgentFrame(data, isBinary);
      if (!decoded.ok) {
        this.#rejectFrame(decoded.error);
        return;
      }
      this.#dispatch(decoded.message);
    } catch (error) {
      this.#internalError(error);
    }
  }

  /** The transport saw a sign of life (a ws pong), with the heartbeat's round trip if it timed one. */
  touch(rttMs?: number): void {
    if (this.#state !== "authenticated") return;
    const change = rttMs === undefined ? { lastSeenAt: this.#ctx.clock() } : { lastSeenAt: this.#ctx.clock(), rttMs };
    this.#ctx.presence.update(this.agentId, change);
  }

  /** The transport closed (by either side). Never throws. */
  closed(code: number, reason: string): void {
    if (this.#state === "closed") return;
    const wasAuthenticated = this.#identity !== undefined;
    this.#state = "closed";
    clearTimeout(this.#handshakeTimer);
    this.#requests.failAll(new GatewayError("not_connected", "the agent disconnected"));
    this.#content?.closed();
    this.#insights?.closed();
    try {
      if (wasAuthenticated && this.#ctx.registry.detach(this)) this.#wentOffline();
    } catch (error) {
      this.#log.error({ err: error }, "failed to record the disconnect");
    }
    this.#log.info({ code, reason }, "agent connection closed");
    this.#ctx.onSessionEnded(this);
  }

  /** Closes the connection, optionally telling the agent why first. */
  end(code: number, reason: string, notice?: HubToAgent): void {
    if (this.#state === "closing" || this.#state === "closed") return;
    if (notice) this.#send(notice);
    this.#state = "closing";
    this.#content?.closed();
    this.#insights?.closed();
    clearTimeout(this.#handshakeTimer);
    this.connection.close(code, reason.slice(0, MAX_CLOSE_REASON));
  }

  /** App-level ping: the round trip through the agent, measured on the hub's monotonic clock. */
  async ping(): Promise<PingResult> {
    const rttMs = await this.#requests.ping(this.#ctx.clock());
    this.#ctx.presence.update(this.agentId, { rttMs, lastSeenAt: this.#ctx.clock() });
    this.#ctx.onTenantChanged(this.tenantId);
    return { rttMs, agentVersion: this.#ctx.presence.get(this.agentId)?.agentVersion ?? "" };
  }

  /** Calls `method` on the agent; its result is validated against the method table. */
  call<M extends RpcMethod>(method: M, params: RpcParams<M>): Promise<RpcResult<M>> {
    return this.#requests.call(method, params);
  }

  readonly #handlers = {
    hello: (hello) => {
      if (this.#state === "authenticated") {
        this.#sendError("unexpected_message", "already authenticated");
        return;
      }
      const verdict = verifyAgentHello(hello, this.#nonce, this.#ctx.agents, this.#ctx.tenants);
      if (!verdict.ok) {
        this.#log.warn({ agentId: hello.agentId, code: verdict.code }, "agent handshake refused");
        this.#refuse(verdict.code, verdict.closeCode, verdict.message);
        return;
      }
      const { agent, tenant } = verdict;
      clearTimeout(this.#handshakeTimer);
      this.#identity = { agentId: agent.id, tenantId: tenant.id };
      this.#state = "authenticated";
      this.#log = this.#log.child({ agentId: agent.id, tenantId: tenant.id });
      const previous = this.#ctx.registry.attach(this);
      if (previous && previous !== this) {
        previous.end(CloseCode.replaced, "replaced by a newer connection", {
          type: "error",
          code: "replaced",
          message: "another connection with this agent's key took over",
        });
      }
      const now = this.#ctx.clock();
      this.#ctx.presence.set({
        agentId: agent.id,
        tenantId: tenant.id,
        sessionId: this.connection.id,
        connectedAt: now,
        lastSeenAt: now,
        rttMs: null,
        agentVersion: hello.agentVersion,
        hostname: hello.hostname,
        platform: hello.platform,
      });
      this.#send({
        type: "welcome",
        sessionId: this.connection.id,
        agentId: agent.id,
        tenantId: tenant.id,
        tenantName: tenant.name,
        heartbeatMs: this.#ctx.heartbeatMs,
      });
      this.#log.info({ agentVersion: hello.agentVersion, hostname: hello.hostname, replaced: previous !== undefined }, "agent online");
      this.#content = new ContentChannel(this.#identity, this.connection, this.#ctx.content, this.#log);
      this.#content.opened();
      this.#insights = new InsightChannel(this.#identity, this.connection, this.#ctx.insights, this.#log);
      this.#insights.opened();
      this.#ctx.onTenantChanged(tenant.id);
    },
    pong: (pong) => {
      if (!this.#requests.answer(pong)) this.#log.debug({ id: pong.id }, "pong for no pending ping");
    },
    "rpc.res": (response) => {
      if (!this.#requests.answer(response)) this.#log.debug({ id: response.id }, "rpc answer for no pending request");
    },
    unpair: async (request) => {
      const { agentId, tenantId } = this.#identity!;
      const actor = `agent:${agentId}`;
      const reason = request.reason ?? "unpaired by the agent";
      if (this.#ctx.agents.revoke(agentId, actor, reason)) {
        this.#ctx.audit.record({ actor, action: "agent.unpair", target: `tenant:${tenantId}`, detail: { agentId, reason } });
        await this.#ctx.flush();
      }
      this.#log.info({ reason }, "agent unpaired itself");
      this.end(CloseCode.revoked, "unpaired", { type: "unpair", reason: "unpaired at the agent's request" });
      this.#ctx.onTenantChanged(tenantId);
    },
    // Only reachable once authenticated (see #dispatch), so the channel exists.
    "content.manifest": (message) => this.#content!.handlers["content.manifest"](message),
    "content.ack": (message) => this.#content!.handlers["content.ack"](message),
    "content.drift": (message) => this.#content!.handlers["content.drift"](message),
    "insights.upsert": (message) => this.#insights!.handlers["insights.upsert"](message),
    "insight.update.ack": (message) => this.#insights!.handlers["insight.update.ack"](message),
    error: (error) => {
      this.#log.warn({ code: error.code, ref: error.ref, message: error.message }, "agent reported an error");
      if (error.ref) this.#requests.fail(error.ref, new GatewayError(error.code, error.message));
    },
  } satisfies Handlers;

  #dispatch(message: AgentToHub): void {
    if (this.#state === "challenging" && message.type !== "hello") {
      this.#refuse("unexpected_message", CloseCode.protocolError, `expected hello, got ${message.type}`);
      return;
    }
    this.touch();
    const handler = this.#handlers[message.type] as (m: AgentToHub) => void | Promise<void>;
    const result = handler(message);
    if (result instanceof Promise) result.catch((error: unknown) => this.#internalError(error));
  }

  #rejectFrame(error: ProtocolError): void {
    this.#log.warn({ code: error.code, fatal: error.fatal }, `bad frame from agent: ${error.message}`);
    if (error.fatal) this.#refuse(error.code, CloseCode.protocolError, error.message, error.ref);
    else this.#sendError(error.code, error.message, error.ref);
  }

  #internalError(error: unknown): void {
    this.#log.error({ err: error }, "agent frame handler failed");
    if (this.#state === "challenging" || this.#state === "authenticated") this.#sendError("internal", "the hub could not process this frame");
  }

  #refuse(code: ErrorCode, closeCode: number, message: string, ref?: string): void {
    this.end(closeCode, message, this.#errorFrame(code, message, ref));
  }

  #sendError(code: ErrorCode, message: string, ref?: string): void {
    this.#send(this.#errorFrame(code, message, ref));
  }

  #errorFrame(code: ErrorCode, message: string, ref?: string): HubToAgent {
    return { type: "error", code, message: message.slice(0, MAX_ERROR_MESSAGE), ...(ref === undefined ? {} : { ref }) };
  }

  #send(message: HubToAgent): void {
    try {
      this.connection.send(message);
    } catch (error) {
      this.#log.warn({ err: error, type: message.type }, "could not send to agent");
    }
  }

  #wentOffline(): void {
    const live = this.#ctx.presence.get(this.agentId);
    this.#ctx.presence.delete(this.agentId);
    if (live) {
      this.#ctx.agents.recordLastSeen(this.agentId, {
        lastSeenAt: isoAt(live.lastSeenAt),
        agentVersion: live.agentVersion,
        hostname: live.hostname,
        platform: live.platform,
      });
    }
    this.#ctx.onTenantChanged(this.tenantId);
  }
}
