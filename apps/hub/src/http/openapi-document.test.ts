import { createConfig, lintFromString } from "@redocly/openapi-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Caller, createTestHub, type TestHub } from "../../test/helpers.js";

interface Answer {
  content?: Record<string, { schema?: { $ref?: string } }>;
}
interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: unknown[];
  requestBody?: { content?: Record<string, unknown> };
  responses: Record<string, Answer>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
}

/**
 * Operation ids SDK generators have named methods after: renaming one breaks every client made
 * from an earlier document. New operations need not be added here (the checks below hold them to
 * having an id); a rename or a removal must be deliberate, and edits this list.
 */
const STABLE_IDS: Record<string, string> = {
  "POST /auth/login": "login",
  "POST /auth/logout": "logout",
  "GET /me": "getMe",
  "POST /agent/pair": "pairAgent",
  "POST /api-keys": "createApiKey",
  "GET /api-keys": "listApiKeys",
  "DELETE /api-keys/{id}": "deleteApiKey",
  "GET /tenants": "listTenants",
  "POST /tenants": "createTenant",
  "GET /tenants/{id}": "getTenant",
  "PATCH /tenants/{id}": "updateTenant",
  "DELETE /tenants/{id}": "deleteTenant",
  "POST /tenants/{id}/pairing-codes": "createPairingCode",
  "POST /tenants/{id}/ping": "pingTenant",
  "POST /tenants/{id}/unpair": "unpairTenant",
  "GET /tenants/{id}/connect": "getTenantSystemInfo",
  "GET /tenants/{id}/insights/{localId}": "getTenantInsight",
  "GET /events": "streamEvents",
  "GET /audit": "listAudit",
  "GET /content/{kind}": "listContent",
  "POST /content/{kind}": "createContent",
  "GET /content/{kind}/{id}": "getContent",
  "PUT /content/{kind}/{id}": "replaceContent",
  "DELETE /content/{kind}/{id}": "deleteContent",
  "GET /content/{kind}/{id}/revisions": "listContentRevisions",
  "POST /content/{kind}/{id}/rollback": "rollbackContent",
  "GET /content/playbooks/{id}/export": "exportPlaybook",
  "POST /content/import": "importContent",
  "POST /pushes": "createPush",
  "GET /pushes": "listPushes",
  "GET /pushes/{id}": "getPush",
  "POST /pushes/{id}/retry": "retryPush",
  "POST /pushes/{id}/stop": "stopPush",
  "GET /pushes/{id}/events": "streamPushEvents",
  "GET /insights": "listInsights",
  "GET /insights/{id}": "getInsight",
  "PATCH /insights/{id}": "updateInsight",
  "POST /insights/bulk": "bulkUpdateInsights",
  "GET /dashboards": "listDashboards",
  "POST /dashboards": "createDashboard",
  "GET /dashboards/{id}": "getDashboard",
  "PUT /dashboards/{id}": "replaceDashboard",
  "DELETE /dashboards/{id}": "deleteDashboard",
  "GET /dashboards/{id}/data": "getDashboardData",
  "GET /dashboards/{id}/widgets/{widgetId}/data": "getWidgetData",
  "POST /dashboards/preview": "previewWidget",
  "GET /dashboards/{id}/export.xlsx": "exportDashboardXlsx",
  "GET /dashboards/{id}/export.pdf": "exportDashboardPdf",
};

function operationsOf(doc: Document) {
  return Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op })));
}

describe("the OpenAPI document, as SDK generators read it", () => {
  let t: TestHub;
  let text: string;
  let doc: Document;
  beforeAll(async () => {
    t = await createTestHub();
    const res = await new Caller(t.hub).get("/openapi.json");
    expect(res.status).toBe(200);
    doc = res.body as Document;
    text = JSON.stringify(res.body);
  });
  afterAll(() => t.hub.close());

  it("gives every operation a unique lowerCamelCase operationId, a summary and tags", () => {
    const operations = operationsOf(doc);
    expect(operations.length).toBeGreaterThanOrEqual(Object.keys(STABLE_IDS).length);
    const lacking = operations.filter(({ op }) => !/^[a-z][a-zA-Z0-9]*$/.test(op.operationId ?? "") || !op.summary?.trim() || !op.tags?.length);
    expect(lacking.map(({ route }) => route)).toEqual([]);
    const ids = operations.map(({ op }) => op.operationId);
    expect(ids.filter((id, index) => ids.indexOf(id) !== index)).toEqual([]);
  });

  it("keeps the operationIds clients were generated with", () => {
    const now = Object.fromEntries(operationsOf(doc).map(({ route, op }) => [route, op.operationId]));
    expect(Object.fromEntries(Object.keys(STABLE_IDS).map((route) => [route, now[route]]))).toEqual(STABLE_IDS);
  });

  it("lists error answers as problem+json: at least one 4xx everywhere, 401 and 403 on every authenticated operation", () => {
    const operations = operationsOf(doc);
    expect(operations.filter(({ op }) => !Object.keys(op.responses).some((status) => status.startsWith("4"))).map(({ route }) => route)).toEqual([]);
    const authenticated = operations.filter(({ op }) => op.security?.length !== 0);
    expect(authenticated.length).toBeGreaterThanOrEqual(40);
    expect(authenticated.filter(({ op }) => !op.responses["401"] || !op.responses["403"]).map(({ route }) => route)).toEqual([]);
    const notProblems = operations.flatMap(({ route, op }) =>
      Object.entries(op.responses)
        .filter(([status, answer]) => Number(status) >= 400 && answer.content?.["application/problem+json"]?.schema?.$ref !== "#/components/schemas/Problem")
        .map(([status]) => `${route} ${status}`),
    );
    expect(notProblems).toEqual([]);
  });

  it("lists what the middleware answers: 401 to a bad key even on public routes, 403 cross-site on writes, 400/413/422 on input", () => {
    const missing = operationsOf(doc).flatMap(({ route, op }) => {
      const bodyTypes = Object.keys(op.requestBody?.content ?? {});
      const expected = [
        "401",
        ...(route.startsWith("GET ") ? [] : ["403", "503"]),
        ...(bodyTypes.length > 0 || (op.parameters?.length ?? 0) > 0 ? ["422"] : []),
        ...(bodyTypes.includes("application/json") ? ["400"] : []),
        ...(bodyTypes.length > 0 ? ["413"] : []),
      ];
      return expected.filter((status) => !op.responses[status]).map((status) => `${route} ${status}`);
    });
    expect(missing).toEqual([]);
  });

  it("passes Redocly's recommended lint without an error", async () => {
    const config = await createConfig({ extends: ["recommended"] });
    const problems = await lintFromString({ source: text, absoluteRef: "openapi.json", config });
    const summary = problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} (${p.location[0]?.pointer ?? ""})`);
    expect(summary.filter((line) => line.startsWith("error"))).toEqual([]);
    // The one accepted warning: Canopy is private and has no license to name, and inventing one
    // in the document would be worse than its absence. Any other warning fails here.
    expect(summary.filter((line) => !line.startsWith("error"))).toEqual(["warn info-license: Info object should contain `license` field. (#/info)"]);
  });
});
