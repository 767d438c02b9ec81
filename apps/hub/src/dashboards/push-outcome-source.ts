import { PUSH_RESULT_STATUSES, type PushResultStatus } from "@canopy/api";
import type { PushView } from "../push/push-view.js";
import type { PushOutcomeSource } from "./dashboard-sources.js";

const zero = (): Record<PushResultStatus, number> =>
  Object.fromEntries(PUSH_RESULT_STATUSES.map((status) => [status, 0])) as Record<PushResultStatus, number>;

/**
 * Counts over the push history as it is on disk (`DurablePushes` in the hub: an outcome is
 * counted once it is durable). For every tenant it adds each push's counts (no scan of
 * results); for chosen tenants it reads only those tenants' results of each push.
 */
export function pushOutcomeSource(ledger: PushView): PushOutcomeSource {
  return {
    outcomes(from, to, tenantIds) {
      const counts = zero();
      for (const push of ledger.all()) {
        const createdAt = Date.parse(push.createdAt);
        if ((from !== null && createdAt < from) || createdAt >= to) continue;
        if (tenantIds === null) {
          const progress = ledger.progress(push.id);
          for (const status of PUSH_RESULT_STATUSES) counts[status] += progress[status];
          continue;
        }
        const plan = ledger.plan(push.id);
        if (!plan) continue;
        for (const tenantId of plan.tenantIds) {
          if (!tenantIds.has(tenantId)) continue;
          for (const item of plan.items) {
            const status = ledger.result(push.id, tenantId, item.key)?.status;
            if (status) counts[status]++;
          }
        }
      }
      return counts;
    },
  };
}
