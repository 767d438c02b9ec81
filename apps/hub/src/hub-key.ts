import { createHmac, createPrivateKey, type KeyObject } from "node:crypto";
import { chmod, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { generateKeyPair, publicKeyOf } from "@canopy/protocol";

export const HUB_KEY_FILE = "hub-key.pem";

export interface HubKey {
  privateKey: KeyObject;
  /** Raw Ed25519 public key, base64url: what agents pin when they pair. */
  publicKey: string;
  /** Keys the pairing-code HMAC. Derived from the private key so it never sits in the store. */
  pairingSecret: Buffer;
}

function fromPem(pem: string): HubKey {
  const privateKey = createPrivateKey({ key: pem, format: "pem" });
  if (privateKey.asymmetricKeyType !== "ed25519") throw new Error("the hub key is not an Ed25519 key");
  const pairingSecret = createHmac("sha256", "canopy/v1/pairing-code-secret")
    .update(privateKey.export({ format: "der", type: "pkcs8" }))
    .digest();
  return { privateKey, publicKey: publicKeyOf(privateKey), pairingSecret };
}

/** A key that lives only as long as the process (hubs without a data dir, e.g. tests). */
export function ephemeralHubKey(): HubKey {
  return fromPem(generateKeyPair().privateKeyPem);
}

/**
 * The hub's Ed25519 identity, created on first start as `<dataDir>/hub-key.pem` (mode 0600).
 * Agents pin its public key, so losing this file means every agent must pair again.
 */
export async function loadOrCreateHubKey(dataDir: string): Promise<{ key: HubKey; created: boolean }> {
  const path = join(dataDir, HUB_KEY_FILE);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  try {
    const pem = await readFile(path, "utf8");
    if (((await stat(path)).mode & 0o077) !== 0) await chmod(path, 0o600);
    return { key: fromPem(pem), created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const pem = generateKeyPair().privateKeyPem;
  // `wx`: if another process created the file meanwhile, fail rather than overwrite its key.
  await writeFile(path, pem, { mode: 0o600, flag: "wx" });
  return { key: fromPem(pem), created: true };
}
