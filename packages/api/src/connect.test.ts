import { OpenAPIHono, createRoute } from "@hono/zod-openapi";
import { SystemInfo as WireSystemInfo } from "@canopy/protocol";
import { describe, expect, expectTypeOf, it } from "vitest";
import { ConnectResultSchema, SystemInfoSchema, systemInfoJson, type SystemInfo } from "./connect.js";

/** What JSON.stringify makes of a value: every Date becomes an ISO string. */
type Jsonified<T> = T extends Date
  ? string
  : T extends readonly (infer U)[]
    ? Jsonified<U>[]
    : T extends object
      ? { [K in keyof T]: Jsonified<T[K]> }
      : T;

const wire: WireSystemInfo = WireSystemInfo.parse({
  hostname: "edge-01",
  platform: "linux",
  arch: "x64",
  osRelease: "6.1.0",
  agentVersion: "1.2.3",
  nodeVersion: "v20.20.0",
  pid: 4242,
  startedAt: new Date("2030-01-01T00:00:00Z"),
  uptimeSec: 12.5,
  connectedSince: new Date("2030-01-01T00:00:05Z"),
  memoryRssBytes: 52_428_800,
  holds: {
    content: [{ kind: "playbook", name: "Isolate host", revision: 3, hash: `sha256:${"ab".repeat(32)}` }],
    insights: { count: 7 },
  },
});

describe("SystemInfo over HTTP", () => {
  it("is the wire SystemInfo as JSON: dates become ISO strings, nothing else changes", () => {
    expectTypeOf<SystemInfo>().toEqualTypeOf<Jsonified<WireSystemInfo>>();
    const json: unknown = JSON.parse(JSON.stringify(wire));
    expect(systemInfoJson(wire)).toEqual(json);
    expect(SystemInfoSchema.parse(json)).toEqual(json);
    expect(systemInfoJson({ ...wire, connectedSince: null }).connectedSince).toBeNull();
  });

  it("refuses the wire shape with Date objects, so a missed conversion cannot pass as valid", () => {
    expect(SystemInfoSchema.safeParse(wire).success).toBe(false);
  });

  it("documents the dates as date-time strings in the OpenAPI document", () => {
    const app = new OpenAPIHono();
    app.openapi(
      createRoute({
        method: "get",
        path: "/connect",
        responses: { 200: { description: "ok", content: { "application/json": { schema: ConnectResultSchema } } } },
      }),
      (c) => c.json({ tenantId: "tnt_1", fetchedAt: "2030-01-01T00:00:06.000Z", info: systemInfoJson(wire) }, 200),
    );
    const doc = app.getOpenAPI31Document({ openapi: "3.1.0", info: { title: "t", version: "0" } });
    const schema = doc.components?.schemas?.SystemInfo as { properties: Record<string, unknown>; required: string[] };
    expect(schema.properties.startedAt).toEqual({ type: "string", format: "date-time" });
    expect(schema.properties.connectedSince).toEqual({ type: ["string", "null"], format: "date-time" });
    expect(schema.required).toContain("holds");
  });
});
