import type { Role } from "@canopy/api";
import type { Collection, Store } from "@canopy/store";
import { isoAt, type Clock } from "../core/clock.js";
import { newId } from "../core/ids.js";
import { newSecret, safeEqualHex, sha256Hex } from "../core/secrets.js";
import { Collections, type ApiKeyRecord } from "./records.js";

/**
 * API keys for scripts: `<keyId>.<secret>`. The id part finds the record in O(1); the secret is
 * compared by hash in constant time. The full key is returned once, at creation.
 */
export class ApiKeys {
  readonly #keys: Collection<ApiKeyRecord>;
  readonly #clock: Clock;

  constructor(store: Store, clock: Clock) {
    this.#keys = store.collection<ApiKeyRecord>(Collections.apiKeys);
    this.#clock = clock;
  }

  create(name: string, role: Role, createdBy: string): { key: string; record: ApiKeyRecord } {
    const secret = newSecret();
    const record = this.#keys.put({
      id: newId("key"),
      name,
      role,
      secretHash: sha256Hex(secret),
      createdBy,
      createdAt: isoAt(this.#clock()),
    });
    return { key: `${record.id}.${secret}`, record };
  }

  resolve(key: string): ApiKeyRecord | undefined {
    const dot = key.indexOf(".");
    if (dot <= 0) return undefined;
    const record = this.#keys.get(key.slice(0, dot));
    if (!record) return undefined;
    return safeEqualHex(record.secretHash, sha256Hex(key.slice(dot + 1))) ? record : undefined;
  }

  list(): ApiKeyRecord[] {
    return this.#keys.all().sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  get(id: string): ApiKeyRecord | undefined {
    return this.#keys.get(id);
  }

  delete(id: string): boolean {
    return this.#keys.delete(id);
  }
}
