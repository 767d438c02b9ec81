import { type Validated, failed, issue } from "../issues.js";
import type { CacaoPlaybook } from "./schema.js";
import { validatePlaybook } from "./validate-playbook.js";

/** A CACAO 2.0 playbook from JSON text (or an already parsed value), validated. */
export function importCacao(json: string | unknown): Validated<CacaoPlaybook> {
  if (typeof json !== "string") return validatePlaybook(json);
  let value: unknown;
  try {
    value = JSON.parse(json.replace(/^\uFEFF/, ""));
  } catch (error) {
    return failed([issue([], `not valid JSON: ${error instanceof Error ? error.message : String(error)}`)]);
  }
  return validatePlaybook(value);
}

/**
 * The playbook as a CACAO 2.0 JSON file: two-space indented, members in the order they were
 * written (an imported file exports the same), with a final newline.
 */
export function exportCacao(playbook: CacaoPlaybook): string {
  return `${JSON.stringify(playbook, null, 2)}\n`;
}
