import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestHub, type TestHub } from "../../test/helpers.js";
import { API_DOCS_PATH } from "./api-docs.js";

const scriptSources = (html: string): string[] => [...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)].map((match) => match[1]!);

describe("the API docs page", () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await createTestHub();
  });
  afterAll(async () => {
    await t.hub.close();
  });

  it("is HTML for anyone, under its own policy: scripts from the hub only, no eval, nothing from another origin", async () => {
    const res = await t.hub.app.request(API_DOCS_PATH);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(res.headers.get("content-security-policy")).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self'; connect-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("cache-control")).toBe("no-store");

    const html = await res.text();
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script\b(?![^>]*\bsrc=)[^>]*>/); // no inline script
    expect(html).not.toMatch(/<style\b|\sstyle=/);
    expect(scriptSources(html)).toEqual([
      expect.stringMatching(/^\/api\/docs\/assets\/start\.[0-9a-f]{12}\.js$/),
      expect.stringMatching(/^\/api\/docs\/assets\/scalar-api-reference\.[0-9a-f]{12}\.js$/),
    ]);
  });

  it("serves Scalar's bundle as JavaScript, gzipped when asked, cached for good under a name that changes with it", async () => {
    const [, bundlePath] = scriptSources(await (await t.hub.app.request(API_DOCS_PATH)).text());
    const plain = await t.hub.app.request(bundlePath!);
    expect(plain.status).toBe(200);
    expect(plain.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(plain.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(plain.headers.get("content-encoding")).toBeNull();
    const source = await plain.text();
    expect(source).toContain("createApiReference");
    expect(source.length).toBeGreaterThan(1_000_000);

    const gzipped = await t.hub.app.request(bundlePath!, { headers: { "accept-encoding": "gzip, deflate, br" } });
    expect(gzipped.headers.get("content-encoding")).toBe("gzip");
    expect(gzipped.headers.get("vary")).toBe("Accept-Encoding");
    const zipped = new Uint8Array(await gzipped.arrayBuffer());
    expect(zipped.byteLength).toBeLessThan(source.length / 2);
    expect(gunzipSync(zipped).toString("utf8")).toBe(source);

    const etag = plain.headers.get("etag")!;
    expect(bundlePath).toContain(etag.replaceAll('"', ""));
    const revalidated = await t.hub.app.request(bundlePath!, { headers: { "if-none-match": etag } });
    expect(revalidated.status).toBe(304);
  });

  it("starts Scalar on the hub's own document, with its fonts, telemetry, AI chat and hosted client off", async () => {
    const [startPath] = scriptSources(await (await t.hub.app.request(API_DOCS_PATH)).text());
    const res = await t.hub.app.request(startPath!);
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const start = await res.text();
    expect(start).toContain("jitless: true");
    const configuration = JSON.parse(/createApiReference\("#api-docs", (\{.*\})\);/.exec(start)![1]!) as Record<string, unknown>;
    expect(configuration).toMatchObject({
      url: "/api/v1/openapi.json",
      withDefaultFonts: false,
      telemetry: false,
      showDeveloperTools: "never",
      agent: { disabled: true },
      hideClientButton: true,
    });
    expect((await t.hub.app.request("/api/v1/openapi.json")).status).toBe(200);
  });

  it("an unknown asset is a problem+json 404 with the API's headers, not cached", async () => {
    for (const path of [`${API_DOCS_PATH}/assets/scalar-api-reference.000000000000.js`, `${API_DOCS_PATH}/other`]) {
      const res = await t.hub.app.request(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get("content-type"), path).toMatch(/problem\+json/);
      expect(res.headers.get("content-security-policy"), path).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(res.headers.get("cache-control"), path).toBe("no-store");
    }
  });
});
