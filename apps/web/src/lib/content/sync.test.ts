import { describe, expect, it } from "vitest";
import { isBehind, summarizeSync } from "./sync";

const sync = (fields: Partial<Parameters<typeof summarizeSync>[0]>) => ({
  synchronized: false,
  total: 0,
  applied: 0,
  pending: 0,
  failed: 0,
  drifted: 0,
  ...fields,
});

describe("summarizeSync", () => {
  it("says when an item was never pushed, and when all targets hold it", () => {
    expect(summarizeSync(sync({}))).toEqual({ state: "not-pushed", tone: "none", label: "Not pushed" });
    expect(summarizeSync(sync({ synchronized: true, total: 2, applied: 2 }))).toEqual({
      state: "synchronized",
      tone: "ok",
      label: "Synchronized 2/2",
    });
  });

  it("names what keeps an item from being synchronized, worst first", () => {
    expect(summarizeSync(sync({ total: 3, applied: 1, pending: 2 })).label).toBe("2 pending");
    const mixed = summarizeSync(sync({ total: 4, applied: 1, pending: 1, failed: 1, drifted: 1 }));
    expect(mixed).toEqual({ state: "failed", tone: "bad", label: "1 failed · 1 drifted · 1 pending" });
    expect(summarizeSync(sync({ total: 2, applied: 1, drifted: 1 })).state).toBe("drifted");
  });

  it("calls applied-but-older tenants out of date", () => {
    expect(summarizeSync(sync({ total: 2, applied: 2 }))).toEqual({ state: "outdated", tone: "warn", label: "Out of date 2/2" });
    expect(isBehind({ tenantId: "t", tenantName: "T", state: "applied", revision: 1 }, 2)).toBe(true);
    expect(isBehind({ tenantId: "t", tenantName: "T", state: "pending", revision: 1 }, 2)).toBe(false);
  });
});
