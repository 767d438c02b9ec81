import { describe, expect, it } from "vitest";
import { manualClock } from "../../test/helpers.js";
import { PAIRING_BUDGETS, PairingBudget } from "./pairing-budget.js";

describe("PairingBudget", () => {
  it("limits per host (an IPv6 /64 is one host), per network, hub-wide, and reports the hub budget spent once per window", () => {
    const clock = manualClock();
    const spent: number[] = [];
    const budget = new PairingBudget({ clock, onHubBudgetSpent: (ms) => spent.push(ms) });

    // One host rotating addresses inside its /64.
    const host = Array.from({ length: 11 }, (_, i) => budget.reserve(`2001:db8:1:2::${i + 1}`).ok);
    expect(host.filter(Boolean)).toHaveLength(PAIRING_BUDGETS.host.maxFailures);

    // Other /64s of the same /48 share the network budget (10 already spent by the first host).
    const network = Array.from({ length: 40 }, (_, i) => budget.reserve(`2001:db8:1:${(i + 10).toString(16)}::1`).ok);
    expect(network.filter(Boolean)).toHaveLength(PAIRING_BUDGETS.network.maxFailures - PAIRING_BUDGETS.host.maxFailures);

    // Everyone else shares what is left of the hub's 100.
    const everyone = Array.from({ length: 200 }, (_, i) => budget.reserve(`10.${i}.0.1`).ok);
    expect(everyone.filter(Boolean)).toHaveLength(PAIRING_BUDGETS.hub.maxFailures - PAIRING_BUDGETS.network.maxFailures);
    expect(spent).toEqual([PAIRING_BUDGETS.hub.windowMs]);

    clock.advance(PAIRING_BUDGETS.hub.windowMs);
    expect(budget.reserve("10.0.0.1").ok).toBe(true);
  });
});

describe("PairingBudget.acquire", () => {
  it("lets many good codes from one host through at once, waiting for attempts in flight rather than refusing", async () => {
    const budget = new PairingBudget({ clock: manualClock() });
    // 50 pairings from one host at once: each holds its unit until its code was checked.
    const paired = await Promise.all(
      Array.from({ length: 50 }, async () => {
        const attempt = await budget.acquire("10.0.0.7");
        if (!attempt.ok) return false;
        await new Promise((resolve) => setImmediate(resolve)); // the code is looked up
        attempt.release(); // a good code
        attempt.end();
        return true;
      }),
    );
    expect(paired.every(Boolean)).toBe(true);
  });

  it("still stops guesses once their failures spend the budget, however many come at once", async () => {
    const budget = new PairingBudget({ clock: manualClock() });
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, async () => {
        const attempt = await budget.acquire("10.0.0.8");
        if (!attempt.ok) return "refused";
        await new Promise((resolve) => setImmediate(resolve));
        attempt.end(); // a wrong code: its unit stays spent
        return "checked";
      }),
    );
    expect(outcomes.filter((o) => o === "checked")).toHaveLength(PAIRING_BUDGETS.host.maxFailures);
    expect(outcomes.filter((o) => o === "refused")).toHaveLength(50 - PAIRING_BUDGETS.host.maxFailures);
  });
});
