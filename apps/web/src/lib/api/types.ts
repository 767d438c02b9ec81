// The hub's HTTP API shapes come from @canopy/api, where the hub validates with them. Imported as
// types only, so none of its zod schemas reach the browser bundle. Only the UI's own types are
// declared here.
import type { Me, TenantCreate } from "@canopy/api";

export type {
  ApiKey,
  AuditEntry,
  ApiKeyCreated,
  ConnectResult,
  HeldItem,
  LiveEvents,
  LoginBody,
  LoginResult,
  Me,
  OrgNode,
  Page,
  PasswordReset,
  PairingCode,
  PairingCodeCreate,
  Permission,
  PingResult,
  Role,
  RoleInfo,
  SystemInfo,
  Tenant,
  TenantCreate,
  TenantPatch,
  TenantStatus,
  UserAccount,
  UserInvited,
} from "@canopy/api";

/** Who is signed in, as `GET /me` answers: with their permissions and organization (email null for API keys). */
export type SessionUser = Me;

/** What the tenant form produces: every editable field, normalised; sent on create and edit. */
export type TenantInput = Required<Pick<TenantCreate, "name" | "description" | "tags">>;
