import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestHub, type TestHub } from "../../test/helpers.js";
import { UI_NOT_BUILT } from "./static-ui.js";

describe("the web UI", () => {
  let root: string;
  let built: TestHub;
  let unbuilt: TestHub;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "canopy-web-"));
    await mkdir(join(root, "_app/immutable"), { recursive: true });
    await writeFile(join(root, "index.html"), "<!doctype html><title>Canopy</title>");
    await writeFile(join(root, "_app/immutable/app.abc.js"), "console.log('hi')");
    await writeFile(join(root, "favicon.svg"), "<svg/>");
    built = await createTestHub({ webRoot: root });
    unbuilt = await createTestHub({ webRoot: join(root, "missing") });
  });
  afterAll(async () => {
    await built.hub.close();
    await unbuilt.hub.close();
    await rm(root, { recursive: true, force: true });
  });

  it("serves index.html at / and assets with their type and caching", async () => {
    const index = await built.hub.app.request("/");
    expect(index.status).toBe(200);
    expect(index.headers.get("content-type")).toMatch(/text\/html/);
    expect(await index.text()).toContain("<title>Canopy</title>");
    expect(index.headers.get("cache-control")).toBe("no-cache");

    const asset = await built.hub.app.request("/_app/immutable/app.abc.js");
    expect(asset.headers.get("content-type")).toMatch(/javascript/);
    expect(asset.headers.get("cache-control")).toMatch(/immutable/);
    expect((await built.hub.app.request("/favicon.svg")).headers.get("content-type")).toBe("image/svg+xml");
  });

  it("falls back to index.html for client-side routes, but not for missing assets or API paths", async () => {
    const deepLink = await built.hub.app.request("/tenants/tnt_abc/connect");
    expect(deepLink.status).toBe(200);
    expect(await deepLink.text()).toContain("<title>Canopy</title>");

    expect((await built.hub.app.request("/_app/immutable/missing.js")).status).toBe(404);
    const api = await built.hub.app.request("/api/v1/nope", { headers: { authorization: "Bearer x" } });
    expect(api.status).toBe(401);
    expect(api.headers.get("content-type")).toMatch(/problem\+json/);
    const agentPath = await built.hub.app.request("/agent/v1/other");
    expect(agentPath.status).toBe(404);
    expect(agentPath.headers.get("content-type")).toMatch(/problem\+json/);
  });

  it("never serves files outside the build folder", async () => {
    for (const path of ["/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc%2fpasswd"]) {
      const res = await built.hub.app.request(path);
      const body = await res.text();
      expect(body).not.toContain("root:");
    }
  });

  it("says plainly that the UI is not built when the build folder is missing", async () => {
    const res = await unbuilt.hub.app.request("/");
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(UI_NOT_BUILT);
    expect((await unbuilt.hub.app.request("/healthz")).status).toBe(200);
    expect(await (await unbuilt.hub.app.request("/healthz")).json()).toMatchObject({ ok: true, insightIndex: { state: "ready" } });
  });
});
