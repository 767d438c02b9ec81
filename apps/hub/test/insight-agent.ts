import type { KeyObject } from "node:crypto";
import type { HubMessage, Insight, InsightUpdateRequest, InsightUpdateResult } from "@canopy/protocol";
import { WsAgent } from "./ws-agent.js";

export interface AgentIdentity {
  agentId: string;
  privateKey: KeyObject;
  hubPublicKey: string;
}

/** What an agent keeps across its connections (its store): insights and the outbox sequence. */
export interface AgentState {
  insights: Map<string, Insight>;
  seq: number;
}

/**
 * An agent's insight side over a real socket, built from protocol messages only: it sends
 * numbered `insights.upsert` batches and applies `insight.update` the way the agent does
 * (status sets or clears `closedAt`, comments by id, revision bumped), then acks with the
 * insight after the change. `hold` keeps updates unanswered; `refuse` answers `ok: false`.
 */
export class InsightAgent {
  readonly ws: WsAgent;
  /** Updates in the order they arrived (resends included). */
  readonly updates: InsightUpdateRequest[] = [];
  hold = false;
  refuse = new Map<string, string>();

  constructor(
    hubUrl: string,
    readonly identity: AgentIdentity,
    readonly state: AgentState = { insights: new Map(), seq: 0 },
  ) {
    this.ws = new WsAgent({
      hubUrl,
      hubPublicKey: identity.hubPublicKey,
      agentId: identity.agentId,
      privateKey: identity.privateKey,
      onMessage: (message) => {
        if (message.type === "insight.update") this.#onUpdate(message);
      },
    });
  }

  static async connect(hubUrl: string, identity: AgentIdentity, state?: AgentState): Promise<InsightAgent> {
    const agent = new InsightAgent(hubUrl, identity, state);
    await agent.ws.next("welcome");
    return agent;
  }

  /** Sends a batch (the insights as given, kept as the agent's own); resolves with its seq. */
  send(insights: Insight[], seq = ++this.state.seq): number {
    for (const insight of insights) this.state.insights.set(insight.id, insight);
    this.ws.send({ type: "insights.upsert", seq, insights });
    return seq;
  }

  async acked(seq: number, timeoutMs = 5000): Promise<void> {
    await this.ws.waitFor("insights.ack", (ack) => ack.seq === seq, timeoutMs);
  }

  /** Answers every update received and not answered yet (after `hold`). */
  answerHeld(): void {
    this.#answer(this.updates.splice(0));
  }

  close(): Promise<{ code: number; reason: string }> {
    this.ws.close();
    return this.ws.closed;
  }

  #onUpdate(message: HubMessage<"insight.update">): void {
    if (this.hold) {
      this.updates.push(...message.updates);
      return;
    }
    this.updates.push(...message.updates);
    this.#answer(message.updates);
  }

  #answer(updates: InsightUpdateRequest[]): void {
    if (updates.length === 0) return;
    const results = updates.map((update) => this.#apply(update));
    this.ws.send({ type: "insight.update.ack", results });
  }

  #apply(update: InsightUpdateRequest): InsightUpdateResult {
    const refusal = this.refuse.get(update.insightId);
    if (refusal !== undefined) return { updateId: update.updateId, ok: false, error: refusal };
    const current = this.state.insights.get(update.insightId);
    if (!current) return { updateId: update.updateId, ok: false, error: "not_found" };
    const { status, assignee, comment } = update.changes;
    const now = new Date();
    const next: Insight = { ...current, revision: current.revision + 1, updatedAt: now };
    if (status !== undefined && status !== current.status) {
      next.status = status;
      next.closedAt = status === "closed" ? now : null;
    }
    if (assignee !== undefined) next.assignee = assignee;
    if (comment && !current.comments.some((c) => c.id === comment.id)) next.comments = [...current.comments, comment];
    this.state.insights.set(next.id, next);
    return { updateId: update.updateId, ok: true, insight: next };
  }
}
