import type { Dashboard, Widget, WidgetResult } from "@canopy/api";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "$lib/api";
import { DashboardBoard } from "./dashboard-board.svelte";

function widget(id: string, title = id): Widget {
  return { id, type: "status-counts", title, range: "7d", lifecycle: "created", refreshSeconds: 0, tenants: { all: true }, layout: { x: 0, y: 0, w: 4, h: 3 } };
}

function result(widgetId: string, value: number): WidgetResult {
  return { widgetId, from: null, to: "2030-01-15T12:00:00.000Z", computedAt: "2030-01-15T12:00:00.000Z", data: { kind: "counts", rows: [{ key: "new", label: "New", value }] } };
}

const OWN = { shared: false, orgId: "org_root", sharedBy: null, readOnly: false };

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": status >= 400 ? "application/problem+json" : "application/json" } });

/** A hub that holds one user's dashboards; only `fetch`, the edge of the client, is replaced. */
class FakeHub {
  dashboards: Dashboard[] = [
    { id: "d1", name: "MSSP overview", widgets: [widget("a"), widget("b")], createdAt: "", updatedAt: "", ...OWN },
    { id: "d2", name: "Night shift", widgets: [widget("c")], createdAt: "", updatedAt: "", ...OWN },
  ];
  puts: { id: string; titles: string[] }[] = [];
  refuse: { path: string; message: string } | null = null;
  /** When set, each PUT waits at the hub until the test answers it (`nextPut`): a slow hub without a clock. */
  holdPuts = false;
  /** For each PUT, how many earlier PUTs were still unanswered when it arrived (0: saves never overlapped). */
  overlapping: number[] = [];
  #unanswered = 0;
  #held: { titles: string[]; answer: () => void }[] = [];
  #heldWaiters: (() => void)[] = [];

  fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const path = String(input).replace("/api/v1", "");
    const method = init?.method ?? "GET";
    if (method === "GET" && path === "/dashboards") return json(200, { items: this.dashboards });
    const data = /^\/dashboards\/(\w+)\/data$/.exec(path);
    if (data) return json(200, { widgets: this.#find(data[1]!).widgets.map((w, i) => result(w.id, i + 1)) });
    const one = /^\/dashboards\/(\w+)$/.exec(path);
    if (one && method === "GET") return json(200, this.#find(one[1]!));
    if (one && method === "PUT") {
      const body = JSON.parse(String(init!.body)) as { name: string; widgets: Widget[] };
      const titles = body.widgets.map((w) => w.title);
      this.overlapping.push(this.#unanswered++);
      if (this.holdPuts) {
        await new Promise<void>((answer) => {
          this.#held.push({ titles, answer });
          for (const wake of this.#heldWaiters.splice(0)) wake();
        });
      }
      this.#unanswered--;
      this.puts.push({ id: one[1]!, titles });
      if (this.refuse) return json(422, { title: "Invalid", status: 422, detail: "invalid request", errors: [this.refuse] });
      const saved = { ...this.#find(one[1]!), ...body };
      this.dashboards = this.dashboards.map((d) => (d.id === saved.id ? saved : d));
      return json(200, saved);
    }
    return json(404, { title: "Not found", status: 404, detail: `no route ${method} ${path}` });
  };

  /** The next held PUT, once it has arrived: its widget titles, and `answer()` to let the hub reply. */
  async nextPut(): Promise<{ titles: string[]; answer: () => void }> {
    while (this.#held.length === 0) await new Promise<void>((wake) => this.#heldWaiters.push(wake));
    return this.#held.shift()!;
  }

  #find(id: string): Dashboard {
    return this.dashboards.find((d) => d.id === id)!;
  }
}

describe("the dashboard page's state", () => {
  let hub: FakeHub;

  beforeEach(() => {
    hub = new FakeHub();
    vi.stubGlobal("fetch", hub.fetch);
    vi.stubGlobal("localStorage", { getItem: () => null, setItem: () => undefined });
  });
  afterEach(() => vi.unstubAllGlobals());

  it("opens the first dashboard and fills every widget from one data request", async () => {
    const board = new DashboardBoard();
    await board.open(null);
    expect(board.dashboard?.name).toBe("MSSP overview");
    expect(board.dashboards.map((d) => d.name)).toEqual(["MSSP overview", "Night shift"]);
    expect(board.slot("a").result?.data).toEqual({ kind: "counts", rows: [{ key: "new", label: "New", value: 1 }] });
    expect(board.slot("b").loading).toBe(false);
  });

  it("opens a dashboard by id, and says so when there is no such dashboard", async () => {
    const board = new DashboardBoard();
    await board.open("d2");
    expect(board.dashboard?.name).toBe("Night shift");
    await board.open("nope");
    expect(board.notFound).toBe(true);
    expect(board.dashboard).toBeNull();
  });

  it("shows a save at once and keeps what the hub saved", async () => {
    const board = new DashboardBoard();
    await board.open("d1");
    const saving = board.save([widget("a", "Status"), widget("b")]);
    expect(board.dashboard?.widgets[0]!.title).toBe("Status");
    await saving;
    expect(hub.puts).toEqual([{ id: "d1", titles: ["Status", "b"] }]);
    expect(board.dashboard?.widgets[0]!.title).toBe("Status");
  });

  it("puts back what the hub holds when it refuses a save, and passes its issues on", async () => {
    const board = new DashboardBoard();
    await board.open("d1");
    hub.refuse = { path: "widgets.0.title", message: "must not be empty" };
    const error = await board.save([widget("a", " "), widget("b")]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).issues).toEqual([{ path: "widgets.0.title", message: "must not be empty" }]);
    expect(board.dashboard?.widgets.map((w) => w.title)).toEqual(["a", "b"]);
  });

  it("sends saves one at a time, in the order they were made", async () => {
    const board = new DashboardBoard();
    await board.open("d1");
    hub.holdPuts = true;
    const first = board.save([widget("a", "first"), widget("b")]);
    const second = board.save([widget("a", "second"), widget("b")]);
    const firstPut = await hub.nextPut();
    expect(firstPut.titles[0]).toBe("first");
    firstPut.answer();
    await first;
    // The first answer does not bring back the older picture while the newer save is on its way.
    expect(board.dashboard?.widgets[0]!.title).toBe("second");
    expect(board.saving).toBe(true);
    const secondPut = await hub.nextPut();
    expect(secondPut.titles[0]).toBe("second");
    secondPut.answer();
    await second;
    expect(hub.puts.map((put) => put.titles[0])).toEqual(["first", "second"]);
    expect(hub.overlapping).toEqual([0, 0]); // the second PUT left only once the first was answered
    expect(board.saving).toBe(false);
    expect(board.dashboard?.widgets[0]!.title).toBe("second");
  });
});
