import { describe, expect, it, vi } from "vitest";
import type * as Api from "$lib/api";
import type { Push, Tenant } from "$lib/api";

const finished: Push = {
  id: "psh_1",
  type: "push",
  state: "completed",
  createdBy: "admin@mssp.example",
  createdAt: "2030-01-05T10:00:00.000Z",
  finishedAt: "2030-01-05T10:00:02.000Z",
  stoppedBy: null,
  title: "Tier",
  kinds: ["custom-field"],
  itemCount: 1,
  tenantCount: 1,
  targets: { tenants: ["tnt_acme"] },
  options: {},
  progress: { total: 1, applied: 1, unchanged: 0, failed: 0, skipped: 0, stopped: 0, pending: 0 },
  items: [{ kind: "custom-field", id: "cnt_1", name: "Tier", revision: 2 }],
  results: [{ tenantId: "tnt_acme", kind: "custom-field", name: "Tier", status: "applied" }],
};

const acme: Tenant = {
  id: "tnt_acme",
  name: "Acme Corp",
  description: "",
  tags: [],
  parentId: null,
  capabilities: [],
  needsOwner: false,
  status: "online",
  lastSeenAt: null,
  agentVersion: null,
  rttMs: null,
  hostname: null,
  pairedAt: null,
  createdAt: "2030-01-01T00:00:00.000Z",
  updatedAt: "2030-01-01T00:00:00.000Z",
};

const getPush = vi.fn(async (_id: string): Promise<Push> => structuredClone(finished));

vi.mock("$lib/api", async (importOriginal) => {
  const api = await importOriginal<typeof Api>();
  return { ...api, pushesApi: { ...api.pushesApi, getPush: (id: string) => getPush(id) } };
});

const { tenants } = await import("$lib/state/tenants.svelte");
const { PushTracker } = await import("./push-tracker.svelte");

/** The browser's EventSource, driven by the test: Node has none. */
class FakeEventSource extends EventTarget {
  static last: FakeEventSource | null = null;
  constructor(readonly url: string) {
    super();
    FakeEventSource.last = this;
  }
  close(): void {}
  emit(type: string, data?: unknown): void {
    this.dispatchEvent(data === undefined ? new Event(type) : new MessageEvent(type, { data: JSON.stringify(data) }));
  }
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const running: Push = {
  ...finished,
  state: "running",
  finishedAt: null,
  tenantCount: 2,
  targets: { tenants: ["tnt_acme", "tnt_globex"] },
  progress: { total: 2, applied: 0, unchanged: 0, failed: 0, skipped: 0, stopped: 0, pending: 2 },
  results: [
    { tenantId: "tnt_acme", kind: "custom-field", name: "Tier", status: "pending" },
    { tenantId: "tnt_globex", kind: "custom-field", name: "Tier", status: "pending" },
  ],
};

describe("PushTracker", () => {
  it("names a finished push's tenants once the tenant list arrives after the push (a page opened by its address)", async () => {
    const tracker = new PushTracker(finished.id);
    await tracker.reload();
    // The tenant list is not there yet: the id stands in for the name.
    expect(tracker.push?.results.map((r) => r.tenantName)).toEqual(["tnt_acme"]);
    // A finished push is never loaded again, so the name must follow the tenant list by itself.
    tenants.upsert(acme);
    expect(tracker.push?.results.map((r) => [r.tenantName, r.revision])).toEqual([["Acme Corp", 2]]);
    tracker.stop();
  });

  it("keeps a result the stream delivered while a reload was in flight, though the reload answers older news", async () => {
    vi.stubGlobal("EventSource", FakeEventSource);
    getPush.mockClear();
    const tracker = new PushTracker(running.id);
    getPush.mockImplementationOnce(async () => structuredClone(running));
    tracker.start();
    await vi.waitFor(() => expect(FakeEventSource.last).not.toBeNull());
    const stream = FakeEventSource.last!;

    // The stream opens and the tracker reloads; Acme's result lands before that reload answers,
    // and the answer was read before it.
    const stale = deferred<Push>();
    getPush.mockImplementationOnce(() => stale.promise);
    stream.emit("open");
    stream.emit("results", { id: running.id, results: [{ ...running.results[0]!, status: "applied" }] });
    stream.emit("progress", { id: running.id, state: "running", progress: { ...running.progress, applied: 1, pending: 1 } });
    stale.resolve(structuredClone(running));
    expect(getPush).toHaveBeenCalledTimes(2);
    await stale.promise;
    await Promise.resolve();

    expect(tracker.push?.results.map((r) => `${r.tenantId}:${r.status}`)).toEqual(["tnt_acme:applied", "tnt_globex:pending"]);
    expect(tracker.push?.progress).toMatchObject({ applied: 1, pending: 1 });
    tracker.stop();
    vi.unstubAllGlobals();
  });
});
