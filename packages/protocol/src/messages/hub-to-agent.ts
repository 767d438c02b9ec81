import { z } from "zod";
import { ContentApply } from "../content.js";
import { ErrorCode } from "../errors.js";
import { InsightUpdate, InsightsAck } from "../insights.js";
import { Id, Nonce, RequestId, SessionPublicKey } from "../ids.js";
import { PROTOCOL_VERSION } from "../limits.js";
import { InsightsRefused, InsightsResume, TenantSettingsNotice } from "../tenant-settings.js";

/** First frame on every connection: the agent proves its key by signing `nonce`. */
export const HelloChallenge = z.object({
  type: z.literal("hello.challenge"),
  nonce: Nonce,
  protocolVersion: z.literal(PROTOCOL_VERSION),
  hubTime: z.number(),
  /** The hub's ephemeral X25519 key for this connection's session key (session-mac.ts); absent from hubs without them. */
  sessionKey: SessionPublicKey.optional(),
});

/** The handshake succeeded; the session settings. */
export const Welcome = z.object({
  type: z.literal("welcome"),
  sessionId: z.string().min(1).max(64),
  agentId: Id,
  tenantId: Id,
  tenantName: z.string(),
  heartbeatMs: z.number().int().positive(),
  /** "session-mac": every frame after this one carries the session key's HMAC, not a signature (session-mac.ts). */
  frameAuth: z.literal("session-mac").optional(),
});

/** Why a frame or the handshake was refused. `ref` names the offending request, if any. */
export const HubError = z.object({
  type: z.literal("error"),
  code: ErrorCode,
  message: z.string().max(1024),
  ref: RequestId.optional(),
});

/** App-level ping for the Ping action; the agent answers `pong` with the same id. */
export const Ping = z.object({
  type: z.literal("ping"),
  id: RequestId,
  sentAt: z.number(),
});

/** A request the agent answers with `rpc.res` (method table in `rpc.ts`). */
export const RpcRequest = z.object({
  type: z.literal("rpc.req"),
  id: RequestId,
  method: z.string().min(1).max(128),
  params: z.unknown(),
});

/** The hub revoked this agent: wipe the credentials and stop. */
export const UnpairNotice = z.object({
  type: z.literal("unpair"),
  reason: z.string().max(512),
});

export const HubToAgent = z.discriminatedUnion("type", [
  HelloChallenge,
  Welcome,
  HubError,
  Ping,
  RpcRequest,
  UnpairNotice,
  ContentApply,
  InsightsAck,
  InsightUpdate,
  InsightsRefused,
  InsightsResume,
  TenantSettingsNotice,
]);
export type HubToAgent = z.infer<typeof HubToAgent>;
export type HubToAgentType = HubToAgent["type"];
export type HubMessage<T extends HubToAgentType> = Extract<HubToAgent, { type: T }>;
