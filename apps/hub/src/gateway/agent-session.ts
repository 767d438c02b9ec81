import {
  CloseCode,
  CONTENT_REMOVE_CAPABILITY,
  decodeAgentFrame,
  type AgentMessage,
  type AgentToHub,
  type ErrorCode,
  type HubToAgent,
  type ProtocolError,
  frameSize,
  type RawFrame,
  type RpcMethod,
  type RpcParams,
  type RpcResult,
} from "@canopy/protocol";
import { StoreWriteError } from "@canopy/store";
import { AgentRequests } from "./agent-requests.js";
import { revokeAtAgentsRequest } from "./agent-records.js";
import type { Connection } from "./connection.js";
import type { AgentLink, ApplyBatch } from "./content-port.js";
import { errorFrame, GatewayError } from "./gateway-error.js";
import { Handshake, type HelloVerdict } from "./handshake.js";
import { InsightChannel } from "./insight-channel.js";
import { AgentLog, clip, type AgentLogger } from "./agent-log.js";
import { ConnectionBudget, type Refusal } from "./connection-budget.js";
import { lastSeenOf } from "./presence.js";
import type { PingResult, SessionContext } from "./session-context.js";

/** `verifying`: a hello came and its agent is being looked up; frames that come meanwhile wait for it (`#held`). */
type State = "challenging" | "verifying" | "authenticated" | "closing" | "closed";

// ws refuses close reasons over 123 bytes.
const MAX_CLOSE_REASON = 120;
/** Frames held while a hello is verified, at most (the bytes before a hello are bounded too). */
const MAX_HELD_FRAMES = 64;

/**
 * One agent connection: the challenge/hello handshake, then every frame decoded in layers and
 * dispatched by type. Identity (agentId, tenantId) is set once, from the verified hello, and
 * handlers use only that, never ids found in payloads. Every frame is counted against the
 * connection's budget before it is decoded (`ConnectionBudget`); before the handshake anything
 * but a valid hello is fatal. Nothing here throws to the transport.
 *
 * Once authenticated, the session is the push side's `AgentLink` to the agent: the content
 * messages go straight to the `ContentPort` with the session as their link, and batches come
 * back through `apply`.
 */
export class AgentSession implements AgentLink {
  readonly connection: Connection;
  readonly #ctx: SessionContext;
  /** Made by the first ping or rpc call: most sessions never see one. */
  #requests: AgentRequests | undefined;
  readonly #budget: ConnectionBudget;
  /** Until the handshake is over; then dropped (the nonce lives on in the connection's sealer). */
  #handshake: Handshake | undefined;
  #log: AgentLog;
  #state: State = "challenging";
  #identity: { agentId: string; tenantId: string } | undefined;
  /** Its hello listed CONTENT_REMOVE_CAPABILITY. */
  #removes = false;
  #insights: InsightChannel | undefined;
  /** Frames that came while the hello was verified: handled in order once it is decided. */
  #held: { data: RawFrame; isBinary: boolean }[] = [];

  constructor(connection: Connection, ctx: SessionContext) {
    this.connection = connection;
    this.#ctx = ctx;
    this.#log = new AgentLog(ctx.logger, { connectionId: connection.id, remoteAddress: connection.remoteAddress }, ctx.budgets.logLinesPerMinute, ctx.clock);
    this.#budget = new ConnectionBudget(connection, ctx.budgets, ctx.clock);
    this.#handshake = new Handshake(() => ctx.onHandshakeEnded(this));
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

  /** The connection id: a reconnect is a new session, hence a new link, even for the same agent. */
  get sessionId(): string {
    return this.connection.id;
  }

  /** Authenticated and not closing: the push side may send on this link. */
  get isOpen(): boolean {
    return this.#state === "authenticated";
  }

  /** The agent understands removals in `content.apply` (see AgentLink). */
  get removes(): boolean {
    return this.#removes;
  }

  /** The connection's rate-limited log (with the agent's identity once authenticated). */
  get log(): AgentLogger {
    return this.#log;
  }

  /** Sends `content.apply` if the link is open; false when it is not or the socket refused it (the batch counts as lost). */
  apply(batch: ApplyBatch, payload?: Uint8Array): boolean {
    return this.isOpen && this.#send({ type: "content.apply", ...batch }, payload);
  }

  /** Sends the challenge and starts the handshake clock. */
  start(): void {
    const { handshakeTimeoutMs } = this.#ctx;
    const challenge = this.#handshake!.start(this.#ctx.clock(), handshakeTimeoutMs, () => {
      if (this.#state !== "challenging" && this.#state !== "verifying") return;
      this.refuse("auth_failed", CloseCode.handshakeTimeout, `no hello within ${Math.round(handshakeTimeoutMs / 1000)} s`);
    });
    this.#send(challenge);
  }

  /**
   * One frame from the agent. Never throws; a frame handled asynchronously (a hello looks its
   * agent up) answers a promise that settles once it is handled, never rejecting.
   */
  receive(data: RawFrame, isBinary: boolean): Promise<void> | undefined {
    if (this.#state === "closing" || this.#state === "closed") return undefined;
    try {
      // Counted before anything else is spent on it: a flood costs a few additions per frame.
      const refusal = this.#budget.frame(frameSize(data));
      if (refusal) {
        this.#refuseWith(refusal);
        return undefined;
      }
      if (this.#state === "verifying") {
        if (this.#held.length >= MAX_HELD_FRAMES) this.refuse("rate_limited", CloseCode.protocolError, "too many frames before the welcome");
        else this.#held.push({ data, isBinary });
        return undefined;
      }
      return this.#handle(data, isBinary);
    } catch (error) {
      this.#internalError(error);
      return undefined;
    }
  }

  #handle(data: RawFrame, isBinary: boolean): Promise<void> | undefined {
    const decoded = decodeAgentFrame(data, isBinary);
    if (!decoded.ok) {
      this.#rejectFrame(decoded.error);
      return undefined;
    }
    return this.#dispatch(decoded.message);
  }

  /** The hello is decided: what came meanwhile is handled now, in order (nothing, if it was refused). */
  #handleHeld(): void {
    for (const frame of this.#held.splice(0)) {
      if (this.#state === "closing" || this.#state === "closed") return;
      try {
        void this.#handle(frame.data, frame.isBinary);
      } catch (error) {
        this.#internalError(error);
      }
    }
  }

  /** Whether the session holds back reading (the agent is over a budget). */
  get paused(): boolean {
    return this.#budget.paused;
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
    const wasOpen = this.isOpen;
    this.#state = "closed";
    this.#endHandshake();
    this.#budget.close();
    this.#requests?.failAll(new GatewayError("not_connected", "the agent disconnected"));
    // Once per session: whichever of `end` and `closed` comes first tells the push side.
    if (wasOpen) this.#ctx.content.disconnected(this);
    this.#insights?.closed();
    try {
      if (wasAuthenticated && this.#ctx.registry.detach(this)) this.#wentOffline();
    } catch (error) {
      this.#log.error({ err: error }, "failed to record the disconnect");
    }
    this.#log.flush();
    this.#log.lifecycle({ code, reason: clip(reason) }, "agent connection closed");
    this.#ctx.onSessionEnded(this);
  }

  /** Closes the connection, optionally telling the agent why first. */
  end(code: number, reason: string, notice?: HubToAgent): void {
    if (this.#state === "closing" || this.#state === "closed") return;
    if (notice) this.#send(notice);
    const wasOpen = this.isOpen;
    this.#state = "closing";
    this.#endHandshake();
    // Reading resumes if a budget held it back: the peer's close frame must get through.
    this.#budget.close();
    if (wasOpen) this.#ctx.content.disconnected(this);
    this.#insights?.closed();
    this.connection.close(code, reason.slice(0, MAX_CLOSE_REASON));
  }

  /** App-level ping: the round trip through the agent, measured on the hub's monotonic clock. */
  async ping(): Promise<PingResult> {
    const rttMs = await this.#requestsOf().ping(this.#ctx.clock());
    this.#ctx.presence.update(this.agentId, { rttMs, lastSeenAt: this.#ctx.clock() });
    this.#ctx.onTenantChanged(this.tenantId);
    return { rttMs, agentVersion: this.#ctx.presence.get(this.agentId)?.agentVersion ?? "" };
  }

  /** Calls `method` on the agent; its result is validated against the method table. */
  call<M extends RpcMethod>(method: M, params: RpcParams<M>): Promise<RpcResult<M>> {
    return this.#requestsOf().call(method, params);
  }

  #requestsOf(): AgentRequests {
    return (this.#requests ??= new AgentRequests(this));
  }

  /** `RequestChannel` for `#requests`: a request goes out only on an authenticated session. */
  canSend(): boolean {
    return this.#state === "authenticated";
  }

  /** `RequestChannel`: how long a ping or rpc call waits for its answer. */
  timeoutMs(): number {
    return this.#ctx.rpcTimeoutMs;
  }

  /** `RequestChannel`: sends a request frame (false, logged, when the socket refused it). */
  send(message: HubToAgent): void {
    this.#send(message);
  }

  #endHandshake(): void {
    this.#handshake?.end();
    this.#handshake = undefined;
  }

  async #hello(hello: AgentMessage<"hello">): Promise<void> {
    if (this.#state === "authenticated") {
      if (this.#badFrame()) this.#sendError("unexpected_message", "already authenticated");
      return;
    }
    this.#state = "verifying";
    try {
      await this.#welcome(hello);
    } finally {
      this.#handleHeld();
    }
  }

  async #unpair(request: AgentMessage<"unpair">): Promise<void> {
    const { tenantId } = this.#identity!;
    const reason = request.reason ?? "unpaired by the agent";
    await revokeAtAgentsRequest(this.#ctx.data, this.#ctx.clock, this.#identity!, reason);
    this.#log.info({ reason: clip(reason) }, "agent unpaired itself");
    this.end(CloseCode.revoked, "unpaired", { type: "unpair", reason: "unpaired at the agent's request" });
    this.#ctx.onTenantChanged(tenantId);
  }

  async #upsertInsights(message: AgentMessage<"insights.upsert">): Promise<void> {
    // Backpressure for a flood of batches: the hub stops reading while too many await their ack.
    this.#budget.batchStarted(message.insights.length);
    try {
      await this.#insights!.upsert(message);
    } finally {
      this.#budget.batchDone();
    }
  }

  #agentError(error: AgentMessage<"error">): void {
    this.#log.warn({ code: error.code, ref: error.ref, message: clip(error.message) }, "agent reported an error");
    if (error.ref) this.#requests?.fail(error.ref, new GatewayError(error.code, error.message));
  }

  /**
   * One decoded frame to its handler: a switch over methods, not a table of closures made per
   * session. Content and insight messages are only reachable once authenticated (see
   * `#dispatch`): the session is the link they came on.
   */
  #route(message: AgentToHub): void | Promise<void> {
    switch (message.type) {
      case "hello":
        return this.#hello(message);
      case "pong":
        return this.#answered(message, "pong for no pending ping");
      case "rpc.res":
        return this.#answered(message, "rpc answer for no pending request");
      case "unpair":
        return this.#unpair(message);
      case "content.manifest":
        return this.#ctx.content.manifest(this, message);
      case "content.ack":
        return this.#ctx.content.ack(this, message);
      case "content.drift":
        return this.#ctx.content.drift(this, message);
      case "insights.upsert":
        return this.#upsertInsights(message);
      case "insight.update.ack":
        return this.#insights!.updateAck(message);
      case "error":
        return this.#agentError(message);
      default: {
        const unknown: never = message;
        throw new Error(`no handler for ${(unknown as { type: string }).type}`);
      }
    }
  }

  /** A hello, while `verifying`: looks the agent up, then welcomes or refuses it. */
  async #welcome(hello: AgentMessage<"hello">): Promise<void> {
    let verdict: HelloVerdict;
    try {
      verdict = await this.#handshake!.verify(hello, this.#ctx.data);
    } catch (error) {
      if (this.#state !== "verifying") return;
      this.#log.error({ err: error }, "could not look the agent up");
      this.refuse("store_unavailable", CloseCode.tryAgainLater, "the hub could not check this agent now; reconnect later");
      return;
    }
    // Timed out or closed while the agent was looked up.
    if (this.#state !== "verifying") return;
    if (!verdict.ok) {
      this.#log.warn({ agentId: hello.agentId, code: verdict.code }, "agent handshake refused");
      this.refuse(verdict.code, verdict.closeCode, verdict.message);
      return;
    }
    const { agent, tenant, sessionKey } = verdict;
    this.#identity = { agentId: agent.id, tenantId: tenant.id };
    this.#removes = hello.capabilities.includes(CONTENT_REMOVE_CAPABILITY);
    this.#state = "authenticated";
    this.#endHandshake();
    this.connection.authenticated?.(sessionKey);
    this.#budget.authenticated(this.#ctx.meterFor(tenant.id));
    this.#log = this.#log.child({ agentId: agent.id, tenantId: tenant.id });
    const previous = this.#ctx.registry.attach(this);
    if (previous && previous !== this) {
      previous.end(CloseCode.replaced, "replaced by a newer connection", errorFrame("replaced", "another connection with this agent's key took over"));
    }
    this.#ctx.presence.arrived({ agentId: agent.id, tenantId: tenant.id, sessionId: this.connection.id }, hello, this.#ctx.clock());
    this.#send({
      type: "welcome",
      sessionId: this.connection.id,
      agentId: agent.id,
      tenantId: tenant.id,
      tenantName: tenant.name,
      heartbeatMs: this.#ctx.heartbeatMs,
      ...(sessionKey ? { frameAuth: "session-mac" as const } : {}),
    });
    this.#log.lifecycle({ agentVersion: clip(hello.agentVersion), hostname: clip(hello.hostname), replaced: previous !== undefined }, "agent online");
    this.#ctx.content.connected(this);
    this.#insights = new InsightChannel(this.#identity, this.connection, this.#ctx.insights, this.#log);
    this.#insights.opened();
    this.#ctx.onTenantChanged(tenant.id);
  }

  #dispatch(message: AgentToHub): Promise<void> | undefined {
    if (this.#state === "challenging" && message.type !== "hello") {
      this.refuse("unexpected_message", CloseCode.protocolError, `expected hello, got ${message.type}`);
      return undefined;
    }
    this.touch();
    const result = this.#route(message);
    return result instanceof Promise ? result.catch((error: unknown) => this.#internalError(error)) : undefined;
  }

  #rejectFrame(error: ProtocolError): void {
    // Before the handshake only a valid hello is acceptable: no error is worth a second frame.
    const fatal = error.fatal || this.#state === "challenging" || this.#state === "verifying";
    this.#log.warn({ code: error.code, fatal }, `bad frame from agent: ${clip(error.message)}`);
    if (fatal) {
      this.refuse(error.code, CloseCode.protocolError, error.message, error.ref);
      return;
    }
    if (this.#badFrame()) this.#sendError(error.code, error.message, error.ref);
  }

  /** An answer from the agent; one to something the hub never asked (or no longer waits for) is a bad frame. */
  #answered(answer: AgentMessage<"pong"> | AgentMessage<"rpc.res">, unasked: string): void {
    if (this.#requests?.answer(answer)) return this.#budget.answered();
    this.#log.debug({ id: clip(answer.id) }, unasked);
    this.#badFrame();
  }

  /** Counts a bad frame; false when that was one too many (the connection is refused). */
  #badFrame(): boolean {
    const refusal = this.#budget.badFrame();
    if (refusal) this.#refuseWith(refusal);
    return refusal === undefined;
  }

  #refuseWith(refusal: Refusal): void {
    this.#log.lifecycle({ code: refusal.code, closeCode: refusal.closeCode }, refusal.message, "warn");
    this.refuse(refusal.code, refusal.closeCode, refusal.message);
  }

  #internalError(error: unknown): void {
    if (error instanceof StoreWriteError) {
      // Nothing of the frame was kept (the store rolled it back) and nothing was acknowledged.
      // The agent resends unacknowledged work after a welcome, so close and let it come back
      // after a backoff, rather than leave its outbox waiting for an ack that never comes.
      this.#log.error({ errno: error.errno }, "could not store what the agent sent; asking it to try again later");
      if (this.#state === "authenticated") this.refuse("store_unavailable", CloseCode.tryAgainLater, `the hub could not store this: ${error.reason}; reconnect later and send it again`);
      return;
    }
    this.#log.error({ err: error }, "agent frame handler failed");
    if (this.#state === "challenging" || this.#state === "verifying" || this.#state === "authenticated") this.#sendError("internal", "the hub could not process this frame");
  }

  /** Ends the connection with an `error` frame saying why, then `closeCode`. */
  refuse(code: ErrorCode, closeCode: number, message: string, ref?: string): void {
    this.end(closeCode, message, errorFrame(code, message, ref));
  }

  #sendError(code: ErrorCode, message: string, ref?: string): void {
    this.#send(errorFrame(code, message, ref));
  }

  /** False (logged) when the socket refused the frame. */
  #send(message: HubToAgent, payload?: Uint8Array): boolean {
    try {
      this.connection.send(message, payload);
      return true;
    } catch (error) {
      this.#log.warn({ err: error, type: message.type }, "could not send to agent");
      return false;
    }
  }

  #wentOffline(): void {
    const live = this.#ctx.presence.left(this.agentId);
    // Nothing waits for it: a failed write loses only this last-seen time, which the next
    // disconnect writes again.
    if (live) {
      const agentId = this.agentId;
      this.#ctx.background(
        this.#ctx.lastSeen
          .record(agentId, lastSeenOf(live))
          .catch((error: unknown) => this.#log.warn({ err: error }, "could not record when the agent was last seen"))
          .finally(() => this.#ctx.presence.recorded(agentId, live)),
      );
    }
    this.#ctx.onTenantChanged(this.tenantId);
  }
}
