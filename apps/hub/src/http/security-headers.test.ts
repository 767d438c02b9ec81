import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sharedData } from "@canopy/shared-data";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Caller} from "../../test/helpers.js";
import { createTestHub, login, type TestHub } from "../../test/helpers.js";

const BOOTSTRAP = "\n\t\t\t\t{\n\t\t\t\t\t__sveltekit_x = { base: \"\" };\n\t\t\t\t}\n\t\t\t";
const SHELL =
  `<!doctype html><html><head><script type="module" src="/_app/immutable/entry.js"></script></head>` +
  `<body><div style="display: contents">\r\n<script>${BOOTSTRAP}</script></div></body></html>`;
// A compiled Svelte template with a static style attribute (SvelteKit's route announcer is one).
const ANNOUNCER_STYLE = "position: absolute; left: 0; clip: rect(0 0 0 0); width: 1px; height: 1px";
const BUNDLE = `var t = H('<div id="svelte-announcer" aria-live="assertive" style="${ANNOUNCER_STYLE}"><!></div>');`;

const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;

/** What every answer carries, whatever it is. */
function expectSharedHeaders(res: Response, what: string): void {
  const headers = Object.fromEntries(res.headers);
  expect({ what, headers }).toMatchObject({
    what,
    headers: {
      "x-content-type-options": "nosniff",
      "x-frame-options": "DENY",
      "referrer-policy": "no-referrer",
      "cross-origin-opener-policy": "same-origin",
      "cross-origin-resource-policy": "same-origin",
    },
  });
  expect(res.headers.get("content-security-policy"), what).toMatch(/frame-ancestors 'none'/);
  expect(res.headers.get("strict-transport-security"), what).toBeNull();
}

/** API answers: nothing loads, nothing frames them, nothing caches them. */
function expectApiHeaders(res: Response, what: string): void {
  expectSharedHeaders(res, what);
  expect({ what, csp: res.headers.get("content-security-policy"), cache: res.headers.get("cache-control") }).toEqual({
    what,
    csp: "default-src 'none'; frame-ancestors 'none'",
    cache: "no-store",
  });
}

describe("security headers on every answer", () => {
  let root: string;
  let t: TestHub;
  let admin: Caller;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "canopy-headers-"));
    await mkdir(join(root, "_app/immutable"), { recursive: true });
    await writeFile(join(root, "index.html"), SHELL);
    await writeFile(join(root, "_app/immutable/entry.js"), "export {}");
    await mkdir(join(root, "_app/immutable/chunks"), { recursive: true });
    await writeFile(join(root, "_app/immutable/chunks/root.js"), BUNDLE);
    t = await createTestHub({ webRoot: root });
    admin = await login(t.hub);
  });
  afterAll(async () => {
    await t.hub.close();
    await rm(root, { recursive: true, force: true });
  });

  it("UI pages: a policy that allows only the build's own inline script and style attributes, no unsafe-inline, no framing", async () => {
    for (const path of ["/", "/nodes", "/dashboards/dsh_1", "/index.html"]) {
      const res = await t.hub.app.request(path);
      expect(res.status).toBe(200);
      expectSharedHeaders(res, path);
      const csp = res.headers.get("content-security-policy")!;
      // The browser hashes the script's text with CR LF already turned into LF.
      const styleHashes = [sha256("display: contents"), sha256(ANNOUNCER_STYLE)].sort().join(" ");
      expect(csp).toBe(
        `default-src 'self'; script-src 'self' ${sha256(BOOTSTRAP)}; style-src 'self'; style-src-attr 'unsafe-hashes' ${styleHashes}; ` +
          "img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
      );
      expect(csp).not.toContain("unsafe-inline");
      expect(res.headers.get("cache-control")).toBe("no-cache");
    }
    const asset = await t.hub.app.request("/_app/immutable/entry.js");
    expectSharedHeaders(asset, "asset");
    expect(asset.headers.get("cache-control")).toMatch(/immutable/);
  });

  it("API answers of every kind, /healthz and agent paths: default-src 'none', no-store, nosniff, DENY", async () => {
    const tenant = (await admin.post("/tenants", { name: "Acme" })).body;
    const playbook = await admin.post("/content/playbooks", JSON.parse(readFileSync(sharedData("cacao", "examples", "http-playbook.json"), "utf8")));
    expect(playbook.status).toBe(201);
    const dashboard = (await admin.get("/dashboards")).body.items[0];
    const cookie = { cookie: admin.auth.cookie! };
    const answers: [string, Response | Promise<Response>][] = [
      ["GET /healthz", t.hub.app.request("/healthz")],
      ["GET /api/v1/openapi.json", t.hub.app.request("/api/v1/openapi.json")],
      ["GET /api/v1/tenants (JSON)", t.hub.app.request("/api/v1/tenants", { headers: cookie })],
      ["GET /api/v1/tenants/:id (JSON)", t.hub.app.request(`/api/v1/tenants/${tenant.id}`, { headers: cookie })],
      ["GET /api/v1/me (401 problem)", t.hub.app.request("/api/v1/me")],
      ["GET /api/v1/nope (404 problem)", t.hub.app.request("/api/v1/nope", { headers: cookie })],
      ["POST /api/v1/tenants (422 problem)", t.hub.app.request("/api/v1/tenants", { method: "POST", headers: { ...cookie, "content-type": "application/json" }, body: "{}" })],
      ["GET /agent/v1/other (404 problem)", t.hub.app.request("/agent/v1/other")],
      ["GET /missing.js (404 problem)", t.hub.app.request("/missing.js")],
      ["GET playbook export (download)", t.hub.app.request(`/api/v1/content/playbooks/${playbook.body.id}/export`, { headers: cookie })],
      ["GET dashboard export (download)", t.hub.app.request(`/api/v1/dashboards/${dashboard.id}/export.xlsx`, { headers: cookie })],
      ["GET /api/v1/events (SSE)", t.hub.app.request("/api/v1/events", { headers: cookie })],
    ];
    for (const [what, pending] of answers) {
      const res = await pending;
      expectApiHeaders(res, what);
      await res.body?.cancel();
    }
  });

  it("the page for an unbuilt UI has the UI's headers too", async () => {
    const unbuilt = await createTestHub({ webRoot: join(root, "missing") });
    try {
      const res = await unbuilt.hub.app.request("/");
      expectSharedHeaders(res, "unbuilt /");
      expect(res.headers.get("content-security-policy")).toContain("script-src 'self';");
    } finally {
      await unbuilt.hub.close();
    }
  });
});
