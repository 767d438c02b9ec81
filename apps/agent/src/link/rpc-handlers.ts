import {
  isRpcMethod,
  rpcMethods,
  type AgentMessage,
  type HubMessage,
  type Insight,
  type RpcMethod,
  type RpcResult,
  type SystemInfo,
} from "@canopy/protocol";
import type { z } from "zod";

/** What rpc implementations may read from the running agent. */
export interface RpcContext {
  systemInfo(): SystemInfo;
  /** One insight as the agent holds it now; null when it has none. */
  insight(id: string): Insight | null;
}

type RpcImplementations = {
  [M in RpcMethod]: (
    params: z.output<(typeof rpcMethods)[M]["params"]>,
    context: RpcContext,
  ) => RpcResult<M> | Promise<RpcResult<M>>;
};

/** One entry per protocol rpc method: a method added to the protocol does not compile until it is here. */
const rpcImplementations = {
  "system.info": (_params, context) => context.systemInfo(),
  "insight.get": ({ id }, context) => {
    const insight = context.insight(id);
    return { found: insight !== null, insight };
  },
} satisfies RpcImplementations;

type RpcResponse = AgentMessage<"rpc.res">;

function failure(id: string, code: NonNullable<RpcResponse["error"]>["code"], message: string): RpcResponse {
  return { type: "rpc.res", id, ok: false, error: { code, message: message.slice(0, 1024) } };
}

/** Answers one `rpc.req`: unknown method, bad params or a failing method all become `ok: false`. */
export async function answerRpc(request: HubMessage<"rpc.req">, context: RpcContext): Promise<RpcResponse> {
  const { id, method } = request;
  if (!isRpcMethod(method)) return failure(id, "unknown_method", `unknown method "${method.slice(0, 128)}"`);
  const spec = rpcMethods[method];
  const params = spec.params.safeParse(request.params ?? undefined);
  if (!params.success) return failure(id, "invalid_message", `invalid params for ${method}: ${params.error.issues[0]?.message ?? "invalid"}`);
  try {
    const implementation = rpcImplementations[method] as (params: unknown, context: RpcContext) => unknown;
    // Checked against the protocol's result schema so a bug here is reported, not sent.
    const result = spec.result.parse(await implementation(params.data, context));
    return { type: "rpc.res", id, ok: true, result };
  } catch (error) {
    return failure(id, "internal", `${method} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
