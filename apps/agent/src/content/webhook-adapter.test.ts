import { afterEach, describe, expect, it, vi } from "vitest";
import { item } from "../../test/content.js";
import { useFakeAgentTimers } from "../../test/fake-time.js";
import { startReceiver } from "../../test/webhook-receiver.js";
import { createWebhookAdapter } from "./webhook-adapter.js";

describe("webhook adapter", () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    vi.useRealTimers();
    for (const close of closers.splice(0)) await close();
  });

  it("POSTs {kind, name, revision, hash, body} as JSON with the configured headers", async () => {
    const receiver = await startReceiver();
    closers.push(receiver.close);
    const adapter = createWebhookAdapter({ url: `${receiver.url}?token=abc`, headers: { Authorization: "Bearer s3cr3t-t0ken", "X-Tenant": "acme" } });
    const field = item("custom-field", "Severity", { revision: 4 });
    expect(await adapter.apply(field)).toEqual({ location: receiver.url });
    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(request!.body).toEqual({ kind: "custom-field", name: "Severity", revision: 4, hash: field.hash, body: field.body });
    expect(request!.headers).toMatchObject({ authorization: "Bearer s3cr3t-t0ken", "x-tenant": "acme", "content-type": "application/json" });
  });

  it("fails a non-2xx answer with its status and the first 200 characters of the answer", async () => {
    const receiver = await startReceiver(() => ({ status: 500, text: `SOAR rejected the field: quota exceeded ${"x".repeat(300)}` }));
    closers.push(receiver.close);
    const adapter = createWebhookAdapter({ url: receiver.url, headers: {} });
    const error = await adapter.apply(item("custom-field", "Quota")).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(`webhook answered 500: SOAR rejected the field: quota exceeded ${"x".repeat(200 - 40)}`);
  });

  it("fails with the status alone when the answer is empty, and a redirect is not followed", async () => {
    const receiver = await startReceiver(() => ({ status: 302 }));
    closers.push(receiver.close);
    const adapter = createWebhookAdapter({ url: receiver.url, headers: {} });
    await expect(adapter.apply(item("custom-field", "A"))).rejects.toThrow(/^webhook answered 302$/);
  });

  it("fails with the network error when nobody listens", async () => {
    const receiver = await startReceiver();
    await receiver.close();
    const adapter = createWebhookAdapter({ url: receiver.url, headers: {} });
    await expect(adapter.apply(item("custom-field", "A"))).rejects.toThrow(/^webhook unreachable: connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
  });

  it("gives up after the timeout, not sooner", async () => {
    const receiver = await startReceiver(() => ({ status: 200 }), { hold: () => true });
    closers.push(receiver.close);
    // The adapter's timeout runs on virtual time; the request is real.
    useFakeAgentTimers("timeout");
    const adapter = createWebhookAdapter({ url: receiver.url, headers: {} });
    const outcome = adapter.apply(item("custom-field", "A")).then(
      () => "answered",
      (error: Error) => error.message,
    );
    await receiver.requests(1);
    // A request the adapter destroys fails within the same turn of the event loop.
    const settled = () => Promise.race([outcome, new Promise((resolve) => setImmediate(() => resolve("still waiting")))]);
    vi.advanceTimersByTime(9_999);
    expect(await settled()).toBe("still waiting");
    vi.advanceTimersByTime(1);
    expect(await settled()).toBe("webhook did not answer within 10 s");
  });
});
