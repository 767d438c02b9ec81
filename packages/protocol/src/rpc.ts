import { z } from "zod";
import { HeldItem } from "./content.js";
import { Insight, InsightId } from "./insights.js";

/** `system.info`: what the Connect view shows about a tenant, fetched live from its agent. */
export const SystemInfo = z.object({
  hostname: z.string(),
  platform: z.string(),
  arch: z.string(),
  osRelease: z.string(),
  agentVersion: z.string(),
  nodeVersion: z.string(),
  pid: z.number().int(),
  startedAt: z.date(),
  uptimeSec: z.number().nonnegative(),
  connectedSince: z.date().nullable(),
  memoryRssBytes: z.number().nonnegative(),
  holds: z.object({
    content: z.array(HeldItem),
    insights: z.object({ count: z.number().int().nonnegative() }),
  }),
});
export type SystemInfo = z.infer<typeof SystemInfo>;

/**
 * Every method the hub may call on an agent with `rpc.req`, with its params and result schemas.
 * Both sides validate against this table, so adding a method here is the whole contract.
 */
export const rpcMethods = {
  "system.info": { params: z.object({}).default({}), result: SystemInfo },
  /** `insight.get`: one insight as the tenant holds it now (Open in tenant); `found: false` when it has none. */
  "insight.get": {
    params: z.object({ id: InsightId }),
    result: z.object({ found: z.boolean(), insight: Insight.nullable() }),
  },
} as const;

export type RpcMethod = keyof typeof rpcMethods;
export type RpcParams<M extends RpcMethod> = z.input<(typeof rpcMethods)[M]["params"]>;
export type RpcResult<M extends RpcMethod> = z.infer<(typeof rpcMethods)[M]["result"]>;

export function isRpcMethod(name: string): name is RpcMethod {
  return Object.hasOwn(rpcMethods, name);
}
