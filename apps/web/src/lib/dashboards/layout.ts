import type { Widget, WidgetLayout } from "@canopy/api";
import { GRID_COLUMNS, GRID_ROWS_MAX } from "./widget-options";

/**
 * The dashboard grid: 12 columns, rows as tall as needed. Widgets fall upwards until they meet
 * another (gravity), so the grid never has holes a person did not leave on purpose. A widget that
 * is moved or resized is placed first, and the others make room for it; moving up or down swaps
 * it with the neighbour in its columns. Every function returns new widgets (the input is kept).
 */

export type Direction = "left" | "right" | "up" | "down";

function overlaps(a: WidgetLayout, b: WidgetLayout): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

function sharesColumns(a: WidgetLayout, b: WidgetLayout): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w;
}

function clampLayout(layout: WidgetLayout): WidgetLayout {
  const w = Math.min(GRID_COLUMNS, Math.max(1, layout.w));
  const h = Math.min(GRID_ROWS_MAX, Math.max(1, layout.h));
  const x = Math.min(GRID_COLUMNS - w, Math.max(0, layout.x));
  return { x, y: Math.max(0, layout.y), w, h };
}

/**
 * Places every widget in order of `y` (then `x`), each as high as it can go without overlapping
 * those placed before it. `lead` is placed before anything at or below `leadOrder`.
 */
export function settle(widgets: readonly Widget[], lead?: { id: string; order: number }): Widget[] {
  const orderOf = (widget: Widget) => (widget.id === lead?.id ? lead.order : widget.layout.y);
  const queue = widgets
    .map((widget, index) => ({ widget, index, order: orderOf(widget) }))
    .sort((a, b) => a.order - b.order || a.widget.layout.x - b.widget.layout.x || a.index - b.index);
  const placed: WidgetLayout[] = [];
  const result = new Map<string, Widget>();
  for (const { widget } of queue) {
    const layout = clampLayout(widget.layout);
    const collides = (y: number) => placed.some((other) => overlaps({ ...layout, y }, other));
    let y = layout.y;
    while (collides(y)) y += 1;
    while (y > 0 && !collides(y - 1)) y -= 1;
    const final = { ...layout, y };
    placed.push(final);
    result.set(widget.id, { ...widget, layout: final });
  }
  // The saved order stays the widgets' order (it is the order of the export's sheets).
  return widgets.map((widget) => result.get(widget.id)!);
}

/** The nearest widget above (or below) this one that shares a column with it. */
function neighbour(widgets: readonly Widget[], target: Widget, direction: "up" | "down"): Widget | undefined {
  const candidates = widgets.filter(
    (other) =>
      other.id !== target.id &&
      sharesColumns(other.layout, target.layout) &&
      (direction === "up" ? other.layout.y < target.layout.y : other.layout.y > target.layout.y),
  );
  candidates.sort((a, b) => (direction === "up" ? b.layout.y - a.layout.y : a.layout.y - b.layout.y));
  return candidates[0];
}

export function canMove(widgets: readonly Widget[], id: string, direction: Direction): boolean {
  const target = widgets.find((widget) => widget.id === id);
  if (!target) return false;
  if (direction === "left") return target.layout.x > 0;
  if (direction === "right") return target.layout.x + target.layout.w < GRID_COLUMNS;
  return neighbour(widgets, target, direction) !== undefined;
}

export function moveWidget(widgets: readonly Widget[], id: string, direction: Direction): Widget[] {
  const target = widgets.find((widget) => widget.id === id);
  if (!target || !canMove(widgets, id, direction)) return [...widgets];
  const { layout } = target;
  if (direction === "left" || direction === "right") {
    const x = layout.x + (direction === "left" ? -1 : 1);
    return relayout(widgets, id, { ...layout, x }, layout.y - 0.5);
  }
  const other = neighbour(widgets, target, direction)!;
  // Up: take the neighbour's place, it goes below. Down: go just past its top, it rises above.
  const y = direction === "up" ? other.layout.y : other.layout.y + 1;
  const order = direction === "up" ? other.layout.y - 0.5 : other.layout.y + 0.5;
  return relayout(widgets, id, { ...layout, y }, order);
}

/** Wider/narrower by `dw` columns, taller/shorter by `dh` rows; a widget at the right edge grows leftwards. */
export function resizeWidget(widgets: readonly Widget[], id: string, dw: number, dh: number): Widget[] {
  const target = widgets.find((widget) => widget.id === id);
  if (!target) return [...widgets];
  const { layout } = target;
  const w = Math.min(GRID_COLUMNS, Math.max(1, layout.w + dw));
  const h = Math.min(GRID_ROWS_MAX, Math.max(1, layout.h + dh));
  const x = Math.min(layout.x, GRID_COLUMNS - w);
  return relayout(widgets, id, { x, y: layout.y, w, h }, layout.y - 0.5);
}

/** Dropped at a grid cell (dragging): the widget goes there, the others make room. */
export function placeWidget(widgets: readonly Widget[], id: string, at: { x: number; y: number }): Widget[] {
  const target = widgets.find((widget) => widget.id === id);
  if (!target) return [...widgets];
  const layout = clampLayout({ ...target.layout, x: at.x, y: at.y });
  return relayout(widgets, id, layout, layout.y - 0.5);
}

/** Replaces one widget (an edited config or size) and lets the rest make room for it. */
export function replaceWidget(widgets: readonly Widget[], next: Widget): Widget[] {
  const replaced = widgets.map((widget) => (widget.id === next.id ? next : widget));
  return settle(replaced, { id: next.id, order: next.layout.y - 0.5 });
}

/** A new widget goes below everything, at the left. */
export function appendWidget(widgets: readonly Widget[], widget: Widget): Widget[] {
  const bottom = widgets.reduce((max, other) => Math.max(max, other.layout.y + other.layout.h), 0);
  return settle([...widgets, { ...widget, layout: clampLayout({ ...widget.layout, x: 0, y: bottom }) }]);
}

export function removeWidget(widgets: readonly Widget[], id: string): Widget[] {
  return settle(widgets.filter((widget) => widget.id !== id));
}

function relayout(widgets: readonly Widget[], id: string, layout: WidgetLayout, order: number): Widget[] {
  const moved = widgets.map((widget) => (widget.id === id ? { ...widget, layout } : widget));
  return settle(moved, { id, order });
}

/** Rows the grid needs to show every widget. */
export function gridRows(widgets: readonly Widget[]): number {
  return widgets.reduce((max, widget) => Math.max(max, widget.layout.y + widget.layout.h), 0);
}
