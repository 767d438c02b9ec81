import { readFile, stat, writeFile } from "node:fs/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDataDir } from "../../test/seed.js";
import { maskUrl, parseHeaders, readAdapterConfig, redactAdapterConfig, writeAdapterConfig } from "./adapter-config.js";
import { agentPaths, type AgentPaths } from "../core/paths.js";

describe("adapter settings", () => {
  let paths: AgentPaths;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    const temp = await tempDataDir();
    paths = agentPaths(temp.dir);
    cleanup = temp.cleanup;
  });
  afterEach(() => cleanup());

  it("defaults to the filesystem and round-trips a webhook through adapter.json (0600)", async () => {
    expect(await readAdapterConfig(paths)).toEqual({ type: "filesystem" });
    await writeAdapterConfig(paths, { type: "webhook", url: "https://soar.example.com/hook", headers: { "X-Key": "k" } });
    expect(await readAdapterConfig(paths)).toEqual({ type: "webhook", url: "https://soar.example.com/hook", headers: { "X-Key": "k" } });
    expect((await stat(paths.adapterFile)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(paths.adapterFile, "utf8"))).toMatchObject({ type: "webhook" });
  });

  it("refuses a damaged file with a one-line error", async () => {
    await writeFile(paths.adapterFile, "{not json");
    await expect(readAdapterConfig(paths)).rejects.toThrow(/adapter\.json is damaged; set the adapter again/);
    await writeFile(paths.adapterFile, JSON.stringify({ type: "webhook", url: "ftp://x" }));
    await expect(readAdapterConfig(paths)).rejects.toThrow(/damaged/);
  });

  it("parses --header values and refuses malformed ones", () => {
    expect(parseHeaders(["Authorization: Bearer abc", "X-Empty:", "X-Colon: a:b"])).toEqual({ Authorization: "Bearer abc", "X-Empty": "", "X-Colon": "a:b" });
    expect(() => parseHeaders(["no colon"])).toThrow(/--header must look like "Name: value"/);
    expect(() => parseHeaders([": value"])).toThrow(/--header must look like/);
    expect(() => parseHeaders(["Bad Name: v"])).toThrow(/--header must look like/);
  });

  it("masks secret-looking header values and URL parts, keeps the rest readable", () => {
    const shown = redactAdapterConfig({
      type: "webhook",
      url: "https://user:hunter2@soar.example.com/hook?token=abc&tenant=acme",
      headers: { Authorization: "Bearer abc", "X-Api-Key": "short", "X-Tenant": "acme", "X-Custom": "9f8e7d6c5b4a39281716", "Content-Language": "en" },
    });
    expect(shown).toEqual({
      type: "webhook",
      url: "https://user:********@soar.example.com/hook?token=********&tenant=acme",
      headers: { Authorization: "********", "X-Api-Key": "********", "X-Tenant": "acme", "X-Custom": "********", "Content-Language": "en" },
    });
    expect(maskUrl("http://127.0.0.1:8080/canopy")).toBe("http://127.0.0.1:8080/canopy");
  });
});
