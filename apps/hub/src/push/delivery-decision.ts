import type { PushResultStatus } from "@canopy/api";
import { itemKey, removalRefusal, type DesiredEntry, type ItemKey, type ReportedEntry, type ResultEntry } from "./push-records.js";

export type Decision =
  /** Deliver the desired value now. */
  | { type: "send"; entry: DesiredEntry }
  /** Nothing to do for this key (delivered, in flight, refused, drifted, not desired). */
  | { type: "drop" }
  /** Settle the push's pending result without the agent, then drop the key. */
  | { type: "resolve"; pushId: string; status: PushResultStatus; error?: string }
  /** Not yet: a dependency is still on its way (`needs` should be looked at first). */
  | { type: "wait"; needs?: ItemKey };

export interface DependencyView {
  result: ResultEntry | undefined;
  /** Sent in an earlier batch that is not answered yet. */
  inFlight: boolean;
  /** Already taken into the batch being built. */
  inBatch: boolean;
}

export interface DecisionInput {
  desired: DesiredEntry | undefined;
  reported: ReportedEntry | undefined;
  /** The result of `desired.pushId` for this tenant and key, if that push has one. */
  result: ResultEntry | undefined;
  /** The hash of this key in a batch still in flight, if any. */
  inFlightHash: string | undefined;
  /** The agent understands removals (`CONTENT_REMOVE_CAPABILITY`); absent: it does. */
  removes?: boolean;
  dependency(key: ItemKey): DependencyView;
}

/**
 * The reconciler's rule for one tenant and item: desired vs reported, in the light of the
 * push that wants it delivered. Pure.
 *
 * - A push's pending result is settled by what the agent holds: the same hash undrifted is
 *   `applied` when that push put it there (the agent's manifest says so, e.g. after a hub crash
 *   lost the ack) and `unchanged` otherwise. Else it is sent, drift or earlier refusal or not:
 *   a push is an explicit request.
 * - Without a pending result the hub still converges (a tenant that lost what it held gets it
 *   again, under the push that decided it) but never resends what the agent refused (until a
 *   retry) and never overwrites a local change (drift heals only through a new push).
 * - An item attached to one that failed or was skipped in the same push is skipped; one whose
 *   dependency is in flight in another batch waits for that batch's answer.
 */
export function decide(input: DecisionInput): Decision {
  const { desired, reported, result } = input;
  if (!desired) return { type: "drop" };
  if (input.inFlightHash === desired.hash) return { type: "drop" };
  if (desired.remove) return decideRemoval(desired, input);
  const pending = result?.status === "pending";
  const holds = reported !== undefined && reported.hash === desired.hash && !reported.drifted;
  if (holds) {
    if (!pending) return { type: "drop" };
    return { type: "resolve", pushId: desired.pushId, status: reported.pushId === desired.pushId ? "applied" : "unchanged" };
  }
  if (!pending) {
    // Every desired value was set by a push that recorded a result for it; without one (a crash
    // while the push was being made, before it was acknowledged to anyone) it is not delivered.
    if (!result) return { type: "drop" };
    const refused = reported?.failedHash === desired.hash;
    return refused || reported?.drifted === true ? { type: "drop" } : { type: "send", entry: desired };
  }
  for (const dependency of desired.dependsOn) {
    const key = itemKey(dependency.kind, dependency.name);
    const view = input.dependency(key);
    const status = view.result?.status;
    if (status === "failed" || status === "skipped") {
      const why = status === "failed" ? "failed" : "was skipped";
      return { type: "resolve", pushId: desired.pushId, status: "skipped", error: `skipped: depends on ${dependency.kind} ${dependency.name}, which ${why}` };
    }
    if (status === "pending" && !view.inBatch) return view.inFlight ? { type: "wait" } : { type: "wait", needs: key };
  }
  return { type: "send", entry: desired };
}

/** The agent's answer when it cannot remove (an earlier version): the push says why. */
export const REMOVAL_UNSUPPORTED = "the agent on this tenant cannot remove content (it predates removals): update it, then retry";

/**
 * `decide` for a removal (`desired.remove`): done once the agent holds nothing under the key.
 * A pending removal settles as `unchanged` when there is nothing to remove, else it is sent, a
 * drifted item too (a removal is an explicit request, like a push). Without a pending result
 * the hub still converges (an agent that was offline during the removal, or restored, has it
 * removed on its next manifest) but never removes what the agent refused to remove (until a
 * retry) nor a local change.
 */
function decideRemoval(desired: DesiredEntry, input: DecisionInput): Decision {
  const { reported, result } = input;
  const pending = result?.status === "pending";
  const gone = reported === undefined || reported.hash === null;
  if (gone) return pending ? { type: "resolve", pushId: desired.pushId, status: "unchanged" } : { type: "drop" };
  if (input.removes === false) return pending ? { type: "resolve", pushId: desired.pushId, status: "failed", error: REMOVAL_UNSUPPORTED } : { type: "drop" };
  if (pending) return { type: "send", entry: desired };
  if (!result || reported.failedHash === removalRefusal(desired.hash) || reported.drifted) return { type: "drop" };
  return { type: "send", entry: desired };
}
