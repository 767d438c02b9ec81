import type { PlanAction, PushTargets } from "@canopy/api";
import type { ContentKind } from "@canopy/content";
import type { ItemKey, ReportedEntry } from "./push-records.js";

export interface TargetTenant {
  id: string;
  name: string;
  tags: readonly string[];
}

export interface ResolvedTargets {
  tenants: TargetTenant[];
  /** Ids named in `tenants` or `exclude` that are no tenant, with their position. */
  unknown: { field: "tenants" | "exclude"; index: number; id: string }[];
}

/** The tenants a push goes to, in the order given (`all` and `tags`: the order of `tenants`). */
export function resolveTargets(targets: PushTargets, tenants: readonly TargetTenant[]): ResolvedTargets {
  const byId = new Map(tenants.map((t) => [t.id, t]));
  const unknown: ResolvedTargets["unknown"] = [];
  if ("all" in targets) {
    const exclude = new Set(targets.exclude ?? []);
    (targets.exclude ?? []).forEach((id, index) => {
      if (!byId.has(id)) unknown.push({ field: "exclude", index, id });
    });
    return { tenants: tenants.filter((t) => !exclude.has(t.id)), unknown };
  }
  if ("tenants" in targets) {
    const chosen: TargetTenant[] = [];
    const seen = new Set<string>();
    targets.tenants.forEach((id, index) => {
      const tenant = byId.get(id);
      if (!tenant) unknown.push({ field: "tenants", index, id });
      else if (!seen.has(id)) {
        seen.add(id);
        chosen.push(tenant);
      }
    });
    return { tenants: chosen, unknown };
  }
  const tags = new Set(targets.tags);
  return { tenants: tenants.filter((t) => t.tags.some((tag) => tags.has(tag))), unknown };
}

/**
 * What the agent will do with an item, judged from what it reported: the agent answers
 * `unchanged` only when it holds the same hash undrifted; a drifted item is re-applied.
 */
export function planAction(reported: ReportedEntry | undefined, hash: string): PlanAction {
  if (!reported || reported.hash === null) return "create";
  return reported.hash === hash && !reported.drifted ? "unchanged" : "replace";
}

export interface PlanRow {
  tenantId: string;
  tenantName: string;
  kind: ContentKind;
  name: string;
  action: PlanAction;
}

/** Per tenant and item, what a push would do. Pure: the reported state is passed in. */
export function planPush(
  items: readonly { key: ItemKey; kind: ContentKind; name: string; hash: string }[],
  tenants: readonly { id: string; name: string }[],
  reported: (tenantId: string, key: ItemKey) => ReportedEntry | undefined,
): PlanRow[] {
  const rows: PlanRow[] = [];
  for (const tenant of tenants) {
    for (const item of items) {
      rows.push({ tenantId: tenant.id, tenantName: tenant.name, kind: item.kind, name: item.name, action: planAction(reported(tenant.id, item.key), item.hash) });
    }
  }
  return rows;
}
