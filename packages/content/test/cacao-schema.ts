// The official CACAO 2.0 JSON schemas (../shared/data/cacao/schemas), compiled with ajv, to check
// that exported playbooks are valid CACAO. Test-only: the package's own validation is in src/cacao.
import { readFileSync } from "node:fs";
import { relative } from "node:path";
// The named export: ajv is CommonJS, and under NodeNext its default import is the module object.
import { Ajv2020, type ErrorObject } from "ajv/dist/2020.js";
import { filesUnder, sharedData } from "@canopy/shared-data";

const BASE = "https://canopy.invalid/cacao-2.0/";

export type SchemaCheck = { valid: boolean; errors: string[] };

/**
 * A validator for `playbook.json`. The published files give each schema a directory name as `$id`
 * ("workflows", shared by nine files) and declare draft-07 while using `$defs`; so each file is
 * added under its own path URL (its relative `$ref`s resolve as on disk) and read as 2020-12.
 */
export function officialPlaybookValidator(): (document: unknown) => SchemaCheck {
  const dir = sharedData("cacao", "schemas");
  // strict: false because the published schemas use keywords ajv's strict mode rejects in
  // authoring (e.g. "required" next to allOf); it does not relax how documents are validated.
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  for (const file of filesUnder(dir, ".json")) {
    const schema = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    delete schema.$schema;
    schema.$id = BASE + relative(dir, file).split("\\").join("/");
    ajv.addSchema(schema);
  }
  const validate = ajv.getSchema(`${BASE}playbook.json`);
  if (validate === undefined) throw new Error("playbook.json missing from the CACAO schemas");
  return (document) => {
    const valid = validate(document) === true;
    return { valid, errors: valid ? [] : (validate.errors ?? []).map(describe) };
  };
}

function describe(error: ErrorObject): string {
  return `${error.instancePath || "/"} ${error.message ?? error.keyword} ${JSON.stringify(error.params)}`;
}
