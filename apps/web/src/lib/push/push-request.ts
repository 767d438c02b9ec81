import type { ContentPath, PushCreate, PushOptions, PushTargets, Tenant } from "$lib/api";

export type DestinationMode = "all" | "one" | "many" | "tags";

/** An item chosen for a push, with what the dialog shows of it. */
export interface PushItemChoice {
  kind: ContentPath;
  id: string;
  name: string;
  /** Library item type (folder, scheduled-search, …), which decides the options shown. */
  libraryType?: string;
}

export interface PushChoices {
  items: readonly PushItemChoice[];
  mode: DestinationMode;
  one: string;
  many: ReadonlySet<string>;
  exclude: ReadonlySet<string>;
  tags: ReadonlySet<string>;
  includeAssociatedRules: boolean;
  scheduledSearches: "include" | "ignore";
  scheduledReports: "include" | "ignore";
}

export function targetsOf(choices: PushChoices): PushTargets | null {
  switch (choices.mode) {
    case "all":
      return choices.exclude.size > 0 ? { all: true, exclude: [...choices.exclude] } : { all: true };
    case "one":
      return choices.one ? { tenants: [choices.one] } : null;
    case "many":
      return choices.many.size > 0 ? { tenants: [...choices.many] } : null;
    case "tags":
      return choices.tags.size > 0 ? { tags: [...choices.tags] } : null;
  }
}

/** Only the options that mean something for the chosen items are sent. */
export function optionsOf(choices: PushChoices): PushOptions {
  const options: PushOptions = {};
  if (choices.items.some((item) => item.kind === "tuning-expressions")) options.includeAssociatedRules = choices.includeAssociatedRules;
  if (choices.items.some((item) => item.kind === "library")) {
    options.scheduledSearches = choices.scheduledSearches;
    options.scheduledReports = choices.scheduledReports;
  }
  return options;
}

/** The request body, or why it cannot be sent yet. */
export function pushRequest(choices: PushChoices): { ok: true; body: Omit<PushCreate, "dryRun"> } | { ok: false; reason: string } {
  if (choices.items.length === 0) return { ok: false, reason: "Add at least one item to push." };
  const targets = targetsOf(choices);
  if (!targets) {
    const reason = { all: "", one: "Choose a tenant.", many: "Choose at least one tenant.", tags: "Choose at least one tag." };
    return { ok: false, reason: reason[choices.mode] };
  }
  const options = optionsOf(choices);
  const body: Omit<PushCreate, "dryRun"> = { items: choices.items.map(({ kind, id }) => ({ kind, id })), targets };
  if (Object.keys(options).length > 0) body.options = options;
  return { ok: true, body };
}

/** The tenants a push would reach, as far as the UI can tell (the hub decides). */
export function targetedTenants(choices: PushChoices, tenants: readonly Tenant[]): Tenant[] {
  switch (choices.mode) {
    case "all":
      return tenants.filter((tenant) => !choices.exclude.has(tenant.id));
    case "one":
      return tenants.filter((tenant) => tenant.id === choices.one);
    case "many":
      return tenants.filter((tenant) => choices.many.has(tenant.id));
    case "tags":
      return tenants.filter((tenant) => tenant.tags.some((tag) => choices.tags.has(tag)));
  }
}

/** Every tag in use, with how many tenants carry it, by name. */
export function tagCounts(tenants: readonly Tenant[]): { tag: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const tenant of tenants) for (const tag of tenant.tags) counts.set(tag, (counts.get(tag) ?? 0) + 1);
  return [...counts].map(([tag, count]) => ({ tag, count })).sort((a, b) => a.tag.localeCompare(b.tag));
}
