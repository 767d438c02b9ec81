import type { HttpBindings } from "@hono/node-server";
import type { Context } from "hono";
import type { Permission } from "@canopy/api";
import type { OrgScope } from "../orgs/org-scope.js";
import type { HubServices } from "../services.js";

/** What every caller has: who the audit names, what they may do, and their organization. */
interface Caller {
  /** How the audit log names them. */
  actor: string;
  roles: readonly string[];
  permissions: ReadonlySet<Permission>;
  /** The organization they belong to: they see and act on its subtree only. */
  orgId: string;
}

/** Who is calling: a signed-in user, or an API key acting for its user. */
export type Principal =
  | (Caller & { kind: "session"; userId: string; email: string; token: string })
  | (Caller & { kind: "apiKey"; keyId: string; name: string; userId: string | null });

/** Set by the static UI for the file it served; the security headers follow from it. */
export interface UiFile {
  /** Only for HTML documents: the sha256 sources (`'sha256-…'`) of their inline scripts… */
  inlineScripts?: string[];
  /** …and of the static style attributes the page and the UI's scripts write. */
  styleAttributes?: string[];
}

export interface HubEnv {
  Variables: {
    hub: HubServices;
    principal: Principal | undefined;
    /** The organizations the request may see and act on (set by `authorize` for signed-in callers). */
    scope: OrgScope | undefined;
    /** Where links the hub hands out (invitations) point: the public URL's origin, else the request's. */
    linkOrigin: string;
    uiFile: UiFile | undefined;
  };
}

/** The peer's address. Forwarding headers are not trusted: the hub may face the internet. */
export function clientAddress(c: Context): string {
  const env = c.env as Partial<HttpBindings> | undefined;
  return env?.incoming?.socket?.remoteAddress ?? "unknown";
}

/** The scope of a signed-in route (`authorize` sets it before any handler runs). */
export function scopeOf(c: Context<HubEnv>): OrgScope {
  const scope = c.get("scope");
  if (!scope) throw new Error("route reached without a scope");
  return scope;
}

/** The principal of an authenticated route (the auth middleware guarantees one). */
export function principalOf(c: Context<HubEnv>): Principal {
  const principal = c.get("principal");
  if (!principal) throw new Error("route reached without a principal");
  return principal;
}
