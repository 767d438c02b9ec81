import type { ContentKind, PushOptions, PushTargets } from "$lib/api";

/** "All tenants", "All tenants except Acme", "3 tenants", "Tags: eu, us"; names up to `maxNames`. */
export function describeTargets(targets: PushTargets, nameOf: (id: string) => string | undefined = () => undefined, maxNames = 2): string {
  if ("all" in targets) {
    const excluded = targets.exclude ?? [];
    if (excluded.length === 0) return "All tenants";
    const names = excluded.map((id) => nameOf(id) ?? id);
    return excluded.length <= maxNames ? `All tenants except ${names.join(", ")}` : `All tenants except ${excluded.length}`;
  }
  if ("tenants" in targets) {
    const names = targets.tenants.map((id) => nameOf(id) ?? id);
    return targets.tenants.length <= maxNames ? names.join(", ") : `${targets.tenants.length} tenants`;
  }
  return `Tags: ${targets.tags.join(", ")}`;
}

/**
 * The options that were set, in words, leaving out those the pushed kinds have nothing to do
 * with (the hub records its defaults for every push).
 */
export function describeOptions(options: PushOptions, kinds: readonly ContentKind[]): string[] {
  const words: string[] = [];
  if (kinds.includes("tuning-expression") && options.includeAssociatedRules !== undefined) {
    words.push(options.includeAssociatedRules ? "with associated rules" : "without associated rules");
  }
  if (kinds.includes("library")) {
    if (options.scheduledSearches) words.push(`scheduled searches: ${options.scheduledSearches}`);
    if (options.scheduledReports) words.push(`scheduled reports: ${options.scheduledReports}`);
  }
  return words;
}
