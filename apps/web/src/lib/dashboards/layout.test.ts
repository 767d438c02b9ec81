import type { Widget, WidgetLayout } from "@canopy/api";
import { describe, expect, it } from "vitest";
import { appendWidget, canMove, gridRows, moveWidget, placeWidget, removeWidget, replaceWidget, resizeWidget, settle } from "./layout";

function widget(id: string, x: number, y: number, w: number, h: number): Widget {
  return {
    id,
    type: "status-counts",
    title: id,
    range: "7d",
    lifecycle: "created",
    refreshSeconds: 0,
    tenants: { all: true },
    layout: { x, y, w, h },
  };
}

const layouts = (widgets: Widget[]): Record<string, WidgetLayout> => Object.fromEntries(widgets.map((w) => [w.id, w.layout]));

function noOverlaps(widgets: Widget[]): boolean {
  return widgets.every((a, i) =>
    widgets.slice(i + 1).every((b) => {
      const [p, q] = [a.layout, b.layout];
      return !(p.x < q.x + q.w && q.x < p.x + p.w && p.y < q.y + q.h && q.y < p.y + p.h);
    }),
  );
}

// Two half-width widgets side by side, a full-width one below.
const board = [widget("a", 0, 0, 6, 4), widget("b", 6, 0, 6, 4), widget("c", 0, 4, 12, 3)];

describe("dashboard layout", () => {
  it("lets widgets fall into the holes above them and separates overlapping ones", () => {
    const settled = settle([widget("a", 0, 3, 6, 2), widget("b", 0, 3, 6, 2), widget("c", 6, 9, 6, 1)]);
    expect(layouts(settled)).toEqual({ a: { x: 0, y: 0, w: 6, h: 2 }, b: { x: 0, y: 2, w: 6, h: 2 }, c: { x: 6, y: 0, w: 6, h: 1 } });
  });

  it("swaps a widget with the one below it when moved down, and back when moved up", () => {
    const down = moveWidget(board, "a", "down");
    // The full-width widget cannot rise past its other neighbour, so "a" goes below it.
    expect(layouts(down)).toMatchObject({ b: { x: 6, y: 0 }, c: { x: 0, y: 4 }, a: { x: 0, y: 7 } });
    expect(noOverlaps(down)).toBe(true);
    const up = moveWidget(down, "a", "up");
    expect(layouts(up)).toMatchObject({ a: { y: 0 }, c: { y: 4 } });
    expect(noOverlaps(up)).toBe(true);
  });

  it("moves sideways within the 12 columns, pushing what it meets down", () => {
    expect(canMove(board, "a", "left")).toBe(false);
    expect(canMove(board, "b", "right")).toBe(false);
    const moved = moveWidget(board, "a", "right");
    expect(moved.find((w) => w.id === "a")!.layout).toEqual({ x: 1, y: 0, w: 6, h: 4 });
    expect(moved.find((w) => w.id === "b")!.layout.y).toBe(4);
    expect(noOverlaps(moved)).toBe(true);
  });

  it("swaps two stacked widgets of the same width", () => {
    const stack = [widget("a", 0, 0, 6, 4), widget("b", 0, 4, 6, 2), widget("c", 6, 0, 6, 3)];
    expect(layouts(moveWidget(stack, "a", "down"))).toMatchObject({ b: { y: 0 }, a: { y: 2 }, c: { y: 0 } });
    expect(layouts(moveWidget(stack, "b", "up"))).toMatchObject({ b: { y: 0 }, a: { y: 2 }, c: { y: 0 } });
  });

  it("cannot move up from the top row or down from the bottom", () => {
    expect(canMove(board, "a", "up")).toBe(false);
    expect(canMove(board, "c", "down")).toBe(false);
    expect(moveWidget(board, "a", "up")).toEqual(board);
  });

  it("resizes within bounds; a widget at the right edge grows leftwards", () => {
    const wider = resizeWidget(board, "b", 2, 0);
    expect(wider.find((w) => w.id === "b")!.layout).toMatchObject({ x: 4, w: 8 });
    expect(noOverlaps(wider)).toBe(true);
    const tiny = resizeWidget(board, "c", -20, -20);
    expect(tiny.find((w) => w.id === "c")!.layout).toMatchObject({ w: 1, h: 1 });
    const tall = resizeWidget(board, "a", 0, 30);
    expect(tall.find((w) => w.id === "a")!.layout.h).toBe(12);
    expect(tall.find((w) => w.id === "c")!.layout.y).toBe(12);
  });

  it("drops a dragged widget at a cell and keeps every widget apart", () => {
    const dropped = placeWidget(board, "c", { x: 0, y: 0 });
    expect(dropped.find((w) => w.id === "c")!.layout).toMatchObject({ x: 0, y: 0 });
    expect(dropped.find((w) => w.id === "a")!.layout.y).toBe(3);
    expect(noOverlaps(dropped)).toBe(true);
    expect(placeWidget(board, "a", { x: 11, y: 0 }).find((w) => w.id === "a")!.layout.x).toBe(6);
  });

  it("adds a widget below everything, removes one and closes the gap", () => {
    const added = appendWidget(board, widget("d", 5, 0, 4, 2));
    expect(added.map((w) => w.id)).toEqual(["a", "b", "c", "d"]);
    expect(added.find((w) => w.id === "d")!.layout).toEqual({ x: 0, y: 7, w: 4, h: 2 });
    expect(gridRows(added)).toBe(9);
    const removed = removeWidget(added, "c");
    expect(removed.find((w) => w.id === "d")!.layout.y).toBe(4);
  });

  it("gives an edited widget its new size and moves the others out of its way", () => {
    const edited = replaceWidget(board, { ...board[0]!, title: "Status", layout: { x: 0, y: 0, w: 12, h: 4 } });
    expect(edited[0]!.title).toBe("Status");
    expect(layouts(edited)).toMatchObject({ a: { y: 0, w: 12 }, b: { y: 4 }, c: { y: 8 } });
    expect(noOverlaps(edited)).toBe(true);
  });
});
