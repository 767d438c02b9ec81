import { ROOT_ORG_ID } from "@canopy/api";
import { isoAt, type Clock } from "../core/clock.js";
import { newId } from "../core/ids.js";
import { ProblemError } from "../core/problem-error.js";
import { decoyPasswordHash, generatePassword, hashPassword, verifyPassword } from "../core/passwords.js";
import type { HubData } from "./hub-data.js";
import type { UserRecord } from "./records.js";
import type { UserRepository } from "./user-repository.js";

export interface BootstrapResult {
  userId: string;
  email: string;
  /** Set only when the hub generated the password: shown once, then never again. */
  generatedPassword: string | null;
}

/**
 * A new user's record: the email lower-cased, the password only as its scrypt hash (null: invited,
 * no password until the invitation is accepted). `orgId` absent: the root's.
 */
export async function newUser(email: string, password: string | null, roles: string | readonly string[], clock: Clock, orgId?: string): Promise<UserRecord> {
  return {
    id: newId("usr"),
    email: email.trim().toLowerCase(),
    roles: typeof roles === "string" ? [roles] : [...roles],
    ...(orgId === undefined || orgId === ROOT_ORG_ID ? {} : { orgId }),
    passwordHash: password === null ? null : await hashPassword(password),
    createdAt: isoAt(clock()),
  };
}

/** The user with these credentials, or null. Costs one scrypt either way (no user probing). */
export async function authenticate(users: UserRepository, email: string, password: string): Promise<UserRecord | null> {
  const user = await users.findByEmail(email);
  const ok = await verifyPassword(password, user?.passwordHash ?? (await decoyPasswordHash()));
  return user && ok && !user.disabled ? user : null;
}

/**
 * First start only: creates the admin from options/env (generating a password if none was
 * given), audited in the same write. Null when users exist, or when another hub process sharing
 * the database created the same admin first.
 */
export async function bootstrapAdmin(data: HubData, clock: Clock, email: string, password: string | undefined): Promise<BootstrapResult | null> {
  if ((await data.users.count()) > 0) return null;
  const generatedPassword = password ? null : generatePassword();
  const user = await newUser(email, password ?? generatedPassword!, "admin", clock);
  try {
    await data.write(async (tx) => {
      await tx.users.insert(user);
      await tx.audit.record({ actor: "system", action: "user.create", target: `user:${user.id}`, detail: { email: user.email, roles: user.roles } });
    });
  } catch (error) {
    if (error instanceof ProblemError && error.code === "user_exists") return null;
    throw error;
  }
  return { userId: user.id, email: user.email, generatedPassword };
}
