import { ApiError, errorMessage, type Tenant } from "$lib/api";

export interface TenantInsightFailure {
  kind: "offline" | "not-found" | "timeout" | "forbidden" | "other";
  message: string;
}

/** Why an insight could not be fetched from the tenant's agent, in the words an analyst needs. */
export function tenantInsightFailure(error: unknown, tenant: Tenant | null | undefined, localId: string): TenantInsightFailure {
  const name = tenant?.name ?? "This tenant";
  const status = error instanceof ApiError ? error.status : null;
  if (status === 409) {
    return {
      kind: "offline",
      message:
        tenant?.status === "unpaired"
          ? `${name} has no paired agent, so the insight cannot be fetched from the tenant.`
          : `${name} is offline: its agent is not connected, so the insight cannot be fetched live. It is fetched as soon as the agent reconnects.`,
    };
  }
  if (status === 404) {
    return { kind: "not-found", message: `${name}'s agent does not have the insight “${localId}”. It may have been removed on the tenant.` };
  }
  if (status === 504) return { kind: "timeout", message: "The agent did not answer in time. It may be busy or its link may be slow; try Refresh." };
  if (status === 403) return { kind: "forbidden", message: "Fetching insights from a tenant is for operators and admins." };
  return { kind: "other", message: errorMessage(error) };
}
