import type { CapabilityName, HeldCapability, OrgNode } from "@canopy/api";

/** The MSSP's own organization (`ROOT_ORG_ID` in @canopy/api, which the bundle does not import at run time). */
export const ROOT_ID = "org_root";

/** Every capability, in the order the UI lists them. */
export const CAPABILITY_NAMES: readonly CapabilityName[] = ["soar", "siem", "library", "msp"];

/** A capability expiring this close (in days) is flagged wherever the organization is shown. */
export const EXPIRY_WARNING_DAYS = 14;

/** A node with where it sits: its parent (undefined for the top of the caller's scope) and its depth. */
export interface PlacedOrg {
  node: OrgNode;
  parent: OrgNode | undefined;
  depth: number;
}

/** The tree top-down, depth first, each node with its parent. */
export function flatten(root: OrgNode): PlacedOrg[] {
  const placed: PlacedOrg[] = [];
  const walk = (node: OrgNode, parent: OrgNode | undefined, depth: number) => {
    placed.push({ node, parent, depth });
    for (const child of node.children) walk(child, node, depth + 1);
  };
  walk(root, undefined, 0);
  return placed;
}

export const holds = (node: OrgNode, name: CapabilityName): boolean => node.capabilities.some((capability) => capability.name === name);

/** Organizations that may take customers: the root, or one holding msp. */
export const canHaveChildren = (node: OrgNode): boolean => node.kind === "root" || holds(node, "msp");

/** Whole UTC days from `now` to the day `iso` falls in: the date a person picked, counted as they would. */
export function daysUntil(iso: string, now: number): number {
  const day = (ms: number) => Math.floor(ms / 86_400_000);
  return day(Date.parse(iso)) - day(now);
}

export interface ExpiryWarning {
  name: CapabilityName;
  days: number;
  text: string;
}

/** "soar expires in 9 days", "siem expires tomorrow", "library expires today". */
export function expiryText(name: string, days: number): string {
  if (days <= 0) return `${name} expires today`;
  if (days === 1) return `${name} expires tomorrow`;
  return `${name} expires in ${days} days`;
}

/** The capabilities expiring within `EXPIRY_WARNING_DAYS`, soonest first. */
export function expiryWarnings(capabilities: readonly HeldCapability[], now: number): ExpiryWarning[] {
  return capabilities
    .flatMap((capability) => {
      if (capability.expiresAt === null) return [];
      const days = daysUntil(capability.expiresAt, now);
      return days <= EXPIRY_WARNING_DAYS ? [{ name: capability.name, days, text: expiryText(capability.name, days) }] : [];
    })
    .sort((a, b) => a.days - b.days);
}

/** `YYYY-MM-DD` (UTC) of an instant: what a date field shows. */
export const dateOf = (iso: string): string => new Date(iso).toISOString().slice(0, 10);

/** `YYYY-MM-DD` (UTC) `days` from now. */
export const dateInDays = (days: number, now: number): string => new Date(now + days * 86_400_000).toISOString().slice(0, 10);

/**
 * The instant a picked date means: the end of that UTC day, so "expires on the 16th" holds all of
 * the 16th. On the day the parent's own capability ends, it ends with the parent's (a child may
 * never outlast its parent, and the end of the day would be later).
 */
export function expiryOf(date: string, parentExpiresAt: string | null): string {
  const endOfDay = `${date}T23:59:59.999Z`;
  if (parentExpiresAt !== null && dateOf(parentExpiresAt) === date && parentExpiresAt < endOfDay) return parentExpiresAt;
  return endOfDay;
}

/**
 * What of the tenants the live feed keeps current matters to the tree: names, places, owners and
 * capabilities (not status or last seen, which change all the time). A change means a new tree.
 */
export function treeSignature(tenants: readonly { id: string; name: string; parentId: string | null; needsOwner: boolean; capabilities: readonly HeldCapability[] }[]): string {
  return JSON.stringify(tenants.map((tenant) => [tenant.id, tenant.name, tenant.parentId, tenant.needsOwner, tenant.capabilities]));
}
