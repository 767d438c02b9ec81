import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { login, createTestHub, type TestHub } from "../../../test/helpers.js";
import { makeInsight, seededRandom } from "../../../test/insight-fixtures.js";
import type { BuildPacing } from "../../insights/build-pacing.js";
import type { EmbeddedInsightRepository } from "../../insights/embedded-insight-repository.js";

describe("/healthz and GET /status while the insight index is built (issue 13, P6/P7)", () => {
  let t: TestHub;
  beforeEach(async () => {
    t = await createTestHub();
  });
  afterEach(() => t.hub.close());

  it("answer at once that the index is building, with its progress, while a list waits; then ready, and the list has everything", async () => {
    const services = await t.hub.services();
    const repository = services.insights.repository as EmbeddedInsightRepository;
    const admin = await login(t.hub);
    const tenant = (await admin.post<{ id: string }>("/tenants", { name: "Status Co" })).body.id;
    const random = seededRandom(11);
    await repository.store(tenant, Array.from({ length: 120 }, (_, n) => makeInsight(random, n)));
    await repository.durable();
    expect(await (await t.hub.app.request("/healthz")).json()).toMatchObject({ ok: true, insightIndex: { state: "ready" } });

    // A restart's build, held between two slices until the test lets it go on.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const pacing: BuildPacing = { sliceSize: 50, pause: () => held };
    const building = repository.book.load([tenant], pacing);
    const list = admin.get<{ total: number }>("/insights?limit=1");

    const status = async () => (await admin.get("/status")).body as { ok: boolean; insightIndex: Record<string, unknown> };
    await vi.waitFor(async () => expect((await status()).insightIndex).toMatchObject({ state: "building", shards: 16, insightsRead: 50 }), { timeout: 5000 });
    // The unauthenticated probe an orchestrator uses says the same.
    expect(await (await t.hub.app.request("/healthz")).json()).toEqual({ ok: true, insightIndex: (await status()).insightIndex });
    let listed = false;
    void list.then(() => (listed = true));
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(listed).toBe(false);

    release();
    expect(await building).toBe(120);
    expect((await list).body.total).toBe(120);
    expect((await status()).insightIndex).toEqual({ state: "ready", shards: 16, shardsRead: 16, insightsRead: 120, insightsIndexed: 120 });
  });
});
