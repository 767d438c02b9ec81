import type { Context } from "hono";
import { problems } from "../../core/problem-error.js";

interface ValidationResult {
  success: boolean;
  target?: string;
  error?: { issues: { path: PropertyKey[]; message: string }[] };
}

/**
 * Validation hook of the content routes: an unknown `{kind}` in the path is a 404 (there is no
 * such collection), anything else invalid a 422 with field errors, as everywhere in the API.
 */
export function contentHook(result: ValidationResult, c: Context): undefined {
  if (result.success || !result.error) return undefined;
  if (result.target === "param" && result.error.issues.some((issue) => issue.path[0] === "kind")) {
    throw problems.notFound(`content kind ${JSON.stringify(c.req.param("kind") ?? "")}`);
  }
  throw problems.invalid(result.error.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message })));
}
