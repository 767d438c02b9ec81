import { CONTENT_IMPORT_MAX_BYTES } from "@canopy/api";
import fc from "fast-check";
import type { Operation } from "./openapi.js";

export type Role = "anonymous" | "viewer" | "admin";

/** One generated request, before credentials are added. */
export interface FuzzRequest {
  role: Role;
  method: string;
  /** Path and query after `/api/v1`, already encoded (or deliberately malformed). */
  target: string;
  contentType: string | undefined;
  body: string | undefined;
  /** A short description for the report (the body itself can be megabytes). */
  label: string;
}

const CONTENT_PATHS = ["playbooks", "custom-fields", "siem-rules", "tuning-expressions", "library"];
/** Path segments that break naive routers and decoders; sent as they are, not encoded. */
const RAW_SEGMENTS = ["..", "%2e%2e", "%00", "%", "%zz", "%E0%A4%A", "a%2Fb", "%2F", "-1", "0", "null", "__proto__", "constructor", "CON", "%F0%9F%A6%80", "x".repeat(3000)];
const ODD_TYPES = ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=zz", "application/yaml", "application/json; charset=utf-16", "application/xml", "*/*", "application/json, text/plain", "", "application/problem+json"];

const jsonValue = fc.jsonValue({ maxDepth: 4 });
const wrongValue = fc.oneof(jsonValue, fc.string({ unit: "binary", maxLength: 300 }), fc.constant(null), fc.integer(), fc.array(fc.string(), { maxLength: 3 }));

function pathParam(name: string, ids: string[]): fc.Arbitrary<string> {
  const choices: fc.Arbitrary<string>[] = [
    fc.stringMatching(/^[a-z]{3}_[A-Za-z0-9_-]{10,30}$/),
    fc.string({ unit: "binary", minLength: 1, maxLength: 60 }).map(encodeURIComponent),
    fc.constantFrom(...RAW_SEGMENTS),
  ];
  if (ids.length) choices.push(fc.constantFrom(...ids));
  if (name === "kind") choices.push(fc.constantFrom(...CONTENT_PATHS), fc.constantFrom(...CONTENT_PATHS));
  return fc.oneof(...choices);
}

function query(op: Operation): fc.Arbitrary<string> {
  const key = op.queryParams.length ? fc.oneof(fc.constantFrom(...op.queryParams), fc.string({ maxLength: 12 })) : fc.string({ maxLength: 12 });
  // Encoded, except a few deliberately malformed escapes sent as they are.
  const value = fc.oneof(
    fc.string({ unit: "binary", maxLength: 40 }).map(encodeURIComponent),
    fc.integer().map(String),
    fc.constantFrom("", "-1", "0", "1e309", "true", "%zz", "%", "%E0%A4%A", "x".repeat(5000)),
  );
  return fc.array(fc.tuple(key, value), { maxLength: 4 }).map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${v}`).join("&")}` : ""));
}

/** Bodies: random JSON, the schema's fields with wrong values, broken JSON, deep nesting, oversize. */
function body(op: Operation): fc.Arbitrary<{ text: string | undefined; label: string }> {
  const shaped = op.bodyProps.length
    ? fc.dictionary(fc.constantFrom(...op.bodyProps), wrongValue, { maxKeys: op.bodyProps.length }).map((o) => ({ text: JSON.stringify(o), label: "schema fields, random values" }))
    : jsonValue.map((v) => ({ text: JSON.stringify(v), label: "random JSON" }));
  return fc.oneof(
    { weight: 30, arbitrary: shaped },
    { weight: 20, arbitrary: jsonValue.map((v) => ({ text: JSON.stringify(v), label: "random JSON" })) },
    { weight: 10, arbitrary: fc.string({ unit: "binary", maxLength: 200 }).map((s) => ({ text: s, label: "not JSON" })) },
    { weight: 5, arbitrary: fc.integer({ min: 1000, max: 50_000 }).map((d) => ({ text: "[".repeat(d) + "]".repeat(d), label: `nested ${d} deep` })) },
    { weight: 2, arbitrary: fc.integer({ min: 1_100_000, max: 2_200_000 }).map((n) => ({ text: JSON.stringify({ name: "x".repeat(n) }), label: `${(n / 1048576).toFixed(1)} MiB` })) },
    { weight: 10, arbitrary: fc.constant({ text: undefined, label: "no body" }) },
  );
}

/** A request for `op`: any role, odd path parameters and queries, bodies and content types. */
export function requestFor(op: Operation, ids: string[]): fc.Arbitrary<FuzzRequest> {
  const declared = op.bodyTypes.length ? fc.constantFrom(...op.bodyTypes) : fc.constant("application/json");
  return fc
    .record({
      role: fc.constantFrom<Role>("anonymous", "viewer", "admin"),
      params: fc.tuple(...op.pathParams.map((p) => pathParam(p, ids))),
      query: query(op),
      body: body(op),
      contentType: fc.oneof({ weight: 3, arbitrary: declared }, { weight: 1, arbitrary: fc.constantFrom(...ODD_TYPES) }, { weight: 1, arbitrary: fc.constant(undefined) }),
    })
    .map(({ role, params, query: q, body: b, contentType }) => {
      let i = 0;
      const path = op.path.replace(/\{[^}]+\}/g, () => params[i++]!);
      const hasBody = b.text !== undefined && op.method !== "GET";
      return {
        role,
        method: op.method,
        target: `${path}${q}`,
        contentType: hasBody ? contentType : undefined,
        body: hasBody ? b.text : undefined,
        label: `${role} ${op.method} ${op.path} (${hasBody ? `${b.label}, ${contentType ?? "no content type"}` : "no body"})`,
      };
    });
}

/**
 * Requests every run makes once, whatever the generator picks: the one route with a larger
 * body limit (an import), one byte past it.
 */
export function edgeRequests(ops: Operation[]): { op: Operation; req: FuzzRequest }[] {
  const importOp = ops.find((op) => op.method === "POST" && op.path === "/content/import");
  if (!importOp) return [];
  const size = CONTENT_IMPORT_MAX_BYTES + 1;
  return [
    {
      op: importOp,
      req: { role: "admin", method: "POST", target: "/content/import", contentType: "application/yaml", body: "#".repeat(size), label: `admin POST /content/import (${size} bytes of YAML, one past the limit)` },
    },
  ];
}
