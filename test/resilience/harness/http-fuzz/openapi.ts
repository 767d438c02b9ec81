/** One operation of the hub's OpenAPI document, as much of it as the fuzzer uses. */
export interface Operation {
  method: string;
  /** The path template under `/api/v1`, e.g. `/tenants/{id}`. */
  path: string;
  pathParams: string[];
  queryParams: string[];
  /** Declared request content types (empty: no body declared). */
  bodyTypes: string[];
  /** Top-level property names of the JSON body schema, when it has any. */
  bodyProps: string[];
  /** Whether the operation needs no credentials (`security: []`). */
  public: boolean;
}

interface Schema {
  $ref?: string;
  properties?: Record<string, unknown>;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
}

interface Document {
  paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; requestBody?: { content?: Record<string, { schema?: Schema }> }; security?: unknown[] }>>;
  components?: { schemas?: Record<string, Schema> };
}

function propsOf(schema: Schema | undefined, doc: Document, depth = 0): string[] {
  if (!schema || depth > 4) return [];
  if (schema.$ref) return propsOf(doc.components?.schemas?.[schema.$ref.split("/").at(-1)!], doc, depth + 1);
  const own = Object.keys(schema.properties ?? {});
  const nested = [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])].flatMap((s) => propsOf(s, doc, depth + 1));
  return [...new Set([...own, ...nested])];
}

/** Every operation the document describes: the fuzzer's map of the API. */
export function operationsOf(doc: Document): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const params = op.parameters ?? [];
      const content = op.requestBody?.content ?? {};
      ops.push({
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === "path").map((p) => p.name),
        queryParams: params.filter((p) => p.in === "query").map((p) => p.name),
        bodyTypes: Object.keys(content),
        bodyProps: propsOf(content["application/json"]?.schema, doc),
        public: Array.isArray(op.security) && op.security.length === 0,
      });
    }
  }
  return ops;
}

export async function fetchOperations(hubUrl: string): Promise<Operation[]> {
  const res = await fetch(new URL("/api/v1/openapi.json", hubUrl));
  if (!res.ok) throw new Error(`GET /api/v1/openapi.json answered ${res.status}`);
  return operationsOf((await res.json()) as Document);
}
