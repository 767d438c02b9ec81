import { performance } from "node:perf_hooks";
import { rpcMethods, type AgentMessage, type HubToAgent, type RpcMethod, type RpcParams, type RpcResult } from "@canopy/protocol";
import { GatewayError } from "./gateway-error.js";
import { PendingRequests } from "./pending-requests.js";

type Answer = AgentMessage<"pong"> | AgentMessage<"rpc.res">;

export interface RequestChannel {
  /** False when the session cannot carry a request (not authenticated, closing). */
  canSend(): boolean;
  send(message: HubToAgent): void;
  timeoutMs(): number;
}

/**
 * The requests a session makes of its agent (app-level ping, rpc) and their answers, matched by
 * id, each with its own timeout. Kept apart from the session so the session stays about the
 * connection's lifecycle and dispatch.
 */
export class AgentRequests {
  readonly #pending = new PendingRequests<Answer>();
  readonly #channel: RequestChannel;
  #sequence = 0;

  constructor(channel: RequestChannel) {
    this.#channel = channel;
  }

  /** The round trip through the agent in ms, measured on the hub's monotonic clock. */
  async ping(sentAt: number): Promise<number> {
    const id = this.#nextId("ping");
    const started = performance.now();
    await this.#request(id, { type: "ping", id, sentAt });
    return Math.round((performance.now() - started) * 100) / 100;
  }

  /** Calls `method` on the agent; its result is validated against the method table. */
  async call<M extends RpcMethod>(method: M, params: RpcParams<M>): Promise<RpcResult<M>> {
    const spec = rpcMethods[method];
    const id = this.#nextId("rpc");
    const answer = await this.#request(id, { type: "rpc.req", id, method, params: spec.params.parse(params) });
    if (answer.type !== "rpc.res") throw new GatewayError("invalid_message", "unexpected answer to an rpc request");
    if (!answer.ok) {
      throw new GatewayError(answer.error?.code ?? "internal", answer.error?.message ?? "the agent reported a failure");
    }
    const parsed = spec.result.safeParse(answer.result);
    if (!parsed.success) throw new GatewayError("invalid_message", `the agent's ${method} result is not valid`);
    return parsed.data as RpcResult<M>;
  }

  /** A `pong` or `rpc.res` arrived; false when nothing waits for it (late or unknown). */
  answer(message: Answer): boolean {
    return this.#pending.resolve(message.id, message);
  }

  /** The agent answered request `ref` with an `error` frame. */
  fail(ref: string, error: GatewayError): void {
    this.#pending.reject(ref, error);
  }

  /** The connection is gone: every waiting request fails. */
  failAll(error: GatewayError): void {
    this.#pending.rejectAll(error);
  }

  #request(id: string, message: HubToAgent): Promise<Answer> {
    if (!this.#channel.canSend()) return Promise.reject(new GatewayError("not_connected", "the agent is not connected"));
    const answer = this.#pending.wait(id, this.#channel.timeoutMs());
    this.#channel.send(message);
    return answer;
  }

  #nextId(kind: string): string {
    this.#sequence++;
    return `${kind}-${this.#sequence}`;
  }
}
