import { StoreWriteError } from "@canopy/store";
import { describe, expect, it } from "vitest";
import { createIngestApp } from "./ingest-server.js";
import { silentLogger } from "../core/logger.js";

describe("loopback ingest when the agent's disk refuses the write", () => {
  it("answers 503 with the reason, so the sender knows nothing was stored and can send again", async () => {
    const erofs = Object.assign(new Error("EROFS: read-only file system, open '/data/state/insights.3.json.tmp'"), { code: "EROFS" });
    const app = createIngestApp({
      token: "t0ken",
      logger: silentLogger,
      ingest: () => Promise.reject(new StoreWriteError("/data/state/insights.3.json", erofs)),
    });
    const res = await app.request("/v1/insights", {
      method: "POST",
      headers: { authorization: "Bearer t0ken", "content-type": "application/x-ndjson" },
      body: `${JSON.stringify({ id: "a-1", title: "Suspicious logon", severity: "high" })}\n`,
    });
    expect(res.status).toBe(503);
    const body = (await res.json()) as { error: string };
    expect(body.error).toContain("read-only (EROFS)");
    expect(body.error).toContain("nothing was stored");
    expect(body.error).not.toContain("/data/state");
  });
});
