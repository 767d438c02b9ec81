import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FakeHub } from "../../test/fake-hub.js";
import { manyInsights, sourceInsight } from "../../test/insights.js";
import { startIngestAgent } from "../../test/ingest-agent.js";
import { INGEST_LIMITS } from "./ingest-server.js";
import { listInsights } from "../cli/local-data.js";
import type { Agent } from "../core/types.js";

const ndjson = (lines: unknown[]) => `${lines.map((line) => (typeof line === "string" ? line : JSON.stringify(line))).join("\n")}\n`;
const MiB = 1024 * 1024;

describe("loopback ingest endpoint: bounded work for any body", () => {
  let hub: FakeHub;
  let dataDir: string;
  let cleanup: () => Promise<void>;
  let agent: Agent;
  let url: string;
  let token: string;

  beforeEach(async () => {
    ({ hub, dataDir, cleanup, agent, url, token } = await startIngestAgent());
  });

  afterEach(async () => {
    await agent.stop();
    await hub.close();
    await cleanup();
  });

  async function post(body: string | ReadableStream<Uint8Array>, contentType = "application/x-ndjson") {
    const init: RequestInit & { duplex?: "half" } = { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": contentType }, body };
    if (body instanceof ReadableStream) init.duplex = "half";
    const response = await fetch(url, init);
    const text = await response.text();
    return { status: response.status, bytes: Buffer.byteLength(text), body: JSON.parse(text) as Record<string, unknown> };
  }

  it("refuses 4 MiB of `{}` lines at once with one clear line, storing nothing", async () => {
    // Once 30 s, 1.8 GB of agent memory and a 115 MB answer listing every line.
    const answer = await post("{}\n".repeat((4 * MiB) / 3));
    expect(answer.status).toBe(413);
    expect(answer.body).toEqual({ error: "more than 50000 insights in one request; send at most 50000 per request" });
    expect(await listInsights({ dataDir })).toEqual([]);
  }, 30_000);

  it("lists the first 100 failures with their line numbers and counts the rest", async () => {
    const answer = await post("{}\n".repeat(20_000));
    expect(answer.status).toBe(422);
    expect(answer.body.failedCount).toBe(20_000);
    expect(answer.body.failed).toEqual(Array.from({ length: 100 }, (_, index) => ({ index, error: "id: required, a string" })));
    expect(answer.bytes).toBeLessThan(8 * 1024);
  });

  it("keeps the good insights among bad lines of every kind, the failures in line order", async () => {
    const good = manyInsights(300);
    const lines: unknown[] = [];
    good.forEach((insight, i) => {
      lines.push(insight);
      if (i % 2 === 0) lines.push(i % 4 === 0 ? "{nope" : { id: `bad-${i}`, title: "no severity" });
    });
    const answer = await post(ndjson(lines));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ accepted: 300, created: 300, failedCount: 150 });
    const failed = answer.body.failed as { index: number; error: string }[];
    expect(failed).toHaveLength(100);
    // Line 1 holds the first bad line (not JSON), line 4 the second (no severity: found by the store), …
    expect(failed.slice(0, 2)).toEqual([
      { index: 1, error: "not valid JSON" },
      { index: 4, error: expect.stringMatching(/^severity: /) },
    ]);
    expect(failed.map((f) => f.index)).toEqual(Array.from({ length: 100 }, (_, k) => 1 + 3 * k));
    expect(await listInsights({ dataDir })).toHaveLength(300);
  });

  it("takes NDJSON past the bound of a JSON array, refuses such an array, and refuses an over-long line alone", async () => {
    // ~6 MiB: more than a JSON array may hold, read line by line.
    const big = manyInsights(1500, "big", { description: "d".repeat(4000) });
    const lines = await post(ndjson([...big.slice(0, 700), `{"id":"huge","pad":"${"x".repeat(INGEST_LIMITS.maxLineBytes)}"}`, ...big.slice(700)]));
    expect(lines.status).toBe(200);
    expect(lines.body).toMatchObject({ accepted: 1500, failedCount: 1, failed: [{ index: 700, error: expect.stringMatching(/^line longer than 1114112 bytes \(\d+ bytes\)$/) }] });

    const array = await post(JSON.stringify(big), "application/json");
    expect(array.status).toBe(413);
    expect(array.body).toEqual({ error: "a JSON array body is limited to 4 MiB; send more as NDJSON (one insight per line)" });
  }, 30_000);

  it("stops reading a body sent without a length once it passes 16 MiB", async () => {
    const line = `${JSON.stringify(sourceInsight("same", { description: "d".repeat(2000) }))}\n`;
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        // Endless: only the agent's limit ends this request.
        const chunk = Buffer.from(line.repeat(100));
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const answer = await post(stream);
    expect(answer.status).toBe(413);
    expect(answer.body).toEqual({ error: "body larger than 16777216 bytes; send fewer insights per request" });
    expect(await listInsights({ dataDir })).toEqual([]);
    expect(sent).toBeGreaterThan(16 * MiB);
  }, 30_000);
});
