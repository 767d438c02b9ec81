import { fallbackMessage, type FieldErrors, type Problem, type ProblemIssue } from "./problem";

/** A failed API call: `message` is what to show a person; `status` 0 means the hub was not reached. */
export class ApiError extends Error {
  override readonly name = "ApiError";
  readonly status: number;
  readonly code: string | null;
  readonly title: string | null;
  readonly fieldErrors: FieldErrors;
  /** Validation issues with their full paths (422). */
  readonly issues: ProblemIssue[];
  /** Seconds from a `Retry-After` header, when the hub sent one. */
  readonly retryAfterSec: number | null;

  constructor(status: number, problem: Problem, retryAfterSec: number | null = null) {
    super(problem.detail ?? problem.title ?? fallbackMessage(status));
    this.status = status;
    this.code = problem.code;
    this.title = problem.title;
    this.fieldErrors = problem.fieldErrors;
    this.issues = problem.issues;
    this.retryAfterSec = retryAfterSec;
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error && error.message) return error.message;
  return "Something went wrong.";
}
