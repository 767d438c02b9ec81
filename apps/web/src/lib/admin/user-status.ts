import type { UserAccount } from "$lib/api";

export type UserStatus = "invited" | "disabled" | "active";

/** Disabled wins over invited: a disabled user's link no longer works either. */
export const userStatus = (user: Pick<UserAccount, "disabled" | "invited">): UserStatus =>
  user.disabled ? "disabled" : user.invited ? "invited" : "active";
