import { ROOT_ORG_ID } from "@canopy/api";
import { orgOfUser } from "../domain/user-roles.js";
import type { HubServices } from "../services.js";
import { inScope, type OrgScope } from "./org-scope.js";

/** What a path's `{id}` names, for the operations whose id belongs to an organization. */
export type IdOwner = "tenant" | "push" | "insight" | "user" | "api-key";

/**
 * Whether the thing `id` names is in the scope. Outside the root, an unknown id answers false
 * too: both get the guard's 404 before the request is validated, so a bad body cannot tell an
 * id that exists elsewhere from one that never was. The root's scope holds everything and
 * reads nothing (an unknown id gets its handler's 404).
 */
export async function idInScope(hub: HubServices, scope: OrgScope, owner: IdOwner, id: string): Promise<boolean> {
  if (owner === "insight") {
    // `<tenantId>~<localId>`: the tenant is in the id. Hidden insights (no siem, not searchable) are hidden by id too.
    const tilde = id.indexOf("~");
    if (tilde <= 0) return scope.orgIds === null;
    return inScope(scope, id.slice(0, tilde)) && (await hub.insightVisibility.sees(scope, id.slice(0, tilde))) && (scope.orgIds === null || (await hub.insights.repository.get(id)) !== undefined);
  }
  if (scope.orgIds === null) return true;
  switch (owner) {
    case "tenant":
      return inScope(scope, id);
    case "push": {
      const push = await hub.data.pushes.get(id);
      return push !== undefined && inScope(scope, push.orgId ?? ROOT_ORG_ID);
    }
    case "user": {
      const user = await hub.data.users.get(id);
      return user !== undefined && inScope(scope, orgOfUser(user));
    }
    case "api-key": {
      const key = await hub.data.apiKeys.get(id);
      if (!key) return false;
      const user = key.userId === undefined ? undefined : await hub.data.users.get(key.userId);
      return inScope(scope, user ? orgOfUser(user) : ROOT_ORG_ID);
    }
  }
}
