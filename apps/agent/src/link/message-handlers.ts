import type { KeyObject } from "node:crypto";
import { CloseCode, deriveSessionKey, generateEphemeralKey, SESSION_MAC_CAPABILITY, signHello, type HubMessage, type HubToAgent, type HubToAgentType } from "@canopy/protocol";
import { AGENT_CAPABILITIES, hostDescription } from "./host.js";
import type { HandshakePhase, HubSocket } from "./hub-socket.js";
import type { AgentLogger } from "../core/logger.js";
import { answerRpc, type RpcContext } from "./rpc-handlers.js";

/** What the handlers may see and do in the running agent. */
export interface HandlerContext {
  readonly logger: AgentLogger;
  readonly agentId: string;
  readonly privateKey: KeyObject;
  readonly rpc: RpcContext;
  /** The hub accepted the hello. */
  welcomed(welcome: HubMessage<"welcome">, socket: HubSocket): void;
  /** The hub revoked this agent (unpair notice). */
  revoked(reason: string): void;
  /** Queues a content batch; it is applied and acked in the background, in arrival order. */
  applyContent(batch: HubMessage<"content.apply">, socket: HubSocket): void;
  /** The hub stored insight batch `seq`. */
  insightsAcked(seq: number): void;
  /** Applies board changes, makes them durable, answers `insight.update.ack`. */
  applyInsightUpdates(message: HubMessage<"insight.update">, socket: HubSocket): Promise<void>;
  /** The hub refused insight batch `seq` (daily volume cap): keep it and wait. */
  insightsRefused(message: HubMessage<"insights.refused">): void;
  /** The hub takes insights again. */
  insightsResumed(): void;
  /** The tenant's settings the agent applies itself (retention). */
  tenantSettings(message: HubMessage<"tenant.settings">): Promise<void>;
}

type Handler<T extends HubToAgentType> = (message: HubMessage<T>, socket: HubSocket, context: HandlerContext) => void | Promise<void>;
type HubMessageHandlers = { [T in HubToAgentType]: Handler<T> };

/**
 * Frames arrive here already verified against the pinned hub key; this guards the order. A
 * message out of place is a hub bug, answered with `unexpected_message` and otherwise ignored.
 */
function inPhase(socket: HubSocket, message: HubToAgent, ...phases: HandshakePhase[]): boolean {
  if (phases.includes(socket.phase)) return true;
  socket.send({
    type: "error",
    code: "unexpected_message",
    message: `${message.type} is not expected while ${socket.phase}`,
    ...("id" in message ? { ref: message.id } : "batchId" in message ? { ref: message.batchId } : {}),
  });
  return false;
}

/**
 * The agent's half of the connection's session key (protocol session-mac.ts): its own ephemeral
 * X25519 key, answered to the hub's from the signed challenge. None (the frames stay signed)
 * when the hub's key share makes no key, which only a broken hub sends.
 */
function agreeSessionKey(nonce: string, hubPublicKey: string, context: HandlerContext): { key: KeyObject; publicKey: string } | undefined {
  const own = generateEphemeralKey();
  try {
    const key = deriveSessionKey({ own: own.privateKey, peerPublicKey: hubPublicKey, nonce, agentId: context.agentId, hubPublicKey, agentPublicKey: own.publicKey });
    return { key, publicKey: own.publicKey };
  } catch (error) {
    context.logger.warn({ err: error instanceof Error ? error.message : String(error) }, "the hub's session key share makes no key; keeping signed frames");
    return undefined;
  }
}

/** One handler per hub → agent message: a new message type does not compile until it is handled here. */
const handlers = {
  "hello.challenge": (message, socket, context) => {
    if (!inPhase(socket, message, "awaiting-challenge")) return;
    const session = message.sessionKey === undefined ? undefined : agreeSessionKey(message.nonce, message.sessionKey, context);
    socket.bindContext(message.nonce, session?.key);
    socket.send({
      type: "hello",
      agentId: context.agentId,
      signature: signHello(context.privateKey, message.nonce, context.agentId, session?.publicKey),
      ...hostDescription(),
      capabilities: [...AGENT_CAPABILITIES, SESSION_MAC_CAPABILITY],
      ...(session ? { sessionKey: session.publicKey } : {}),
    });
  },

  welcome: (message, socket, context) => {
    if (!inPhase(socket, message, "awaiting-welcome")) return;
    if (message.agentId !== context.agentId) {
      context.logger.error({ expected: context.agentId, got: message.agentId }, "hub welcomed another agent id; reconnecting");
      socket.close(CloseCode.protocolError, "welcome for another agent");
      return;
    }
    if (!socket.establish(message.heartbeatMs, message.frameAuth)) {
      context.logger.error({}, "hub asked for a session key this connection never agreed; reconnecting");
      socket.close(CloseCode.protocolError, "no session key");
      return;
    }
    context.welcomed(message, socket);
  },

  error: (message, socket, context) => {
    // During the handshake the close that follows (4001, 4003, …) decides what happens next.
    context.logger.warn({ code: message.code, ref: message.ref, phase: socket.phase, detail: message.message }, "hub reported an error");
  },

  ping: (message, socket) => {
    if (!inPhase(socket, message, "established")) return;
    socket.send({ type: "pong", id: message.id });
  },

  "rpc.req": async (message, socket, context) => {
    if (!inPhase(socket, message, "established")) return;
    context.logger.debug({ method: message.method, id: message.id }, "rpc request");
    socket.send(await answerRpc(message, context.rpc));
  },

  "content.apply": (message, socket, context) => {
    if (!inPhase(socket, message, "established")) return;
    context.logger.debug({ batchId: message.batchId, pushId: message.pushId, items: message.items.length }, "content batch received");
    context.applyContent(message, socket);
  },

  "insights.ack": (message, socket, context) => {
    if (!inPhase(socket, message, "established")) return;
    context.insightsAcked(message.seq);
  },

  "insight.update": async (message, socket, context) => {
    if (!inPhase(socket, message, "established")) return;
    context.logger.debug({ updates: message.updates.length }, "insight updates received");
    await context.applyInsightUpdates(message, socket);
  },

  "insights.refused": (message, socket, context) => {
    if (!inPhase(socket, message, "established")) return;
    context.insightsRefused(message);
  },

  "insights.resume": (message, socket, context) => {
    if (!inPhase(socket, message, "established")) return;
    context.insightsResumed();
  },

  "tenant.settings": async (message, socket, context) => {
    if (!inPhase(socket, message, "established")) return;
    await context.tenantSettings(message);
  },

  unpair: (message, socket, context) => {
    // Signed with this connection's nonce, so it is the pinned hub speaking: honour it even mid-handshake.
    if (!inPhase(socket, message, "awaiting-welcome", "established")) return;
    context.revoked(message.reason);
  },
} satisfies HubMessageHandlers;

/** Dispatches one decoded hub message. Never throws: a failing handler is logged. */
export function handleHubMessage(message: HubToAgent, socket: HubSocket, context: HandlerContext): void {
  const handler = handlers[message.type] as Handler<HubToAgentType>;
  const fail = (error: unknown) =>
    context.logger.error({ type: message.type, err: error instanceof Error ? error.message : String(error) }, "handling a hub message failed");
  try {
    const pending = handler(message, socket, context);
    if (pending) pending.catch(fail);
  } catch (error) {
    fail(error);
  }
}
