import { describe, expect, it } from "vitest";
import type { InsightSummary } from "$lib/api";
import { boardStatus, newer, optimisticMove, pendingParts, reconcile, writeState } from "./freshness";
import { statusLabel } from "./labels";

const base: InsightSummary = {
  id: "t1~i1",
  tenantId: "t1",
  tenantName: "Acme",
  localId: "i1",
  title: "Credential dumping",
  severity: "high",
  status: "new",
  createdAt: "2025-06-01T10:00:00.000Z",
  updatedAt: "2025-06-01T10:00:00.000Z",
  closedAt: null,
  ruleId: null,
  ruleName: null,
  tactics: [],
  techniques: [],
  hosts: [],
  users: [],
  assignee: null,
  commentCount: 0,
  source: "import",
  revision: 3,
  pending: null,
};
const pending = (delivery: "sent" | "queued"): InsightSummary => ({
  ...base,
  pending: { status: "in_progress", comments: 0, requestedAt: "2025-06-01T11:00:00.000Z", requestedBy: "ana@mssp.example", delivery },
});
const acknowledged: InsightSummary = { ...base, status: "in_progress", revision: 4 };

describe("which state of an insight to show", () => {
  it("takes a higher revision, and at the same revision the later arrival (a new pending change)", () => {
    expect(newer(base, acknowledged)).toBe(acknowledged);
    expect(newer(acknowledged, pending("sent"))).toBe(acknowledged);
    expect(newer(base, pending("sent"))).toEqual(pending("sent"));
  });

  it("does not let a PATCH answer arriving after the agent's acknowledgement bring back 'pending'", () => {
    expect(reconcile(pending("sent"), acknowledged)).toBe(acknowledged);
    expect(reconcile(pending("sent"), undefined)).toEqual(pending("sent"));
    // An answer newer than what the feed said wins.
    expect(reconcile(acknowledged, pending("sent"))).toBe(acknowledged);
  });
});

describe("the board's view of write-back", () => {
  it("puts a card in the column of its pending status until the agent acknowledges", () => {
    expect(boardStatus(base)).toBe("new");
    expect(boardStatus(pending("sent"))).toBe("in_progress");
    expect(boardStatus({ ...base, pending: { comments: 1, requestedAt: "x", requestedBy: "y", delivery: "sent" } })).toBe("new");
    expect(boardStatus(acknowledged)).toBe("in_progress");
  });

  it("says pending, queued (tenant offline) or acknowledged", () => {
    expect(writeState(pending("sent"))).toBe("pending");
    expect(writeState(pending("queued"))).toBe("queued");
    expect(writeState(acknowledged)).toBe("acknowledged");
    expect(writeState({ ...acknowledged, updateError: null })).toBe("acknowledged");
    const refused = { ...base, updateError: { error: "not_found", at: "2025-06-01T11:00:00.000Z", requestedBy: "ana@mssp.example" } };
    expect(writeState(refused)).toBe("refused");
    // A new change on its way says pending, whatever happened to the one before.
    expect(writeState({ ...refused, pending: pending("sent").pending })).toBe("pending");
  });

  it("shows a dropped card on its way at once, keeping other pending changes", () => {
    const withComment = { ...base, pending: { comments: 2, requestedAt: "x", requestedBy: "y", delivery: "queued" as const } };
    const moved = optimisticMove(withComment, "closed", Date.parse("2025-06-01T12:00:00Z"));
    expect(boardStatus(moved)).toBe("closed");
    expect(moved.status).toBe("new");
    expect(moved.pending).toMatchObject({ comments: 2, status: "closed", requestedAt: "2025-06-01T12:00:00.000Z" });
  });

  it("describes what is on its way", () => {
    expect(pendingParts({ status: "closed", assignee: "bo", comments: 2, requestedAt: "", requestedBy: "", delivery: "sent" }, statusLabel)).toEqual([
      "status → Closed",
      "assignee → bo",
      "2 comments",
    ]);
    expect(pendingParts({ assignee: null, comments: 1, requestedAt: "", requestedBy: "", delivery: "sent" }, statusLabel)).toEqual(["unassign", "1 comment"]);
  });
});
