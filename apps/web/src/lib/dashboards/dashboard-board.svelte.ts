import type { Dashboard, Widget } from "@canopy/api";
import { SvelteMap } from "svelte/reactivity";
import { ApiError, errorMessage } from "$lib/api";
import * as dashboardsApi from "$lib/api/dashboards";
import { WidgetSlot } from "./widget-slot.svelte";

const LAST_KEY = "canopy.dashboard.last";

/** The dashboard opened last in this browser, so `/dashboards` comes back to it. */
function rememberedId(): string | null {
  try {
    return localStorage.getItem(LAST_KEY);
  } catch {
    return null;
  }
}

function remember(id: string): void {
  try {
    localStorage.setItem(LAST_KEY, id);
  } catch {
    // Private windows may refuse storage; the first dashboard is a fine default.
  }
}

/**
 * The dashboard page's state: the user's dashboards and those shared with them (read-only), the
 * one shown, and a slot per widget with its figures. Saving sends the whole dashboard (`PUT`), one save at a time, in order.
 */
export class DashboardBoard {
  dashboards = $state.raw<Dashboard[]>([]);
  dashboard = $state.raw<Dashboard | null>(null);
  loadError = $state<string | null>(null);
  notFound = $state(false);
  saving = $state(false);
  readonly slots = new SvelteMap<string, WidgetSlot>();
  #saves: Promise<unknown> = Promise.resolve();
  /** The number of the last save asked for: an older answer must not replace a newer picture. */
  #lastSave = 0;
  #opened = 0;

  slot(widgetId: string): WidgetSlot {
    let slot = this.slots.get(widgetId);
    if (!slot) {
      slot = new WidgetSlot();
      this.slots.set(widgetId, slot);
    }
    return slot;
  }

  /** Lists the dashboards (the hub makes a default one the first time) and shows `id`, or the last one seen. */
  async open(id: string | null): Promise<void> {
    const opened = ++this.#opened;
    this.loadError = null;
    this.notFound = false;
    try {
      const { items } = await dashboardsApi.listDashboards();
      if (opened !== this.#opened) return;
      this.dashboards = items;
      const wanted = id ?? rememberedId();
      const chosen = items.find((item) => item.id === wanted) ?? (id ? null : items[0]) ?? null;
      if (!chosen) {
        this.notFound = id !== null;
        this.dashboard = null;
        return;
      }
      this.#show(chosen);
      remember(chosen.id);
      await this.refreshAll();
    } catch (error) {
      if (opened === this.#opened) this.loadError = errorMessage(error);
    }
  }

  #show(dashboard: Dashboard): void {
    if (this.dashboard?.id !== dashboard.id) this.slots.clear();
    this.dashboard = dashboard;
    for (const id of [...this.slots.keys()]) if (!dashboard.widgets.some((widget) => widget.id === id)) this.slots.delete(id);
  }

  /** Every widget's figures in one request. */
  async refreshAll(): Promise<void> {
    const dashboard = this.dashboard;
    if (!dashboard) return;
    const slots = dashboard.widgets.map((widget) => this.slot(widget.id));
    for (const slot of slots) slot.begin();
    try {
      const data = await dashboardsApi.dashboardData(dashboard.id);
      if (this.dashboard?.id !== dashboard.id) return;
      for (const result of data.widgets) this.slot(result.widgetId).set(result);
      for (const slot of slots) if (slot.loading) slot.fail("The hub sent no figures for this widget.");
    } catch (error) {
      for (const slot of slots) slot.fail(errorMessage(error));
    }
  }

  refresh(widgetId: string): Promise<void> {
    const dashboard = this.dashboard;
    if (!dashboard) return Promise.resolve();
    return this.slot(widgetId).load(() => dashboardsApi.widgetData(dashboard.id, widgetId));
  }

  /**
   * Saves the dashboard with these widgets (and name). The page shows them at once; a refusal
   * puts back what the hub holds and rethrows, so a dialog can show the issues at its fields.
   */
  save(widgets: Widget[], name?: string, shared?: boolean): Promise<Dashboard> {
    const current = this.dashboard;
    if (!current) return Promise.reject(new Error("No dashboard is open."));
    if (current.readOnly) return Promise.reject(new Error("This dashboard is shared with you: only its owner changes it."));
    this.dashboard = { ...current, widgets, name: name ?? current.name, shared: shared ?? current.shared };
    const number = ++this.#lastSave;
    const run = async () => {
      this.saving = true;
      try {
        const saved = await dashboardsApi.saveDashboard(current.id, { name: name ?? current.name, widgets, ...(shared === undefined ? {} : { shared }) });
        if (this.dashboard?.id === saved.id && number === this.#lastSave) this.#show(saved);
        this.dashboards = this.dashboards.map((item) => (item.id === saved.id ? saved : item));
        return saved;
      } catch (error) {
        if (error instanceof ApiError && error.status !== 0) await this.#reload(current.id);
        else if (this.dashboard?.id === current.id && number === this.#lastSave) this.dashboard = current;
        throw error;
      } finally {
        if (number === this.#lastSave) this.saving = false;
      }
    };
    const saved = this.#saves.then(run, run);
    this.#saves = saved.catch(() => undefined);
    return saved;
  }

  async #reload(id: string): Promise<void> {
    try {
      const fresh = await dashboardsApi.getDashboard(id);
      if (this.dashboard?.id === id) this.#show(fresh);
    } catch {
      // Keep what is shown; the caller reports the save error.
    }
  }

  /** Shares the open dashboard (its own) with the organization it belongs to, or stops sharing it. */
  share(shared: boolean): Promise<Dashboard> {
    const current = this.dashboard;
    if (!current) return Promise.reject(new Error("No dashboard is open."));
    return this.save(current.widgets, current.name, shared);
  }

  /** The user's own dashboards (oldest first), then those shared with them. */
  get own(): Dashboard[] {
    return this.dashboards.filter((item) => !item.readOnly);
  }

  get sharedWithMe(): Dashboard[] {
    return this.dashboards.filter((item) => item.readOnly);
  }

  async create(name: string): Promise<Dashboard> {
    const created = await dashboardsApi.createDashboard({ name });
    this.dashboards = [...this.dashboards, created];
    return created;
  }

  async remove(id: string): Promise<void> {
    await dashboardsApi.deleteDashboard(id);
    this.dashboards = this.dashboards.filter((item) => item.id !== id);
  }
}
