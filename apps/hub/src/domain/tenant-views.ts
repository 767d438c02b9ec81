import type { HeldCapability, Tenant, TenantListQuery } from "@canopy/api";
import { isoAt, type Clock } from "../core/clock.js";
import { capabilitiesOf } from "../orgs/capabilities.js";
import { parentOrgOf, type OrgScope } from "../orgs/org-scope.js";
import { problems } from "../core/problem-error.js";
import type { Presence } from "../gateway/presence.js";
import type { HubRepositories } from "./hub-data.js";
import type { AgentRecord, TenantRecord } from "./records.js";
import type { TenantCursor } from "./tenant-repository.js";

/** A tenant as the API shows it (@canopy/api `Tenant`): stored fields plus its agent's live state. */
export type TenantView = Tenant;

function encodeCursor(view: TenantView): string {
  return Buffer.from(JSON.stringify([view.name.toLowerCase(), view.id] satisfies TenantCursor)).toString("base64url");
}

function decodeCursor(cursor: string): TenantCursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === "string")) return value as TenantCursor;
  } catch {
    // fall through
  }
  throw problems.invalid([{ path: "cursor", message: "not a cursor from this API" }]);
}

/**
 * Status is computed, never stored: online while a session is authenticated, offline when the
 * tenant has an active (non-revoked) agent that is not connected, unpaired otherwise.
 */
export class TenantViews {
  readonly #data: Pick<HubRepositories, "tenants" | "agents">;
  readonly #presence: Presence;
  readonly #clock: Clock;

  constructor(data: Pick<HubRepositories, "tenants" | "agents">, presence: Presence, clock: Clock) {
    this.#data = data;
    this.#presence = presence;
    this.#clock = clock;
  }

  async get(id: string): Promise<TenantView> {
    const view = await this.find(id);
    if (!view) throw problems.notFound(`tenant ${id}`);
    return view;
  }

  async find(id: string): Promise<TenantView | undefined> {
    const row = await this.#data.tenants.getWithAgent(id);
    return row && (await this.#views([row]))[0];
  }

  /** Every tenant as the list shows it (for dashboards); `ids`: only those. */
  async all(ids?: ReadonlySet<string>): Promise<TenantView[]> {
    const [tenants, active] = await Promise.all([ids ? this.#data.tenants.getMany(ids).then((found) => [...found.values()]) : this.#data.tenants.all(), this.#data.agents.activeByTenant()]);
    return this.#views(tenants.map((tenant) => ({ tenant, agent: active.get(tenant.id) })));
  }

  async #views(rows: readonly { tenant: TenantRecord; agent: AgentRecord | undefined }[]): Promise<TenantView[]> {
    const held = await capabilitiesOf(this.#data.tenants, rows.map((row) => row.tenant), this.#clock());
    return rows.map(({ tenant, agent }) => this.view(tenant, agent, held.get(tenant.id) ?? []));
  }

  view(tenant: TenantRecord, agent: AgentRecord | undefined, capabilities: HeldCapability[]): TenantView {
    const live = agent ? this.#presence.get(agent.id) : undefined;
    const leaving = agent && !live ? this.#presence.leaving(agent.id) : undefined;
    return {
      id: tenant.id,
      name: tenant.name,
      description: tenant.description,
      tags: tenant.tags,
      parentId: parentOrgOf(tenant),
      capabilities,
      needsOwner: (tenant.ownerIds ?? []).length === 0,
      status: live ? "online" : agent ? "offline" : "unpaired",
      lastSeenAt: live ? isoAt(live.lastSeenAt) : leaving ? isoAt(leaving.lastSeenAt) : (agent?.lastSeenAt ?? null),
      agentVersion: live?.agentVersion ?? agent?.agentVersion ?? null,
      rttMs: live?.rttMs ?? null,
      hostname: live?.hostname ?? agent?.hostname ?? null,
      pairedAt: agent?.pairedAt ?? null,
      createdAt: tenant.createdAt,
      updatedAt: tenant.updatedAt,
    };
  }

  /** Sorted by name (case-insensitive), then id; `cursor` continues after the previous page. */
  async list(query: TenantListQuery, scope: OrgScope): Promise<{ items: TenantView[]; nextCursor: string | null }> {
    const rows = await this.#data.tenants.page({
      ids: scope.orgIds ?? undefined,
      after: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
      limit: query.limit,
      tag: query.tag,
      needle: query.q?.trim().toLowerCase() || undefined,
      status: query.status === undefined ? undefined : { is: query.status, connected: this.#presence.connectedAgentIds() },
    });
    const items = await this.#views(rows.slice(0, query.limit));
    const nextCursor = rows.length > query.limit ? encodeCursor(items[items.length - 1]!) : null;
    return { items, nextCursor };
  }
}
