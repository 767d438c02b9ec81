import type { Role } from "@canopy/api";
import type { Collection, Store } from "@canopy/store";
import { isoAt, type Clock } from "../core/clock.js";
import { newId } from "../core/ids.js";
import { decoyPasswordHash, generatePassword, hashPassword, verifyPassword } from "../core/passwords.js";
import { Collections, type UserRecord } from "./records.js";

export interface BootstrapResult {
  userId: string;
  email: string;
  /** Set only when the hub generated the password: shown once, then never again. */
  generatedPassword: string | null;
}

export class Users {
  readonly #users: Collection<UserRecord>;
  readonly #clock: Clock;

  constructor(store: Store, clock: Clock) {
    this.#users = store.collection<UserRecord>(Collections.users);
    this.#clock = clock;
  }

  get(id: string): UserRecord | undefined {
    return this.#users.get(id);
  }

  findByEmail(email: string): UserRecord | undefined {
    const wanted = email.trim().toLowerCase();
    return this.#users.find((u) => u.email === wanted);
  }

  async create(email: string, password: string, role: Role): Promise<UserRecord> {
    return this.#users.put({
      id: newId("usr"),
      email: email.trim().toLowerCase(),
      role,
      passwordHash: await hashPassword(password),
      createdAt: isoAt(this.#clock()),
    });
  }

  /** The user with these credentials, or null. Costs one scrypt either way (no user probing). */
  async authenticate(email: string, password: string): Promise<UserRecord | null> {
    const user = this.findByEmail(email);
    const ok = await verifyPassword(password, user?.passwordHash ?? (await decoyPasswordHash()));
    return user && ok ? user : null;
  }

  /** First start only: create the admin from options/env, generating a password if none given. */
  async bootstrapAdmin(email: string, password: string | undefined): Promise<BootstrapResult | null> {
    if (this.#users.size > 0) return null;
    const generatedPassword = password ? null : generatePassword();
    const user = await this.create(email, password ?? generatedPassword!, "admin");
    return { userId: user.id, email: user.email, generatedPassword };
  }
}
