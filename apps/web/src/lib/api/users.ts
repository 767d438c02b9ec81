import type { PasswordReset, UserAccount, UserCreate, UserInvited, UserPatch } from "@canopy/api";
import { request } from "./client";
import type { Page } from "./types";

const byId = (id: string) => `/users/${encodeURIComponent(id)}`;

/** Every user in the working scope, following `nextCursor` until the last page. */
export async function listAllUsers(): Promise<UserAccount[]> {
  const all: UserAccount[] = [];
  let cursor: string | null = null;
  do {
    const query: string = `?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const page: Page<UserAccount> = await request<Page<UserAccount>>("GET", `/users${query}`);
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

export const inviteUser = (body: UserCreate) => request<UserInvited>("POST", "/users", { body });

export const updateUser = (id: string, body: UserPatch) => request<UserAccount>("PATCH", byId(id), { body });

export const deleteUser = (id: string) => request<null>("DELETE", byId(id));

export const resetPassword = (id: string) => request<PasswordReset>("POST", `${byId(id)}/reset`);
