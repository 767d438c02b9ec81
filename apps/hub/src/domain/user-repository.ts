import type { UserRecord } from "./records.js";

/** Where staff users are kept. Emails are stored lower-cased and are unique. */
export interface UserRepository {
  get(id: string): Promise<UserRecord | undefined>;
  /** `email` as typed: trimmed and lower-cased here. */
  findByEmail(email: string): Promise<UserRecord | undefined>;
  count(): Promise<number>;
  /** Refused (409 `user_exists`) when a user has the email already. */
  insert(user: UserRecord): Promise<void>;
}
