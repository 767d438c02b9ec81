import { redirect } from "@sveltejs/kit";
import { loginPath, safeNextPath } from "$lib/navigation/next-path";
import { withOrg } from "$lib/navigation/org-link";
import { session } from "$lib/state/session.svelte";
import { workingOrg } from "$lib/state/working-org.svelte";
import type { LayoutLoad } from "./$types";

// A single-page app served by the hub: nothing is rendered or prerendered on a server.
export const ssr = false;
export const prerender = false;

export const load: LayoutLoad = async ({ url }) => {
  const user = await session.ensure();
  const onLoginPage = url.pathname === "/login";
  // An invite or reset link is opened signed out (or as someone else): it signs its person in itself.
  if (url.pathname === "/accept") return {};
  if (!user && !onLoginPage) redirect(307, loginPath(url));
  if (user && onLoginPage) redirect(307, safeNextPath(url.searchParams.get("next")));
  if (!user) return {};
  // The organization chosen in the account menu stays in the address across every link.
  const org = url.searchParams.get("org");
  if (org) workingOrg.switchTo(org === user.orgId ? null : org);
  else if (workingOrg.id) redirect(307, withOrg(url, workingOrg.id));
  return {};
};
