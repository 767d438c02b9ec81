/** Pages about one thing (a tenant, a push, an insight, a content item, a dashboard) that another organization does not have. */
const DETAIL_PAGES: readonly [RegExp, string][] = [
  [/^\/nodes\/[^/]+$/, "/nodes"],
  [/^\/history\/[^/]+$/, "/history"],
  [/^\/dashboards\/[^/]+$/, "/dashboards"],
  [/^\/content\/([^/]+)\/[^/]+$/, "/content/$1"],
];

/**
 * Where choosing another organization in the account menu goes: the same page in it, or the list a
 * detail page belongs to, with `?org=` (the user's own too: the layout then stops sending it). Filters
 * are dropped: they may name things of the organization left.
 */
export function orgLink(pathname: string, orgId: string): string {
  let path = pathname;
  if (/^\/insights\/[^/]+$/.test(path) && path !== "/insights/board") path = "/insights";
  for (const [pattern, list] of DETAIL_PAGES) {
    if (pattern.test(path)) {
      path = path.replace(pattern, list);
      break;
    }
  }
  return `${path}?org=${encodeURIComponent(orgId)}`;
}

/** `url` with `?org=` set to the working organization (a link inside the app that did not carry it). */
export function withOrg(url: URL, orgId: string): string {
  const next = new URL(url);
  next.searchParams.set("org", orgId);
  return next.pathname + next.search + next.hash;
}
