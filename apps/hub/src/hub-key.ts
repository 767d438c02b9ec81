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

/** The hub cannot start with the key it has: the message names the file and the way out. */
export class HubKeyError extends Error {
  override name = "HubKeyError";
}

function fromKeyObject(privateKey: KeyObject): HubKey {
  const pairingSecret = createHmac("sha256", "canopy/v1/pairing-code-secret")
    .update(privateKey.export({ format: "der", type: "pkcs8" }))
    .digest();
  return { privateKey, publicKey: publicKeyOf(privateKey), pairingSecret };
}

/** The key in `pem`, or why it is not an Ed25519 private key in PEM, in words (OpenSSL's decoder names no file). */
function defectOf(pem: string): { defect: string } | { key: KeyObject } {
  if (pem.trim() === "") return { defect: "the file is empty" };
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) return { defect: "it holds no PEM private key block" };
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: "pem" });
  } catch {
    return { defect: "it is truncated or damaged and cannot be decoded" };
  }
  if (key.asymmetricKeyType !== "ed25519") return { defect: `it is an ${key.asymmetricKeyType ?? "unknown"} key, not Ed25519` };
  return { key };
}

function agents(count: number): string {
  return count === 1 ? "1 agent is" : `${count} agents are`;
}

/** A key that lives only as long as the process (hubs without a data dir, e.g. tests). */
export function ephemeralHubKey(): HubKey {
  return fromKeyObject(createPrivateKey(generateKeyPair().privateKeyPem));
}

export interface HubKeyOptions {
  /** Agents paired and not revoked: they pinned this key, so losing it must never pass unnoticed. */
  pairedAgents: number;
  /** Make a new identity when the key is missing although agents are paired (they must pair again). */
  newIdentity: boolean;
}

export interface LoadedHubKey {
  key: HubKey;
  path: string;
  /** A new key was written (first start, or the old one was lost). */
  created: boolean;
  /** It replaced a lost key that paired agents had pinned (`newIdentity`). */
  replacedLost: boolean;
}

/**
 * The hub's Ed25519 identity, `<dataDir>/hub-key.pem` (PKCS#8, mode 0600), created on the first
 * start. Agents pin its public key, so a lost key would strand every paired agent: when the store
 * holds paired agents and the file is missing, start-up stops unless `newIdentity` says to make a
 * new one. A damaged file is never overwritten.
 */
export async function loadOrCreateHubKey(dataDir: string, options: HubKeyOptions): Promise<LoadedHubKey> {
  const path = join(dataDir, HUB_KEY_FILE);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  let pem: string | undefined;
  try {
    pem = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }

  if (pem !== undefined) {
    const parsed = defectOf(pem);
    if ("defect" in parsed) {
      const wayOut =
        options.pairedAgents > 0
          ? `restore it from a backup, or move it away and start once with --new-identity (${agents(options.pairedAgents)} paired and must then pair again)`
          : "restore it from a backup, or move it away to make a new identity";
      throw new HubKeyError(`${path} is not a valid Ed25519 private key in PEM (${parsed.defect}): ${wayOut}`);
    }
    if (((await stat(path)).mode & 0o077) !== 0) await chmod(path, 0o600);
    return { key: fromKeyObject(parsed.key), path, created: false, replacedLost: false };
  }

  if (options.pairedAgents > 0 && !options.newIdentity) {
    throw new HubKeyError(
      `${path} is missing, but ${agents(options.pairedAgents)} paired with this hub's identity: restore the file from a backup, ` +
        "or start once with --new-identity to make a new identity (every paired agent must then pair again)",
    );
  }
  const created = generateKeyPair().privateKeyPem;
  // `wx`: if another process created the file meanwhile, fail rather than overwrite its key.
  await writeFile(path, created, { mode: 0o600, flag: "wx" });
  return { key: fromKeyObject(createPrivateKey(created)), path, created: true, replacedLost: options.pairedAgents > 0 };
}
