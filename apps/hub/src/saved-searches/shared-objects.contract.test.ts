import { SAVED_SEARCHES_PER_USER_MAX } from "@canopy/api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openHubData, type HubDataHarness, type HubDataKind } from "../../test/hub-data-harness.js";
import { manualClock } from "../../test/helpers.js";
import { Dashboards } from "../dashboards/dashboards.js";
import { SavedSearches } from "./saved-searches.js";

const maker = (ownerId: string, orgId: string) => ({ ownerId, ownerLabel: `${ownerId}@example.com`, orgId });

describe.each<HubDataKind>(["embedded", "postgres"])("shared objects (%s)", (kind) => {
  let clock: ReturnType<typeof manualClock>;
  let h: HubDataHarness;
  beforeEach(async () => {
    clock = manualClock();
    h = await openHubData(kind, clock);
  });
  afterEach(() => h.close());

  it("keeps each owner's saved searches, lists an organization's shared ones only, and caps them", async () => {
    const searches = new SavedSearches(clock);
    const save = (ownerId: string, orgId: string, name: string, shared: boolean) =>
      h.data.write((tx) => searches.create(tx.savedSearches, maker(ownerId, orgId), { name, query: "severity=high", shared }));
    const mine = await save("usr_a", "ten_a", "A's own", false);
    clock.advance(1);
    const aShared = await save("usr_a", "ten_a", "A's shared", true);
    clock.advance(1);
    const bShared = await save("usr_b", "ten_b", "B's shared", true);
    clock.advance(1);
    await save("usr_c", "ten_c", "C's shared", true);

    expect((await h.data.savedSearches.list("usr_a")).map((s) => s.name)).toEqual(["A's own", "A's shared"]);
    expect(await h.data.savedSearches.get(mine.id)).toEqual(mine);
    expect((await h.data.savedSearches.listShared(["ten_a", "ten_b"], 10)).map((s) => s.id)).toEqual([aShared.id, bShared.id]);
    expect((await h.data.savedSearches.listShared(["ten_a", "ten_b"], 1)).map((s) => s.id)).toEqual([aShared.id]);
    expect(await h.data.savedSearches.listShared([], 10)).toEqual([]);

    // Unsharing takes it off the organization's list; someone else cannot change or delete it.
    await h.data.write((tx) => searches.replace(tx.savedSearches, "usr_b", bShared.id, { name: "B's, private now", query: "status=new", shared: false }));
    expect((await h.data.savedSearches.listShared(["ten_b"], 10)).map((s) => s.id)).toEqual([]);
    expect(await h.data.savedSearches.get(bShared.id)).toMatchObject({ name: "B's, private now", query: "status=new", shared: false });
    await expect(h.data.write((tx) => searches.remove(tx.savedSearches, "usr_a", bShared.id))).rejects.toMatchObject({ status: 404 });
    await expect(h.data.write((tx) => searches.replace(tx.savedSearches, "usr_a", bShared.id, { name: "x", query: "", shared: true }))).rejects.toMatchObject({ status: 404 });
    expect(await h.data.savedSearches.get(bShared.id)).toMatchObject({ name: "B's, private now" });

    for (let i = 2; i < SAVED_SEARCHES_PER_USER_MAX; i++) {
      clock.advance(1);
      await save("usr_a", "ten_a", `A${i}`, false);
    }
    await expect(save("usr_a", "ten_a", "one too many", false)).rejects.toMatchObject({ status: 409, code: "saved_search_limit" });
    expect(await h.data.write((tx) => tx.savedSearches.deleteAllOf("usr_a"))).toBe(SAVED_SEARCHES_PER_USER_MAX);
    expect(await h.data.savedSearches.listShared(["ten_a"], 10)).toEqual([]);
    expect(await h.data.write((tx) => searches.remove(tx.savedSearches, "usr_b", bShared.id))).toMatchObject({ id: bShared.id });
    expect(await h.data.savedSearches.get(bShared.id)).toBeUndefined();
  });

  it("lists an organization's shared dashboards, not its unshared ones nor other organizations'", async () => {
    const dashboards = new Dashboards(clock);
    const make = (ownerId: string, orgId: string, name: string, shared: boolean) =>
      h.data.write((tx) => dashboards.create(tx.dashboards, maker(ownerId, orgId), { name, widgets: [], shared }));
    const aShared = await make("usr_a", "ten_a", "A's shared", true);
    clock.advance(1);
    await make("usr_a", "ten_a", "A's own", false);
    clock.advance(1);
    await make("usr_b", "ten_b", "B's shared", true);
    expect((await h.data.dashboards.listShared(["ten_a"], 10)).map((d) => d.name)).toEqual(["A's shared"]);
    expect((await h.data.dashboards.listShared(["ten_a", "ten_b"], 10)).map((d) => d.name)).toEqual(["A's shared", "B's shared"]);

    // Sharing is changed by saving; without `shared` it stays as it was.
    await h.data.write((tx) => dashboards.replace(tx.dashboards, maker("usr_a", "ten_a"), aShared.id, { name: "renamed", widgets: [] }));
    expect((await h.data.dashboards.listShared(["ten_a"], 10)).map((d) => d.name)).toEqual(["renamed"]);
    await h.data.write((tx) => dashboards.replace(tx.dashboards, maker("usr_a", "ten_a"), aShared.id, { name: "renamed", widgets: [], shared: false }));
    expect(await h.data.dashboards.listShared(["ten_a"], 10)).toEqual([]);
    expect(await h.data.dashboards.get(aShared.id)).toMatchObject({ shared: false, orgId: "ten_a", ownerLabel: "usr_a@example.com" });
  });

  it("a dashboard an older version made is unshared, and takes the organization it is next saved in", async () => {
    const dashboards = new Dashboards(clock);
    const old = { id: "dsh_old", ownerId: "usr_a", name: "From before", widgets: [], createdAt: "2029-01-01T00:00:00.000Z", updatedAt: "2029-01-01T00:00:00.000Z" };
    await h.data.write((tx) => tx.dashboards.insert(old));
    expect(await h.data.dashboards.listShared(["ten_a", "org_root"], 10)).toEqual([]);
    await h.data.write((tx) => dashboards.replace(tx.dashboards, maker("usr_a", "ten_a"), old.id, { name: "From before", widgets: [], shared: true }));
    expect((await h.data.dashboards.listShared(["ten_a"], 10)).map((d) => [d.id, d.orgId, d.ownerLabel])).toEqual([[old.id, "ten_a", "usr_a@example.com"]]);
  });
});
