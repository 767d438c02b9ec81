import type { PushOptions, PushTargets } from "$lib/api";

/** "All tenants", "All tenants except 2", "3 tenants", "Tags: eu, us". */
export function describeTargets(targets: PushTargets, nameOf: (id: string) => string | undefined = () => undefined): string {
  if ("all" in targets) {
    const excluded = targets.exclude ?? [];
    if (excluded.length === 0) return "All tenants";
    const names = excluded.map((id) => nameOf(id) ?? id);
    return excluded.length <= 2 ? `All tenants except ${names.join(", ")}` : `All tenants except ${excluded.length}`;
  }
  if ("tenants" in targets) {
    const names = targets.tenants.map((id) => nameOf(id) ?? id);
    return targets.tenants.length <= 2 ? names.join(", ") : `${targets.tenants.length} tenants`;
  }
  return `Tags: ${targets.tags.join(", ")}`;
}

/** The options that were set, in words; empty when none applied. */
export function describeOptions(options: PushOptions): string[] {
  const words: string[] = [];
  if (options.includeAssociatedRules !== undefined) words.push(options.includeAssociatedRules ? "with associated rules" : "without associated rules");
  if (options.scheduledSearches) words.push(`scheduled searches: ${options.scheduledSearches}`);
  if (options.scheduledReports) words.push(`scheduled reports: ${options.scheduledReports}`);
  return words;
}
