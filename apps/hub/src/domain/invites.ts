import { isoAt, type Clock } from "../core/clock.js";
import { newSecret, sha256Hex } from "../core/secrets.js";
import type { InviteRecord } from "./records.js";

/** An invitation waits a week for its user; a password reset a day. */
export const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;
export const RESET_TTL_MS = 24 * 60 * 60 * 1000;

/** A one-time link's token (shown once) and its record (only the token's hash). */
export function newInvite(userId: string, kind: InviteRecord["kind"], createdBy: string, clock: Clock): { token: string; record: InviteRecord } {
  const token = newSecret();
  const now = clock();
  return {
    token,
    record: {
      id: sha256Hex(token),
      userId,
      kind,
      createdBy,
      createdAt: isoAt(now),
      expiresAt: isoAt(now + (kind === "invite" ? INVITE_TTL_MS : RESET_TTL_MS)),
    },
  };
}

/**
 * The link the user opens: the token rides in the fragment, which browsers never send to a
 * server nor put in a Referer, so it stays out of access logs.
 */
export const inviteUrl = (origin: string, token: string): string => `${origin}/accept#token=${token}`;

export const inviteIdOf = (token: string): string => sha256Hex(token);
