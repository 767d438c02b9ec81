import type { Me, Permission } from "@canopy/api";
import { getMe } from "./orgs-api";

/**
 * What the signed-in person may do here, read from `GET /me` when the page opens (the session
 * keeps only who they are). The page offers an act only when the hub would allow it; the hub
 * still decides.
 */
export class OrgPermissions {
  me = $state<Me | null>(null);

  async load(): Promise<void> {
    this.me = await getMe();
  }

  can = (permission: Permission): boolean => this.me?.permissions.includes(permission) ?? false;
}
