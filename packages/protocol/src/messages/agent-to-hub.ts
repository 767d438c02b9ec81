import { z } from "zod";
import { ContentAck, ContentDrift, ContentManifest } from "../content.js";
import { ErrorCode } from "../errors.js";
import { InsightUpdateAck, InsightsUpsert } from "../insights.js";
import { Id, RequestId, SessionPublicKey, Signature } from "../ids.js";

/**
 * The agent's answer to `hello.challenge`. `agentId` only selects which public key to verify
 * against; the identity the hub then uses comes from that key, never from other fields.
 */
export const Hello = z.object({
  type: z.literal("hello"),
  agentId: Id,
  signature: Signature,
  agentVersion: z.string().min(1).max(64),
  hostname: z.string().min(1).max(255),
  platform: z.string().min(1).max(64),
  capabilities: z.array(z.string().max(64)).max(64),
  /** The agent's ephemeral X25519 key, answering the challenge's (covered by `signature`); with the "session-mac" capability. */
  sessionKey: SessionPublicKey.optional(),
});

export const Pong = z.object({
  type: z.literal("pong"),
  id: RequestId,
});

const RpcFailure = z.object({ code: ErrorCode, message: z.string().max(1024) });

export const RpcResponse = z.object({
  type: z.literal("rpc.res"),
  id: RequestId,
  ok: z.boolean(),
  result: z.unknown().optional(),
  error: RpcFailure.optional(),
});

/** The tenant admin ran `canopy-agent unpair`: revoke this agent's key. */
export const UnpairRequest = z.object({
  type: z.literal("unpair"),
  reason: z.string().max(512).optional(),
});

/** The agent could not use a hub frame. */
export const AgentError = z.object({
  type: z.literal("error"),
  code: ErrorCode,
  message: z.string().max(1024),
  ref: RequestId.optional(),
});

export const AgentToHub = z.discriminatedUnion("type", [
  Hello,
  Pong,
  RpcResponse,
  UnpairRequest,
  AgentError,
  ContentManifest,
  ContentAck,
  ContentDrift,
  InsightsUpsert,
  InsightUpdateAck,
]);
export type AgentToHub = z.infer<typeof AgentToHub>;
export type AgentToHubType = AgentToHub["type"];
export type AgentMessage<T extends AgentToHubType> = Extract<AgentToHub, { type: T }>;
