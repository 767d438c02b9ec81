import type { PushResultStatus } from "@canopy/api";
import type { WidgetDefinition } from "./widget-context.js";

const ORDER: readonly PushResultStatus[] = ["applied", "unchanged", "failed", "skipped", "stopped", "pending"];
const LABEL: Record<PushResultStatus, string> = {
  applied: "Applied",
  unchanged: "Unchanged",
  failed: "Failed",
  skipped: "Skipped",
  stopped: "Stopped",
  pending: "Pending",
};

/** Results (one per tenant and item) of the pushes made in the window, by status. */
export const pushOutcomes: WidgetDefinition = {
  uses: "range",
  async compute(context) {
    const counts = await context.sources.pushes.outcomes(context.window.from, context.window.to, context.tenantIds);
    return { kind: "counts", rows: ORDER.map((key) => ({ key, label: LABEL[key], value: counts[key] })) };
  },
};
