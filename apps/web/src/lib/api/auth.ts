import { ApiError } from "./api-error";
import { request } from "./client";
import type { LoginBody, LoginResult, Me, SessionUser } from "./types";

export async function login(email: string, password: string): Promise<SessionUser> {
  const answer = await request<LoginResult>("POST", "/auth/login", {
    body: { email, password } satisfies LoginBody,
    expectUnauthorized: true,
  });
  return answer.user;
}

export async function logout(): Promise<void> {
  await request<null>("POST", "/auth/logout", { expectUnauthorized: true });
}

/** The signed-in user, or null when there is no valid session. */
export async function currentUser(): Promise<SessionUser | null> {
  try {
    return await request<Me>("GET", "/me", { expectUnauthorized: true });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}
