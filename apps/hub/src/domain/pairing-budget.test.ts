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
