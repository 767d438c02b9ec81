import type { Tenant, TenantListQuery } from "@canopy/api";
import { isoAt } from "../core/clock.js";
import { problems } from "../core/problem-error.js";
import type { Presence } from "../gateway/presence.js";
import type { Agents } from "./agents.js";
import type { AgentRecord, TenantRecord } from "./records.js";
import type { Tenants } from "./tenants.js";

/** A tenant as the API shows it (@canopy/api `Tenant`): stored fields plus its agent's live state. */
export type TenantView = Tenant;

type Cursor = [nameKey: string, id: string];

function encodeCursor(view: TenantView): string {
  return Buffer.from(JSON.stringify([view.name.toLowerCase(), view.id] satisfies Cursor)).toString("base64url");
}

function decodeCursor(cursor: string): Cursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === "string")) return value as Cursor;
  } catch {
    // fall through
  }
  throw problems.invalid([{ path: "cursor", message: "not a cursor from this API" }]);
}

function compareKey(a: Cursor, b: Cursor): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

/**
 * Status is computed, never stored: online while a session is authenticated, offline when the
 * tenant has an active (non-revoked) agent that is not connected, unpaired otherwise.
 */
export class TenantViews {
  readonly #tenants: Tenants;
  readonly #agents: Agents;
  readonly #presence: Presence;

  constructor(tenants: Tenants, agents: Agents, presence: Presence) {
    this.#tenants = tenants;
    this.#agents = agents;
    this.#presence = presence;
  }

  get(id: string): TenantView {
    return this.view(this.#tenants.require(id));
  }

  find(id: string): TenantView | undefined {
    const tenant = this.#tenants.get(id);
    return tenant ? this.view(tenant) : undefined;
  }

  view(tenant: TenantRecord, agent: AgentRecord | undefined = this.#agents.activeFor(tenant.id)): TenantView {
    const live = agent ? this.#presence.get(agent.id) : undefined;
    return {
      id: tenant.id,
      name: tenant.name,
      description: tenant.description,
      tags: tenant.tags,
      parentId: tenant.parentId,
      status: live ? "online" : agent ? "offline" : "unpaired",
      lastSeenAt: live ? isoAt(live.lastSeenAt) : (agent?.lastSeenAt ?? null),
      agentVersion: live?.agentVersion ?? agent?.agentVersion ?? null,
      rttMs: live?.rttMs ?? null,
      hostname: live?.hostname ?? agent?.hostname ?? null,
      pairedAt: agent?.pairedAt ?? null,
      createdAt: tenant.createdAt,
      updatedAt: tenant.updatedAt,
    };
  }

  /** Sorted by name (case-insensitive), then id; `cursor` continues after the previous page. */
  list(query: TenantListQuery): { items: TenantView[]; nextCursor: string | null } {
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const needle = query.q?.trim().toLowerCase();
    const agents = this.#agents.activeByTenant();
    const matching = this.#tenants
      .all()
      .map((tenant) => this.view(tenant, agents.get(tenant.id)))
      .filter(
        (view) =>
          (query.status === undefined || view.status === query.status) &&
          (query.tag === undefined || view.tags.includes(query.tag)) &&
          (!needle ||
            [view.name, view.description, view.hostname ?? "", ...view.tags].some((text) => text.toLowerCase().includes(needle))),
      )
      .map((view) => ({ view, key: [view.name.toLowerCase(), view.id] as Cursor }))
      .filter(({ key }) => after === undefined || compareKey(key, after) > 0)
      .sort((a, b) => compareKey(a.key, b.key));
    const items = matching.slice(0, query.limit).map(({ view }) => view);
    const nextCursor = matching.length > query.limit ? encodeCursor(items[items.length - 1]!) : null;
    return { items, nextCursor };
  }
}
