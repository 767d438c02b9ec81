import { MAX_MANIFEST_ITEMS, MANIFEST_ITEMS_PER_PART, type ManifestEntry } from "@canopy/protocol";
import { describe, expect, it } from "vitest";
import { FakeContentAgent, PushWorld } from "../../test/push-kit.js";
import { ManifestParts } from "./manifest-parts.js";

const entry = (n: number): ManifestEntry => ({ kind: "custom-field", name: `Field ${n}`, revision: 1, hash: `sha256:${n.toString(16).padStart(64, "0")}`, pushId: null, drifted: false });
const entries = (from: number, count: number) => Array.from({ length: count }, (_, n) => entry(from + n));
const part = (items: ManifestEntry[], index: number, final: boolean) => ({ type: "content.manifest" as const, items, part: index, final });

describe("ManifestParts", () => {
  it("gathers numbered parts into one manifest, complete at the final part", () => {
    const parts = new ManifestParts();
    expect(parts.add(part(entries(0, 3), 0, false))).toEqual({ type: "partial" });
    expect(parts.add(part(entries(3, 3), 1, false))).toEqual({ type: "partial" });
    expect(parts.gathered).toBe(6);
    expect(parts.add(part(entries(6, 1), 2, true))).toEqual({ type: "complete", items: entries(0, 7) });
    expect(parts.gathered).toBe(0);
  });

  it("takes a manifest of one frame without part numbers (agents of earlier versions)", () => {
    expect(new ManifestParts().add({ type: "content.manifest", items: entries(0, 2) })).toEqual({ type: "complete", items: entries(0, 2) });
  });

  it("refuses a part out of order and drops what was gathered; a part 0 starts over", () => {
    const parts = new ManifestParts();
    parts.add(part(entries(0, 2), 0, false));
    expect(parts.add(part(entries(2, 2), 2, true))).toEqual({ type: "refused", reason: "manifest part 2 arrived where part 1 was expected" });
    expect(parts.gathered).toBe(0);
    parts.add(part(entries(0, 2), 0, false));
    expect(parts.add(part(entries(9, 1), 0, true))).toEqual({ type: "complete", items: [entry(9)] });
  });

  it("refuses a manifest over the bound, whatever the parts say", () => {
    const parts = new ManifestParts(5);
    parts.add(part(entries(0, 3), 0, false));
    expect(parts.add(part(entries(3, 3), 1, true))).toEqual({ type: "refused", reason: "the manifest holds more than 5 items" });
    expect(parts.gathered).toBe(0);
  });
});

describe("reconciler: a manifest in parts", () => {
  const ref = (id: string) => ({ kind: "custom-fields" as const, id });

  /** A tenant whose agent held `Kept` and was told of a push of `Later` while offline. */
  async function offlineWithPush() {
    const world = new PushWorld({ reconciler: { manifestWaitMs: 60_000 } });
    const agent = new FakeContentAgent(world, world.tenant("Acme"));
    agent.connect();
    const kept = await world.field("Kept");
    await world.engine.push({ items: [ref(kept.id)], targets: { all: true } }, "ops@x");
    await world.settle();
    agent.disconnect();
    const later = await world.field("Later");
    const push = await world.engine.push({ items: [ref(later.id)], targets: { all: true } }, "ops@x");
    return { world, agent, push };
  }

  it("replaces the reported state and starts delivery only once the final part arrived", async () => {
    const { world, agent, push } = await offlineWithPush();
    const held = agent.manifest();
    agent.welcome();
    const port = world.engine.reconciler;
    await port.manifest(agent, part([...held, ...entries(0, 2)], 0, false));
    await world.settle();
    expect(agent.received.filter((b) => b.pushId === push.id)).toEqual([]);
    expect(await world.reported(agent.tenantId, "custom-field:Field 0")).toBeUndefined();

    await port.manifest(agent, part(entries(2, 1), 1, true));
    await world.settle();
    expect(agent.held.has("custom-field:Later")).toBe(true);
    expect((await world.result(push.id, agent.tenantId, "custom-field:Later"))?.status).toBe("applied");
    expect(await world.reported(agent.tenantId, "custom-field:Field 2")).toMatchObject({ hash: entry(2).hash });
  });

  it("a connection dropped mid-manifest leaves the state reported before, and the next connection's manifest counts", async () => {
    const { world, agent, push } = await offlineWithPush();
    agent.welcome();
    // The first part leaves `Kept` out (it is in a later part that never comes).
    await world.engine.reconciler.manifest(agent, part(entries(0, 2), 0, false));
    agent.disconnect();
    await world.settle();
    expect(await world.reported(agent.tenantId, "custom-field:Kept")).toMatchObject({ hash: agent.held.get("custom-field:Kept")!.hash });
    expect(await world.reported(agent.tenantId, "custom-field:Field 0")).toBeUndefined();
    expect(agent.received.filter((b) => b.pushId === push.id)).toEqual([]);

    agent.connect(1);
    await world.settle();
    expect((await world.result(push.id, agent.tenantId, "custom-field:Later"))?.status).toBe("applied");
  });

  it(`refuses a manifest of more than ${MAX_MANIFEST_ITEMS} items: the state reported before stays`, async () => {
    const { world, agent, push } = await offlineWithPush();
    agent.welcome();
    const port = world.engine.reconciler;
    const parts = Math.ceil((MAX_MANIFEST_ITEMS + 1) / MANIFEST_ITEMS_PER_PART);
    for (let n = 0; n < parts; n++) await port.manifest(agent, part(entries(n * MANIFEST_ITEMS_PER_PART, MANIFEST_ITEMS_PER_PART), n, n === parts - 1));
    await world.settle();
    expect(await world.reported(agent.tenantId, "custom-field:Field 0")).toBeUndefined();
    expect(await world.reported(agent.tenantId, "custom-field:Kept")).toBeDefined();
    expect(agent.received.filter((b) => b.pushId === push.id)).toEqual([]);
  });
});
