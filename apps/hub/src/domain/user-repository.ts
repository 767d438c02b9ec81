import type { UserRecord } from "./records.js";

/** A page of users: by email, then id; `orgIds` the organizations wanted (absent: all). */
export interface UserPageQuery {
  orgIds?: ReadonlySet<string> | undefined;
  /** The email of the last user of the page before. */
  after?: string | undefined;
  /** Rows wanted; the repository answers up to `limit + 1`, so the caller knows whether more follow. */
  limit: number;
}

/** Where staff users are kept. Emails are stored lower-cased and are unique. */
export interface UserRepository {
  get(id: string): Promise<UserRecord | undefined>;
  /** `email` as typed: trimmed and lower-cased here. */
  findByEmail(email: string): Promise<UserRecord | undefined>;
  count(): Promise<number>;
  page(query: UserPageQuery): Promise<UserRecord[]>;
  /** Refused (409 `user_exists`) when a user has the email already. */
  insert(user: UserRecord): Promise<void>;
  /** Replaces the user with this id (the email never changes). */
  update(user: UserRecord): Promise<void>;
  delete(id: string): Promise<boolean>;
  /** Notes a login, changing nothing else (a concurrent change of roles is kept). */
  recordLogin(id: string, at: string): Promise<void>;
}
