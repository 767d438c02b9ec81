/**
 * The origin of `url` (`scheme://host[:port]`) when it is an http(s) URL, else undefined. The
 * hub's public URL is given this way when browsers reach it through a TLS-terminating proxy.
 */
export function httpOrigin(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}
