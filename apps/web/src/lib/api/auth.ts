import { ApiError } from "./api-error";
import { request } from "./client";
import type { User } from "./types";

export async function login(email: string, password: string): Promise<User> {
  const answer = await request<{ user: User }>("POST", "/auth/login", {
    body: { email, password },
    expectUnauthorized: true,
  });
  return answer.user;
}

export async function logout(): Promise<void> {
  await request<null>("POST", "/auth/logout", { expectUnauthorized: true });
}

/** The signed-in user, or null when there is no valid session. */
export async function currentUser(): Promise<User | null> {
  try {
    return await request<User>("GET", "/me", { expectUnauthorized: true });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}
