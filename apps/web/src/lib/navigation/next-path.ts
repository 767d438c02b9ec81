/** Where to go after signing in: only a local path (never `//host` or a full URL). */
export function safeNextPath(next: string | null | undefined, fallback = "/nodes"): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return fallback;
  if (next === "/login" || next.startsWith("/login?")) return fallback;
  return next;
}

export function loginPath(current: URL): string {
  const here = current.pathname + current.search;
  return here === "/" || here.startsWith("/login") ? "/login" : `/login?next=${encodeURIComponent(here)}`;
}
