import { ApiError, errorMessage, type Tenant } from "$lib/api";

export interface ConnectFailure {
  kind: "unpaired" | "offline" | "timeout" | "other";
  message: string;
}

/** Why live information could not be fetched, in the words an operator needs. */
export function connectFailure(error: unknown, tenant: Tenant | undefined): ConnectFailure {
  const name = tenant?.name ?? "This tenant";
  if (error instanceof ApiError && error.status === 409) {
    if (tenant?.status === "unpaired") {
      return { kind: "unpaired", message: `${name} has no paired agent. Pair one from Nodes to see live information.` };
    }
    return {
      kind: "offline",
      message: `${name}'s agent is not connected. Live information appears when it comes back online.`,
    };
  }
  if (error instanceof ApiError && error.status === 504) {
    return {
      kind: "timeout",
      message: "The agent did not answer in time. It may be busy or its link may be slow; try Refresh.",
    };
  }
  return { kind: "other", message: errorMessage(error) };
}
