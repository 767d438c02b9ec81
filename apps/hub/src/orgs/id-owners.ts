import { ROOT_ORG_ID } from "@canopy/api";
import { orgOfUser } from "../domain/user-roles.js";
import type { HubServices } from "../services.js";
import { inScope, type OrgScope } from "./org-scope.js";

/** What a path's `{id}` names, for the operations whose id belongs to an organization. */
export type IdOwner = "tenant" | "push" | "insight" | "user" | "api-key";

/**
 * Whether the thing `id` names is in the scope. Unknown ids answer true: the handler answers
 * its own 404 for them, the same 404 an id outside the scope gets, so the two cannot be told
 * apart. The root's scope holds everything and reads nothing.
 */
export async function idInScope(hub: HubServices, scope: OrgScope, owner: IdOwner, id: string): Promise<boolean> {
  if (owner === "insight") {
    // `<tenantId>~<localId>`: the tenant is in the id. Hidden insights (no siem, not searchable) are hidden by id too.
    const tilde = id.indexOf("~");
    return tilde <= 0 || (inScope(scope, id.slice(0, tilde)) && (await hub.insightVisibility.sees(scope, id.slice(0, tilde))));
  }
  if (scope.orgIds === null) return true;
  switch (owner) {
    case "tenant":
      return inScope(scope, id);
    case "push": {
      const push = await hub.data.pushes.get(id);
      return !push || inScope(scope, push.orgId ?? ROOT_ORG_ID);
    }
    case "user": {
      const user = await hub.data.users.get(id);
      return !user || inScope(scope, orgOfUser(user));
    }
    case "api-key": {
      const key = await hub.data.apiKeys.get(id);
      if (!key) return true;
      const user = key.userId === undefined ? undefined : await hub.data.users.get(key.userId);
      return inScope(scope, user ? orgOfUser(user) : ROOT_ORG_ID);
    }
  }
}
