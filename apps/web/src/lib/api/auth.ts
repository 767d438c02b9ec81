import { ApiError } from "./api-error";
import { request } from "./client";
import type { AcceptInvite } from "@canopy/api";
import { parseProblem } from "./problem";
import type { LoginBody, LoginResult, Me, SessionUser } from "./types";

const emptyProblem = parseProblem(null);

/** Signs in; answers who that is as `GET /me` does, because the login answer has no permissions. */
export async function login(email: string, password: string): Promise<SessionUser> {
  await request<LoginResult>("POST", "/auth/login", {
    body: { email, password } satisfies LoginBody,
    expectUnauthorized: true,
  });
  return signedInUser();
}

/** Sets the password from an invite or reset link (the hub then signs the person in). */
export async function acceptInvite(token: string, password: string): Promise<SessionUser> {
  await request<LoginResult>("POST", "/auth/accept", { body: { token, password } satisfies AcceptInvite, expectUnauthorized: true });
  return signedInUser();
}

async function signedInUser(): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) throw new ApiError(401, { ...emptyProblem, detail: "the hub did not keep the session: sign in again" });
  return user;
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
