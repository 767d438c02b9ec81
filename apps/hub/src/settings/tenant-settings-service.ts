import { DEFAULT_TENANT_SETTINGS, type FieldError, type TenantSettings, type TenantSettingsPatch } from "@canopy/api";
import type { Logger } from "pino";
import { isoAt, type Clock } from "../core/clock.js";
import { problems } from "../core/problem-error.js";
import type { HubData } from "../domain/hub-data.js";
import { requireTenant } from "../domain/tenants.js";
import { withAncestors } from "../orgs/capabilities.js";
import { atOrUnder } from "../orgs/security-accounts.js";
import type { InsightLink } from "../gateway/insight-port.js";
import type { TenantSettingsRecord } from "./tenant-settings-records.js";

/** How long a tenant's settings are trusted from memory by the insight path (another hub process may change them). */
export const SETTINGS_CACHE_MS = 30_000;

/** Arrays longer than this are audited by their length, not their ids. */
const AUDITED_IDS_MAX = 20;

export interface TenantSettingsServiceOptions {
  data: HubData;
  clock: Clock;
  logger: Logger;
  linkOf(tenantId: string): InsightLink | undefined;
  /** After a change is durable: the volume cap and the retention sweep act on it. */
  changed(tenantId: string, settings: TenantSettings, fields: ReadonlySet<keyof TenantSettings>): void;
}

export function settingsOf(record: TenantSettingsRecord | undefined): TenantSettings {
  if (!record) return { ...DEFAULT_TENANT_SETTINGS };
  const { id: _id, updatedAt: _updatedAt, ...settings } = record;
  return { ...DEFAULT_TENANT_SETTINGS, ...settings };
}

function audited(value: unknown): unknown {
  if (Array.isArray(value) && value.length > AUDITED_IDS_MAX) return { count: value.length };
  if (value && typeof value === "object" && "enabledFor" in value) {
    const account = value as { name: string; enabledFor: string[] };
    return { name: account.name, enabledFor: audited(account.enabledFor) };
  }
  return value;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * A tenant's settings (issue 12 item 6): read with the defaults filled in, changed with
 * validation and an audit entry in the same unit of work, and told to whatever acts on them:
 * the agent (its retention, on every welcome and on change), the volume cap and the retention sweep.
 */
export class TenantSettingsService {
  readonly #options: TenantSettingsServiceOptions;
  readonly #cache = new Map<string, { settings: TenantSettings; readAt: number }>();

  constructor(options: TenantSettingsServiceOptions) {
    this.#options = options;
  }

  /** `GET /tenants/{id}/settings`: 404 for an unknown tenant. */
  async get(tenantId: string): Promise<TenantSettings> {
    await requireTenant(this.#options.data.tenants, tenantId);
    return settingsOf(await this.#options.data.tenantSettings.get(tenantId));
  }

  /**
   * What the insight path applies: from memory for up to SETTINGS_CACHE_MS (a batch must not cost
   * a read), then read again, so a change made through another hub process is seen soon.
   */
  async effective(tenantId: string): Promise<TenantSettings> {
    const now = this.#options.clock();
    const cached = this.#cache.get(tenantId);
    if (cached && now - cached.readAt < SETTINGS_CACHE_MS && now >= cached.readAt) return cached.settings;
    const settings = settingsOf(await this.#options.data.tenantSettings.get(tenantId));
    this.#cache.set(tenantId, { settings, readAt: now });
    return settings;
  }

  /**
   * `PATCH /tenants/{id}/settings`: 404 unknown tenant, 422 ids that name no tenant `visible` to
   * the caller (default: any), so an id outside their scope is not confirmed by a different answer.
   */
  async patch(tenantId: string, patch: TenantSettingsPatch, actor: string, visible: (orgId: string) => boolean = () => true): Promise<TenantSettings> {
    const { data, clock } = this.#options;
    const { settings, fields } = await data.write(async (tx) => {
      await requireTenant(tx.tenants, tenantId);
      await this.#checkTenantIds(tx.tenants, tenantId, patch, visible);
      const before = settingsOf(await tx.tenantSettings.get(tenantId));
      const after: TenantSettings = { ...before };
      for (const [key, value] of Object.entries(patch) as [keyof TenantSettings, never][]) if (value !== undefined) after[key] = value;
      const fields = new Set((Object.keys(after) as (keyof TenantSettings)[]).filter((key) => !same(before[key], after[key])));
      if (fields.size > 0) {
        await tx.tenantSettings.put({ id: tenantId, ...after, updatedAt: isoAt(clock()) });
        await tx.audit.record({
          actor,
          action: "tenant.settings",
          target: `tenant:${tenantId}`,
          detail: { changed: Object.fromEntries([...fields].map((key) => [key, { from: audited(before[key]), to: audited(after[key]) }])) },
        });
      }
      return { settings: after, fields };
    });
    if (fields.size === 0) return settings;
    this.#cache.set(tenantId, { settings, readAt: clock() });
    if (fields.has("retentionDays")) this.#tell(tenantId, settings);
    this.#options.changed(tenantId, settings, fields);
    return settings;
  }

  /** An agent was welcomed: it hears the settings it applies itself. */
  welcomed(link: InsightLink): void {
    this.effective(link.tenantId).then(
      (settings) => link.notify({ type: "tenant.settings", retentionDays: settings.retentionDays }),
      (error: unknown) => this.#options.logger.warn({ err: error, tenantId: link.tenantId }, "could not read a tenant's settings for its agent"),
    );
  }

  /** The tenant is gone. */
  forget(tenantId: string): void {
    this.#cache.delete(tenantId);
  }

  #tell(tenantId: string, settings: TenantSettings): void {
    // Not connected: the next welcome tells it.
    this.#options.linkOf(tenantId)?.notify({ type: "tenant.settings", retentionDays: settings.retentionDays });
  }

  async #checkTenantIds(tenants: HubData["tenants"], tenantId: string, patch: TenantSettingsPatch, visible: (orgId: string) => boolean): Promise<void> {
    const named: { path: string; id: string }[] = [];
    patch.sharedObjectsFrom?.forEach((id, i) => named.push({ path: `sharedObjectsFrom.${i}`, id }));
    patch.securityAccount?.enabledFor.forEach((id, i) => named.push({ path: `securityAccount.enabledFor.${i}`, id }));
    if (named.length === 0) return;
    const found = new Map([...(await tenants.getMany(new Set(named.map((n) => n.id))))].filter(([id]) => visible(id)));
    const known = await withAncestors(tenants, [...found.values()]);
    const errors: FieldError[] = [];
    for (const { path, id } of named) {
      if (!found.has(id)) errors.push({ path, message: `no tenant has the id ${JSON.stringify(id.slice(0, 100))}` });
      else if (id === tenantId && path.startsWith("sharedObjectsFrom")) errors.push({ path, message: "an organization does not share objects with itself" });
      // A security account turns SIEM on where its organization decides: itself and its customers.
      else if (path.startsWith("securityAccount") && !atOrUnder(id, tenantId, known)) errors.push({ path, message: `${JSON.stringify(found.get(id)!.name.slice(0, 100))} is not this organization or one of its customers` });
    }
    if (errors.length > 0) throw problems.invalid(errors.slice(0, 20));
  }
}
