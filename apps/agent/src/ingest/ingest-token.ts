import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { chmod, readFile, stat, writeFile } from "node:fs/promises";

/**
 * The local ingest token: random, made on the first `run`, kept in `<dataDir>/ingest-token` with
 * mode 0600 so only the account running the agent (and its SIEM forwarder, if it runs as that
 * account) can post insights. Never logged.
 */
export async function ensureIngestToken(file: string): Promise<string> {
  const existing = await readIngestToken(file);
  if (existing) {
    // A copy restored with looser permissions is tightened rather than trusted as is.
    if (((await stat(file)).mode & 0o077) !== 0) await chmod(file, 0o600);
    return existing;
  }
  const token = randomBytes(32).toString("base64url");
  try {
    await writeFile(file, `${token}\n`, { mode: 0o600, flag: "wx" });
    return token;
  } catch (error) {
    // Another process made it first: use theirs.
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const theirs = await readIngestToken(file);
    if (!theirs) throw error;
    return theirs;
  }
}

/** The token, or null when there is none yet (no `run` has started for this data dir). */
export async function readIngestToken(file: string): Promise<string | null> {
  try {
    const token = (await readFile(file, "utf8")).trim();
    return token.length > 0 ? token : null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

const digest = (text: string) => createHash("sha256").update(text).digest();

/** Compares in constant time (over digests, so the length does not leak either). */
export function tokenMatches(expected: string, given: string): boolean {
  return timingSafeEqual(digest(expected), digest(given));
}
