import type { FieldError } from "@canopy/api";

/**
 * An error meant for the API caller: its status, a stable machine `code`, and a human `detail`
 * that is safe to show. Anything else thrown is an internal error and is never shown.
 */
export class ProblemError extends Error {
  readonly status: number;
  readonly code: string;
  readonly extra: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    code: string,
    detail: string,
    options: { extra?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(detail);
    this.name = "ProblemError";
    this.status = status;
    this.code = code;
    this.extra = options.extra ?? {};
    this.headers = options.headers ?? {};
  }
}

export const problems = {
  notFound: (what: string) => new ProblemError(404, "not_found", `${what} was not found`),
  conflict: (code: string, detail: string) => new ProblemError(409, code, detail),
  invalid: (errors: FieldError[], detail?: string) =>
    new ProblemError(422, "invalid_request", detail ?? errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join("; "), {
      extra: { errors },
    }),
  unauthorized: (detail = "authentication required") => new ProblemError(401, "unauthorized", detail),
  forbidden: (detail: string) => new ProblemError(403, "forbidden", detail),
  rateLimited: (detail: string, retryAfterMs: number) =>
    new ProblemError(429, "rate_limited", detail, { headers: { "Retry-After": String(Math.ceil(retryAfterMs / 1000)) } }),
};
