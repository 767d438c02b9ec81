// Turns an error answer (RFC 9457 problem+json, or whatever a proxy sent) into something a person
// can read, plus per-field messages for forms.

export type FieldErrors = Record<string, string>;

/** One validation issue with its whole path (`workflow.action--….commands[0].type`, `options.1`). */
export interface ProblemIssue {
  path: string;
  message: string;
}

export interface Problem {
  title: string | null;
  detail: string | null;
  code: string | null;
  fieldErrors: FieldErrors;
  /** Every issue of a 422 in order, with full paths; field errors keep only the first segment. */
  issues: ProblemIssue[];
}

const fallbackByStatus: Record<number, string> = {
  0: "Cannot reach the hub. Check the network connection and try again.",
  400: "The request was not valid.",
  401: "Your session has ended. Sign in again.",
  403: "You do not have permission to do this.",
  404: "Not found.",
  409: "The request conflicts with the current state.",
  422: "Some fields are not valid.",
  429: "Too many attempts. Try again later.",
  502: "The hub is not reachable right now.",
  503: "The hub is not available right now.",
  504: "Timed out waiting for an answer.",
};

export function fallbackMessage(status: number): string {
  return fallbackByStatus[status] ?? (status >= 500 ? `The hub had a problem (HTTP ${status}).` : `Request failed (HTTP ${status}).`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value : null;
}

function pathName(path: unknown): string | null {
  if (typeof path === "string") return path.replace(/^\//, "").split(/[./]/)[0] || null;
  if (Array.isArray(path) && path.length > 0) return String(path[0]);
  return null;
}

/** Issues as `[{path|name|field|pointer, message|reason}]` (zod issues, RFC 9457 examples, ours). */
function fromIssueList(list: unknown[], into: FieldErrors): void {
  for (const issue of list) {
    if (!isRecord(issue)) continue;
    const field = pathName(issue.path ?? issue.name ?? issue.field ?? issue.pointer);
    const message = text(issue.message) ?? text(issue.reason) ?? text(issue.detail);
    if (field && message && !(field in into)) into[field] = message;
  }
}

/** Issues as `{field: message | [messages]}` (zod `flatten().fieldErrors` and similar). */
function fromIssueMap(map: Record<string, unknown>, into: FieldErrors): void {
  for (const [field, value] of Object.entries(map)) {
    const message = Array.isArray(value) ? text(value[0]) : text(value);
    if (message && !(field in into)) into[field] = message;
  }
}

export function extractFieldErrors(body: Record<string, unknown>): FieldErrors {
  const into: FieldErrors = {};
  const candidates = [body.errors, body.invalidParams, body["invalid-params"], body.issues, body.fieldErrors];
  if (isRecord(body.error)) candidates.push(body.error.issues, body.error.fieldErrors);
  for (const candidate of candidates) {
    if (Array.isArray(candidate)) fromIssueList(candidate, into);
    else if (isRecord(candidate)) fromIssueMap(candidate, into);
  }
  return into;
}

function fullPath(path: unknown): string {
  if (typeof path === "string") return path;
  if (Array.isArray(path)) return path.map(String).join(".");
  return "";
}

/** The `errors: [{path, message}]` list of the hub's 422 answers, kept whole. */
export function extractIssues(body: Record<string, unknown>): ProblemIssue[] {
  const list = Array.isArray(body.errors) ? body.errors : isRecord(body.error) && Array.isArray(body.error.issues) ? body.error.issues : [];
  const issues: ProblemIssue[] = [];
  for (const issue of list) {
    if (!isRecord(issue)) continue;
    const message = text(issue.message) ?? text(issue.reason);
    if (message) issues.push({ path: fullPath(issue.path ?? issue.name ?? issue.pointer), message });
  }
  return issues;
}

export function parseProblem(body: unknown): Problem {
  if (!isRecord(body)) return { title: null, detail: null, code: null, fieldErrors: {}, issues: [] };
  const nestedMessage = isRecord(body.error) ? text(body.error.message) : text(body.error);
  return {
    title: text(body.title),
    detail: text(body.detail) ?? text(body.message) ?? nestedMessage,
    code: text(body.code),
    fieldErrors: extractFieldErrors(body),
    issues: extractIssues(body),
  };
}
