import { createMemoryStore } from "@canopy/store";
import { describe, expect, it } from "vitest";
import { PushLedger } from "../push/push-ledger.js";
import { emptyProgress, type PushPlanDoc, type PushRecord } from "../push/push-records.js";
import { pushOutcomeSource } from "./push-outcome-source.js";

const NOW = Date.parse("2030-01-15T12:00:00Z");
const HOUR = 3_600_000;

function push(ledger: PushLedger, id: string, createdAt: number, tenantIds: string[], keys: string[]): void {
  const record: PushRecord = {
    id,
    type: "push",
    state: "running",
    createdBy: "admin@test.local",
    createdAt: new Date(createdAt).toISOString(),
    finishedAt: null,
    stoppedBy: null,
    title: id,
    kinds: ["custom-field"],
    itemCount: keys.length,
    tenantCount: tenantIds.length,
    targets: { tenants: tenantIds },
    options: {},
    progress: emptyProgress(),
  };
  const items = keys.map((key) => ({ key, kind: "custom-field" as const, name: key, itemId: `itm_${key}`, revision: 1, hash: `h-${key}`, dependsOn: [] }));
  ledger.create(record, { id: "plan", items, tenantIds } as PushPlanDoc);
}

describe("pushOutcomeSource", () => {
  const ledger = new PushLedger(createMemoryStore(), () => NOW);
  // An hour ago: two tenants × two items, one applied, one failed, the rest pending.
  push(ledger, "psh_recent", NOW - HOUR, ["tnt_a", "tnt_b"], ["custom-field:A", "custom-field:B"]);
  ledger.setResult("psh_recent", "tnt_a", "custom-field:A", "applied");
  ledger.setResult("psh_recent", "tnt_b", "custom-field:A", "failed", "refused");
  // Three days ago: one tenant, applied.
  push(ledger, "psh_old", NOW - 72 * HOUR, ["tnt_a"], ["custom-field:C"]);
  ledger.setResult("psh_old", "tnt_a", "custom-field:C", "applied");
  const source = pushOutcomeSource(ledger);

  it("counts the results of pushes made in the window, by status", () => {
    expect(source.outcomes(NOW - 24 * HOUR, NOW, null)).toEqual({ applied: 1, failed: 1, pending: 2, unchanged: 0, skipped: 0, stopped: 0 });
    expect(source.outcomes(null, NOW, null)).toEqual({ applied: 2, failed: 1, pending: 2, unchanged: 0, skipped: 0, stopped: 0 });
    expect(source.outcomes(NOW - 30 * 60_000, NOW, null).applied).toBe(0);
  });

  it("for chosen tenants, only their results", () => {
    expect(source.outcomes(null, NOW, new Set(["tnt_b"]))).toEqual({ applied: 0, failed: 1, pending: 1, unchanged: 0, skipped: 0, stopped: 0 });
    expect(source.outcomes(null, NOW, new Set(["tnt_a"]))).toEqual({ applied: 2, failed: 0, pending: 1, unchanged: 0, skipped: 0, stopped: 0 });
    expect(source.outcomes(null, NOW, new Set(["tnt_none"]))).toEqual({ applied: 0, failed: 0, pending: 0, unchanged: 0, skipped: 0, stopped: 0 });
  });
});
