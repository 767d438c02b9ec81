/**
 * The one-time token of an invite or reset link, `/accept#token=…`. It travels in the fragment so
 * it never reaches a server log or a `Referer` header.
 */
export function tokenFromHash(hash: string): string | null {
  const token = new URLSearchParams(hash.replace(/^#/, "")).get("token")?.trim();
  return token ? token : null;
}
