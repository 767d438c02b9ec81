import { replaceState } from "$app/navigation";

/** Mirrors list filters into the address (`?q=…&level=…`) so a reload or a shared link keeps them. */
export function writeFilters(filters: Record<string, string>): void {
  const url = new URL(window.location.href);
  for (const [key, value] of Object.entries(filters)) {
    if (value) url.searchParams.set(key, value);
    else url.searchParams.delete(key);
  }
  if (url.href !== window.location.href) replaceState(url, {});
}
