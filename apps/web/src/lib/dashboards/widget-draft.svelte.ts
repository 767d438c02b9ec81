import type { Widget, WidgetLifecycle, WidgetRange, WidgetType } from "@canopy/api";
import { SvelteSet } from "svelte/reactivity";
import { defaultTitle } from "./widget-fields";

/**
 * What the edit dialog holds while a person changes a widget. Width and height are kept as typed
 * (the hub says when they are out of range); the position stays where the grid put it.
 */
export class WidgetDraft {
  title = $state("");
  type = $state<WidgetType>("status-counts");
  range = $state<WidgetRange>("7d");
  lifecycle = $state<WidgetLifecycle>("created");
  refreshSeconds = $state(0);
  allTenants = $state(true);
  readonly tenantIds = new SvelteSet<string>();
  width = $state(4);
  height = $state(4);
  readonly #original: Widget;

  constructor(widget: Widget) {
    this.#original = widget;
    this.title = widget.title;
    this.type = widget.type;
    this.range = widget.range;
    this.lifecycle = widget.lifecycle;
    this.refreshSeconds = widget.refreshSeconds;
    this.allTenants = "all" in widget.tenants;
    if ("ids" in widget.tenants) for (const id of widget.tenants.ids) this.tenantIds.add(id);
    this.width = widget.layout.w;
    this.height = widget.layout.h;
  }

  /** A new type brings its own title, unless the person already wrote one. */
  changeType(type: WidgetType): void {
    if (this.title.trim() === "" || this.title === defaultTitle(this.type)) this.title = defaultTitle(type);
    this.type = type;
  }

  toWidget(): Widget {
    return {
      id: this.#original.id,
      type: this.type,
      title: this.title,
      range: this.range,
      lifecycle: this.lifecycle,
      refreshSeconds: this.refreshSeconds,
      tenants: this.allTenants ? { all: true } : { ids: [...this.tenantIds] },
      layout: { ...this.#original.layout, w: this.width, h: this.height },
    };
  }
}
