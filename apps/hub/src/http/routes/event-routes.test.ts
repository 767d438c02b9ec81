import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestHub, login, loginAs, type Caller, type TestHub } from "../../../test/helpers.js";

/** Reads SSE events from a streaming response until `count` have arrived. */
async function readEvents(res: Response, count: number, timeoutMs = 2000) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const events: { event: string; data: unknown }[] = [];
  const deadline = Date.now() + timeoutMs;
  while (events.length < count && Date.now() < deadline) {
    const chunk = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), deadline - Date.now()))]);
    if (!chunk || chunk.done) break;
    text += decoder.decode(chunk.value, { stream: true });
    let end: number;
    while ((end = text.indexOf("\n\n")) >= 0) {
      const block = text.slice(0, end);
      text = text.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data) events.push({ event, data: JSON.parse(data) });
    }
  }
  await reader.cancel();
  return events;
}

describe("live feed (GET /events)", () => {
  let t: TestHub;
  let admin: Caller;
  beforeEach(async () => {
    t = await createTestHub();
    admin = await login(t.hub);
  });
  afterEach(() => t.hub.close());

  it("streams tenant.updated on create and edit, and tenant.deleted, to a viewer", async () => {
    const viewer = await loginAs(t.hub, "viewer");
    const res = await t.hub.app.request("/api/v1/events", { headers: { cookie: viewer.auth.cookie! } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
    const received = readEvents(res, 3);

    const { id } = (await admin.post("/tenants", { name: "Live" })).body;
    await admin.patch(`/tenants/${id}`, { tags: ["watched"] });
    await admin.delete(`/tenants/${id}`);

    const events = await received;
    expect(events.map((e) => e.event)).toEqual(["tenant.updated", "tenant.updated", "tenant.deleted"]);
    expect(events[0]!.data).toMatchObject({ id, name: "Live", status: "unpaired" });
    expect(events[1]!.data).toMatchObject({ id, tags: ["watched"] });
    expect(events[2]!.data).toEqual({ id });
  });

  it("needs a session like every other route", async () => {
    expect((await t.hub.app.request("/api/v1/events")).status).toBe(401);
  });

  it("unsubscribes when the client goes away, and ends streams when the hub closes", async () => {
    const services = await t.hub.services();
    const res = await t.hub.app.request("/api/v1/events", { headers: { cookie: admin.auth.cookie! } });
    const reader = res.body!.getReader();
    await reader.read(); // the opening comment
    expect(services.bus.listenerCount).toBe(1);
    await reader.cancel();
    await expect.poll(() => services.bus.listenerCount, { message: "the stream to unsubscribe once its reader is gone" }).toBe(0);

    const open = await t.hub.app.request("/api/v1/events", { headers: { cookie: admin.auth.cookie! } });
    const openReader = open.body!.getReader();
    await openReader.read();
    await t.hub.close();
    let done = false;
    while (!done) done = (await openReader.read()).done;
    expect(services.bus.listenerCount).toBe(0);
  });
});
