import { TENANT_IMPORT_LINES_MAX, TenantCreateSchema, ROOT_ORG_ID } from "@canopy/api";
import { parse } from "csv-parse/sync";
import { ProblemError, problems } from "../core/problem-error.js";
import type { HubServices } from "../services.js";
import { createOrganization } from "./create-organization.js";
import { inScope, type OrgScope } from "./org-scope.js";

/** One line of an import, as the answer reports it (line 1 is the header). */
export interface ImportLineResult {
  line: number;
  status: "created" | "refused";
  id?: string;
  name?: string;
  error?: string;
  ownerInviteUrl?: string;
}

const COLUMNS = ["name", "parent", "tags", "owner"] as const;

/**
 * `POST /tenants/import`: a CSV of organizations (`name,parent,tags,owner`, header first), each
 * created as `POST /tenants` would, in file order, so a line may name as parent an organization
 * an earlier line made. `parent` is an id or a name in the caller's scope (empty: the
 * organization they work in); `tags` are separated by `;`; `owner` is an email, invited with
 * the organization (the link is in that line's result, shown once). A line that fails is
 * reported with the reason and the rest go on.
 */
export async function importOrganizations(hub: HubServices, scope: OrgScope, actor: string, csv: string, linkOrigin: string): Promise<ImportLineResult[]> {
  let rows: string[][];
  try {
    rows = parse(csv, { skip_empty_lines: true, trim: true, relax_column_count: true, bom: true }) as string[][];
  } catch (error) {
    throw problems.invalid([{ path: "body", message: `not CSV: ${(error as Error).message.slice(0, 200)}` }]);
  }
  const header = (rows[0] ?? []).map((cell) => cell.toLowerCase());
  const missing = COLUMNS.filter((column) => column !== "tags" && column !== "owner" && column !== "parent" && !header.includes(column));
  if (rows.length === 0 || missing.length > 0) throw problems.invalid([{ path: "body", message: `the first line must name the columns: ${COLUMNS.join(",")} (name is required)` }]);
  if (rows.length - 1 > TENANT_IMPORT_LINES_MAX) throw problems.invalid([{ path: "body", message: `at most ${TENANT_IMPORT_LINES_MAX} organizations per import; this has ${rows.length - 1}` }]);
  const at = (row: string[], column: (typeof COLUMNS)[number]) => {
    const index = header.indexOf(column);
    return index < 0 ? "" : (row[index] ?? "");
  };
  const results: ImportLineResult[] = [];
  for (const [index, row] of rows.slice(1).entries()) {
    const line = index + 2;
    try {
      const parentId = await parentIdOf(hub, scope, at(row, "parent"));
      const tags = at(row, "tags").split(";").map((tag) => tag.trim()).filter(Boolean);
      const owner = at(row, "owner");
      const body = TenantCreateSchema.safeParse({ name: at(row, "name"), tags, ...(owner ? { owner: { email: owner } } : {}) });
      if (!body.success) throw problems.invalid(body.error.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message })));
      const created = await createOrganization(hub, scope, actor, { ...body.data, parentId }, linkOrigin);
      results.push({ line, status: "created", id: created.tenant.id, name: created.tenant.name, ...(created.ownerInviteUrl ? { ownerInviteUrl: created.ownerInviteUrl } : {}) });
    } catch (error) {
      if (!(error instanceof ProblemError)) throw error;
      results.push({ line, status: "refused", name: at(row, "name").slice(0, 100), error: error.message });
    }
  }
  return results;
}

/** A parent cell: empty (the caller's organization), an id, or a name, in the caller's scope. */
async function parentIdOf(hub: HubServices, scope: OrgScope, cell: string): Promise<string> {
  if (cell === "") return scope.orgId;
  if (cell === ROOT_ORG_ID) return cell;
  const byId = inScope(scope, cell) ? await hub.data.tenants.get(cell) : undefined;
  const found = byId ?? (await hub.data.tenants.findByName(cell));
  // One outside the scope reads as unknown, as everywhere.
  if (!found || !inScope(scope, found.id)) throw problems.invalid([{ path: "parent", message: `no organization "${cell.slice(0, 100)}" in your scope (GET /orgs/tree lists them; give an id or an exact name)` }]);
  return found.id;
}
