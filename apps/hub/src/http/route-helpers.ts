import { ProblemSchema } from "@canopy/api";
import type { z } from "@hono/zod-openapi";

const problemDescriptions: Record<number, string> = {
  400: "Malformed request",
  401: "Not authenticated",
  403: "Role too low, or cross-site request",
  404: "No such resource",
  409: "Conflict with the current state",
  410: "Gone",
  413: "Body too large",
  422: "Invalid request (field details in `errors`)",
  429: "Rate limited (see Retry-After)",
  502: "The agent failed to answer",
  503: "The hub could not save the change (its disk refused the write); nothing was changed",
  504: "The agent did not answer in time",
};

/** `responses` entries for problem+json errors. */
export function problemResponses<const S extends number>(...statuses: S[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: problemDescriptions[status] ?? "Error",
        content: { "application/problem+json": { schema: ProblemSchema } },
      },
    ]),
  ) as { [K in S]: { description: string; content: { "application/problem+json": { schema: typeof ProblemSchema } } } };
}

export function jsonContent<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}

export function jsonBody<T extends z.ZodType>(schema: T, required = true) {
  return { required, content: { "application/json": { schema } } };
}

/** Every authenticated route answers 401 and 403 this way; listed once. */
export const authProblems = problemResponses(401, 403);
