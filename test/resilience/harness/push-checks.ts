import type { Push, PushList, PushSummary } from "@canopy/api";
import { waitFor, type ApiClient } from "@canopy/test-e2e/harness";
import { expect } from "vitest";

/** What the hub wants every target to hold: rule name → canonical hash. */
export type Desired = Map<string, string>;

/** Every push in the history (`GET /pushes`, all pages). */
export async function pushHistory(api: ApiClient): Promise<PushSummary[]> {
  const items: PushSummary[] = [];
  let cursor: string | null = null;
  do {
    const page: PushList = await api.request("GET", `/pushes?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

/**
 * The push's summary from the history list: cheap to poll, unlike `GET /pushes/:id` with one
 * result per tenant and item.
 */
export async function pushSummary(api: ApiClient, id: string): Promise<PushSummary | undefined> {
  const page = await api.request<PushList>("GET", "/pushes?limit=5");
  return page.items.find((p) => p.id === id);
}

export const settledCount = (s: PushSummary) => s.progress.total - s.progress.pending;

/**
 * A deadline for a push of `results` results (a failure detector, not a pace): generous, since a
 * shared CI machine can be several times slower than a quiet one.
 */
export const pushDeadlineMs = (results: number) => Math.max(180_000, results * 5);

/**
 * Polls the push's summary until `until` holds; a timeout says how far the push had got, the
 * first thing to know when it stalls.
 */
export async function waitForPushSummary(api: ApiClient, id: string, what: string, until: (s: PushSummary) => boolean, timeoutMs: number, intervalMs = 250): Promise<PushSummary> {
  let last: PushSummary | undefined;
  try {
    return await waitFor(
      what,
      async () => {
        const s = await pushSummary(api, id);
        if (s) last = s;
        return s && until(s) ? s : undefined;
      },
      { timeoutMs, intervalMs },
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; last seen: ${last ? `${last.state} ${JSON.stringify(last.progress)}` : "no summary"}`, { cause: error });
  }
}

/** Waits until the push is no longer running and nothing is pending. */
export function waitForPushDone(api: ApiClient, id: string, timeoutMs: number): Promise<PushSummary> {
  return waitForPushSummary(api, id, `push ${id} to finish`, (s) => s.state !== "running" && s.progress.pending === 0, timeoutMs);
}

/**
 * The ledger is exact: one result per tenant × item, each `applied`, the progress counts equal
 * to the results, and the history lists the push once with the same counts.
 */
export async function expectExactLedger(api: ApiClient, id: string, tenants: string[], desired: Desired): Promise<Push> {
  const total = tenants.length * desired.size;
  const push = await api.request<Push>("GET", `/pushes/${id}`);
  expect(push.state, "push state").toBe("completed");
  expect(push.progress, "push progress").toEqual({ total, applied: total, unchanged: 0, failed: 0, skipped: 0, stopped: 0, pending: 0 });
  expect(push.results, "one result per tenant × item").toHaveLength(total);
  const keys = new Set(push.results.map((r) => `${r.tenantId}\u0000${r.kind}\u0000${r.name}`));
  expect(keys.size, "results doubled (same tenant, kind and name twice)").toBe(total);
  expect(new Set(push.results.map((r) => r.tenantId)), "result tenants").toEqual(new Set(tenants));
  expect(new Set(push.results.map((r) => r.name)), "result items").toEqual(new Set(desired.keys()));
  const tally: Record<string, number> = {};
  for (const r of push.results) tally[r.status] = (tally[r.status] ?? 0) + 1;
  expect(tally, "results by status").toEqual({ applied: total });

  const listed = (await pushHistory(api)).filter((p) => p.id === id);
  expect(listed, "the push listed once in GET /pushes").toHaveLength(1);
  expect(listed[0]!.progress, "history counts").toEqual(push.progress);
  expect(listed[0]!.state).toBe("completed");
  expect({ items: listed[0]!.itemCount, tenants: listed[0]!.tenantCount }).toEqual({ items: desired.size, tenants: tenants.length });
  return push;
}

/** A tenant converged: it holds exactly the desired rules, each at the desired hash. */
export function expectHolds(who: string, held: { kind: string; name: string; hash: string }[], desired: Desired): void {
  const rules = held.filter((h) => h.kind === "siem-rule");
  const wrong = rules.filter((h) => desired.get(h.name) !== h.hash).map((h) => h.name);
  const missing = [...desired.keys()].filter((name) => !rules.some((h) => h.name === name));
  expect({ who, missing: missing.slice(0, 5), missingCount: missing.length, wrong: wrong.slice(0, 5), wrongCount: wrong.length }).toEqual({
    who,
    missing: [],
    missingCount: 0,
    wrong: [],
    wrongCount: 0,
  });
  expect(rules, `${who} holds each rule once`).toHaveLength(desired.size);
}
