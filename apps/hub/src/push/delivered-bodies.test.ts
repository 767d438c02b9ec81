import { canonicalHash } from "@canopy/content";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../test/helpers.js";
import type { RevisionRef } from "../content/content-repository.js";
import type { ContentRevisionRecord } from "../content/content-records.js";
import { DeliveredBodies } from "./delivered-bodies.js";
import type { DesiredEntry } from "./push-records.js";

const OPTIONS = { scheduledSearches: "include", scheduledReports: "include" } as const;

function revision(itemId: string, n: number, text: string): ContentRevisionRecord {
  const body = { name: `Field ${itemId}`, type: "text" as const, appliesTo: "incident" as const, description: text };
  return { id: `${itemId}:${n}`, itemId, kind: "custom-field", name: body.name, revision: n, hash: canonicalHash(body), body, savedAt: "", savedBy: "t" };
}

const entryOf = (held: ContentRevisionRecord): DesiredEntry => ({
  id: `custom-field:${held.name}`,
  kind: "custom-field",
  name: held.name,
  itemId: held.itemId,
  revision: held.revision,
  hash: held.hash,
  pushId: "psh_1",
  options: OPTIONS,
  dependsOn: [],
  previous: null,
});

/** Wake-ups counted, and awaited: `at(n)` resolves once there were n. */
function wakes() {
  let count = 0;
  const waiting: { n: number; resolve: () => void }[] = [];
  return {
    wake: () => {
      count++;
      for (const w of waiting.filter((w) => w.n <= count)) w.resolve();
    },
    at: (n: number) => new Promise<void>((resolve) => (count >= n ? resolve() : waiting.push({ n, resolve }))),
  };
}

/** A catalogue that counts its reads, and fails them while `down`. */
function catalogueOf(revisions: ContentRevisionRecord[]) {
  const reads: RevisionRef[][] = [];
  const catalogue = {
    down: false,
    reads,
    async revisionsOf(refs: readonly RevisionRef[]) {
      reads.push([...refs]);
      if (catalogue.down) throw new Error("connection refused");
      return revisions.filter((r) => refs.some((ref) => ref.itemId === r.itemId && ref.revision === r.revision));
    },
  };
  return catalogue;
}

describe("DeliveredBodies", () => {
  it("reads bodies it lacks in the background, many per read, and wakes each asker once they are there", async () => {
    const held = Array.from({ length: 5 }, (_, i) => revision(`cnt_${i}`, 1, `text ${i}`));
    const catalogue = catalogueOf(held);
    const bodies = new DeliveredBodies({ catalogue, logger: silentLogger, loadBatch: 2 });
    const woken = wakes();
    for (const h of held) expect(bodies.body(entryOf(h), woken.wake)).toBe("loading");
    await woken.at(5);
    expect(catalogue.reads.map((refs) => refs.length)).toEqual([2, 2, 1]);
    const found = bodies.body(entryOf(held[3]!), () => {});
    expect(found).toEqual({ body: held[3]!.body, bytes: JSON.stringify(held[3]!.body).length });
    expect(catalogue.reads).toHaveLength(3);
  });

  it("tells the next asker that a revision the catalogue lacks is missing", async () => {
    const bodies = new DeliveredBodies({ catalogue: catalogueOf([]), logger: silentLogger });
    const gone = entryOf(revision("cnt_gone", 4, "x"));
    const woken = wakes();
    expect(bodies.body(gone, woken.wake)).toBe("loading");
    await woken.at(1);
    expect(bodies.body(gone, () => {})).toBe("missing");
  });

  it("after a failed read, wakes the askers later so they ask again, and then finds the body", async () => {
    const held = revision("cnt_1", 1, "x");
    const catalogue = catalogueOf([held]);
    catalogue.down = true;
    const bodies = new DeliveredBodies({ catalogue, logger: silentLogger, retryMs: 5 });
    const woken = wakes();
    expect(bodies.body(entryOf(held), woken.wake)).toBe("loading");
    await woken.at(1);
    expect(catalogue.reads).toHaveLength(1);
    catalogue.down = false;
    expect(bodies.body(entryOf(held), woken.wake)).toBe("loading");
    await woken.at(2);
    expect(bodies.body(entryOf(held), () => {})).toMatchObject({ body: held.body });
  });

  it("keeps what a push resolved without a read, and forgets the least recently used past its byte budget", async () => {
    const [a, b, c] = ["a", "b", "c"].map((id) => revision(`cnt_${id}`, 1, "y".repeat(100)));
    const catalogue = catalogueOf([]);
    const size = JSON.stringify(a!.body).length;
    const bodies = new DeliveredBodies({ catalogue, logger: silentLogger, maxBytes: size * 2 });
    for (const r of [a!, b!]) bodies.remember({ key: entryOf(r).id, kind: r.kind, name: r.name, itemId: r.itemId, revision: r.revision, hash: r.hash, body: r.body, dependsOn: [] });
    expect(bodies.body(entryOf(a!), () => {})).toMatchObject({ body: a!.body });
    bodies.remember({ key: entryOf(c!).id, kind: c!.kind, name: c!.name, itemId: c!.itemId, revision: 1, hash: c!.hash, body: c!.body, dependsOn: [] });
    expect(bodies.body(entryOf(a!), () => {})).toMatchObject({ body: a!.body });
    expect(bodies.body(entryOf(c!), () => {})).toMatchObject({ body: c!.body });
    expect(bodies.body(entryOf(b!), () => {})).toBe("loading");
    expect(catalogue.reads).toEqual([]);
  });
});
