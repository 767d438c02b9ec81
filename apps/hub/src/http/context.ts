import type { HttpBindings } from "@hono/node-server";
import type { Context } from "hono";
import type { Role } from "@canopy/api";
import type { HubServices } from "../services.js";

/** Who is calling. `actor` is how the audit log names them. */
export type Principal =
  | { kind: "session"; role: Role; actor: string; userId: string; email: string; token: string }
  | { kind: "apiKey"; role: Role; actor: string; keyId: string; name: string };

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
    uiFile: UiFile | undefined;
  };
}

/** The peer's address. Forwarding headers are not trusted: the hub may face the internet. */
export function clientAddress(c: Context): string {
  const env = c.env as Partial<HttpBindings> | undefined;
  return env?.incoming?.socket?.remoteAddress ?? "unknown";
}

/** The principal of an authenticated route (the auth middleware guarantees one). */
export function principalOf(c: Context<HubEnv>): Principal {
  const principal = c.get("principal");
  if (!principal) throw new Error("route reached without a principal");
  return principal;
}
