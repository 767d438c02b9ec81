import { createMemoryStore } from "@canopy/store";
import { describe, expect, it } from "vitest";
import type { HubSocket } from "../link/hub-socket.js";
import { InsightOutbox } from "./insight-outbox.js";
import { InsightStore } from "./insight-store.js";
import { silentLogger } from "../core/logger.js";
import { sourceInsight } from "../../test/insights.js";

describe("insight outbox", () => {
  it("after a failed write, holds what the disk holds: the batch it could not record is gone, its insights queued again", async () => {
    let failing = false;
    const store = createMemoryStore({
      fault: () => {
        if (failing) throw Object.assign(new Error("read-only"), { code: "EROFS" });
      },
    });
    const holder: { insights?: InsightStore } = {};
    const outbox = new InsightOutbox({ store, lookup: (id) => holder.insights!.stored(id), logger: silentLogger });
    const insights = (holder.insights = new InsightStore(store, outbox));
    insights.ingest([sourceInsight("in-1"), sourceInsight("in-2")], { source: "import" });
    await store.flush();
    expect(outbox.queued).toBe(2);

    failing = true;
    const sent: unknown[] = [];
    outbox.welcomed({ isOpen: true, phase: "established", send: (message: unknown) => sent.push(message) > 0 } as unknown as HubSocket);
    await outbox.stop();
    expect(sent).toEqual([]);
    expect(outbox.unacked).toEqual([]);
    expect(outbox.queued).toBe(2);
    expect(outbox.lastSeq).toBe(0);
  });
});
