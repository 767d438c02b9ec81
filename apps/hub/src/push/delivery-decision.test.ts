import { describe, expect, it } from "vitest";
import { decide, type DecisionInput, type DependencyView } from "./delivery-decision.js";
import type { DesiredEntry, ReportedEntry, ResultEntry } from "./push-records.js";

const desired = (extra: Partial<DesiredEntry> = {}): DesiredEntry => ({
  id: "custom-field:A",
  kind: "custom-field",
  name: "A",
  itemId: "cnt_1",
  revision: 2,
  hash: "h2",
  pushId: "p2",
  options: { scheduledSearches: "include", scheduledReports: "include" },
  dependsOn: [],
  previous: null,
  ...extra,
});
const reported = (extra: Partial<ReportedEntry> = {}): ReportedEntry => ({ id: "custom-field:A", hash: "h2", revision: 2, pushId: "p2", drifted: false, ...extra });
const pending: ResultEntry = { status: "pending" };
const noDependency: DependencyView = { result: undefined, inFlight: false, inBatch: false };

const input = (extra: Partial<DecisionInput>): DecisionInput => ({
  desired: desired(),
  reported: undefined,
  result: pending,
  inFlightHash: undefined,
  dependency: () => noDependency,
  ...extra,
});

describe("decide", () => {
  it("sends a pending item the agent does not hold", () => {
    expect(decide(input({}))).toMatchObject({ type: "send" });
    expect(decide(input({ reported: reported({ hash: "h1", pushId: "p1" }) }))).toMatchObject({ type: "send" });
  });

  it("settles a pending result from what the agent holds: applied by this push, else unchanged", () => {
    expect(decide(input({ reported: reported() }))).toEqual({ type: "resolve", pushId: "p2", status: "applied" });
    expect(decide(input({ reported: reported({ pushId: "p1" }) }))).toEqual({ type: "resolve", pushId: "p2", status: "unchanged" });
  });

  it("never sends twice what is already on its way", () => {
    expect(decide(input({ inFlightHash: "h2" }))).toEqual({ type: "drop" });
    // An older value in flight does not hold the new one back: the agent applies in order.
    expect(decide(input({ inFlightHash: "h1" }))).toMatchObject({ type: "send" });
  });

  it("a push re-applies a drifted item and one the agent refused before", () => {
    expect(decide(input({ reported: reported({ drifted: true }) }))).toMatchObject({ type: "send" });
    expect(decide(input({ reported: reported({ hash: null, failedHash: "h2" }) }))).toMatchObject({ type: "send" });
  });

  it("without a pending result: converges a tenant that lost the item, but leaves refusals and drift alone", () => {
    const settled: ResultEntry = { status: "applied" };
    expect(decide(input({ result: settled }))).toMatchObject({ type: "send" });
    expect(decide(input({ result: settled, reported: reported() }))).toEqual({ type: "drop" });
    expect(decide(input({ result: { status: "failed" }, reported: reported({ hash: "h1", failedHash: "h2" }) }))).toEqual({ type: "drop" });
    expect(decide(input({ result: settled, reported: reported({ drifted: true }) }))).toEqual({ type: "drop" });
    expect(decide(input({ result: settled, reported: reported({ hash: "local", drifted: true }) }))).toEqual({ type: "drop" });
  });

  it("drops keys nothing is desired for, or whose push left no result", () => {
    expect(decide(input({ desired: undefined }))).toEqual({ type: "drop" });
    expect(decide(input({ result: undefined }))).toEqual({ type: "drop" });
  });

  describe("dependencies", () => {
    const dependent = desired({ dependsOn: [{ kind: "siem-rule", name: "R" }] });
    const withDependency = (view: Partial<DependencyView>) => input({ desired: dependent, dependency: () => ({ ...noDependency, ...view }) });

    it("skipped when the dependency failed or was skipped in the same push", () => {
      expect(decide(withDependency({ result: { status: "failed", error: "boom" } }))).toEqual({
        type: "resolve",
        pushId: "p2",
        status: "skipped",
        error: "skipped: depends on siem-rule R, which failed",
      });
      expect(decide(withDependency({ result: { status: "skipped" } }))).toMatchObject({ error: "skipped: depends on siem-rule R, which was skipped" });
    });

    it("waits for a dependency in another batch still in flight; goes with one in the same batch", () => {
      expect(decide(withDependency({ result: pending, inFlight: true }))).toEqual({ type: "wait" });
      expect(decide(withDependency({ result: pending, inBatch: true }))).toMatchObject({ type: "send" });
      expect(decide(withDependency({ result: pending }))).toEqual({ type: "wait", needs: "siem-rule:R" });
      expect(decide(withDependency({ result: { status: "applied" } }))).toMatchObject({ type: "send" });
    });
  });
});
