// The hub's HTTP API shapes come from @canopy/api, where the hub validates with them. Imported as
// types only, so none of its zod schemas reach the browser bundle. Only the UI's own types are
// declared here.
import type { Me, TenantCreate } from "@canopy/api";

export type {
  ConnectResult,
  HeldItem,
  LiveEvents,
  LoginBody,
  LoginResult,
  Me,
  Page,
  PairingCode,
  PairingCodeCreate,
  PingResult,
  Role,
  SystemInfo,
  Tenant,
  TenantCreate,
  TenantPatch,
  TenantStatus,
} from "@canopy/api";

/** Who is signed in: the user from the login answer, or `GET /me` (email null for API keys). */
export type SessionUser = Pick<Me, "id" | "email" | "role">;

/** What the tenant form produces: every editable field, normalised; sent on create and edit. */
export type TenantInput = Required<Pick<TenantCreate, "name" | "description" | "tags">>;
