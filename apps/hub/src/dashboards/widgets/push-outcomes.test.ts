import { describe, expect, it } from "vitest";
import { DAY, NOW, RecordingPushes, sources, widget } from "../../../test/dashboard-fixtures.js";
import { computeWidget } from "../compute-widget.js";

describe("push-outcomes", () => {
  it("push results by status, in a fixed order, for the widget's window and tenants", async () => {
    const pushes = new RecordingPushes({ applied: 7, failed: 2, pending: 1 });
    const result = await computeWidget(widget({ type: "push-outcomes", range: "7d", lifecycle: "closed", tenants: { ids: ["tnt_acme"] } }), sources({ pushes }), NOW);
    expect(result.data).toEqual({
      kind: "counts",
      rows: [
        { key: "applied", label: "Applied", value: 7 },
        { key: "unchanged", label: "Unchanged", value: 0 },
        { key: "failed", label: "Failed", value: 2 },
        { key: "skipped", label: "Skipped", value: 0 },
        { key: "stopped", label: "Stopped", value: 0 },
        { key: "pending", label: "Pending", value: 1 },
      ],
    });
    // Pushes are counted by when they were made, whatever the lifecycle says.
    expect(pushes.asked).toEqual([{ from: NOW - 7 * DAY, to: NOW, tenantIds: ["tnt_acme"] }]);
  });
});
