import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** A high-entropy bearer secret (session token, api key secret): 32 random bytes, base64url. */
export function newSecret(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * Plain SHA-256 is enough for secrets with 256 bits of entropy: they cannot be brute-forced,
 * and a fast hash keeps every authenticated request cheap.
 */
export function sha256Hex(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

export function safeEqualHex(a: string, b: string): boolean {
  const left = Buffer.from(a, "hex");
  const right = Buffer.from(b, "hex");
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}
