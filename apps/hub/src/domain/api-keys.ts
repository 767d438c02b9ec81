import { isoAt, type Clock } from "../core/clock.js";
import { newId } from "../core/ids.js";
import { newSecret, safeEqualHex, sha256Hex } from "../core/secrets.js";
import type { ApiKeyRepository } from "./api-key-repository.js";
import type { ApiKeyRecord } from "./records.js";

/**
 * API keys for scripts: `<keyId>.<secret>`. The id part finds the record; the secret is compared
 * by hash in constant time. The full key is returned once, at creation.
 */
export function newApiKey(input: { name: string; roles: string[]; userId: string | undefined; createdBy: string }, clock: Clock): { key: string; record: ApiKeyRecord } {
  const secret = newSecret();
  const record: ApiKeyRecord = {
    id: newId("key"),
    name: input.name,
    roles: input.roles,
    ...(input.userId === undefined ? {} : { userId: input.userId }),
    secretHash: sha256Hex(secret),
    createdBy: input.createdBy,
    createdAt: isoAt(clock()),
  };
  return { key: `${record.id}.${secret}`, record };
}

/** The key's record when `key` is one of ours and its secret matches. */
export async function resolveApiKey(keys: ApiKeyRepository, key: string): Promise<ApiKeyRecord | undefined> {
  const dot = key.indexOf(".");
  if (dot <= 0) return undefined;
  const record = await keys.get(key.slice(0, dot));
  if (!record) return undefined;
  return safeEqualHex(record.secretHash, sha256Hex(key.slice(dot + 1))) ? record : undefined;
}
