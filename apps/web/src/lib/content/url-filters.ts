import { replaceState } from "$app/navigation";

/** A write that came before the router could take it (the first render of a page opened by its address). */
let waiting: Record<string, string> | null = null;
let routerStarted = false;

/**
 * Mirrors list filters into the address (`?q=…&level=…`) so a reload or a shared link keeps them.
 *
 * Two things made every load of a shared `/insights?open=<id>` link throw inside SvelteKit
 * (`Cannot read properties of undefined (reading '$set')`): the address was compared as text, so
 * the same parameters spelled differently (`~` against `%7E`, a space as `%20` against `+`) looked
 * changed; and the write then ran during the first render, before SvelteKit's router had its root
 * component. Parameters are now compared by value, and a write before the router has started
 * waits for it (`startAddressWrites`, called by the root layout once the first navigation is done).
 */
export function writeFilters(filters: Record<string, string>): void {
  if (!routerStarted) {
    waiting = { ...waiting, ...filters };
    return;
  }
  const url = new URL(window.location.href);
  for (const [key, value] of Object.entries(filters)) {
    if (value) url.searchParams.set(key, value);
    else url.searchParams.delete(key);
  }
  const current = new URLSearchParams(window.location.search);
  if (url.searchParams.toString() !== current.toString()) replaceState(url, {});
}

/** The router is ready for history writes: do the one that waited, if any. */
export function startAddressWrites(): void {
  routerStarted = true;
  const filters = waiting;
  waiting = null;
  if (filters) writeFilters(filters);
}
