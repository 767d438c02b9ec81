import type { Locator, Page } from "playwright-core";
import { expect } from "vitest";

/** What a person sees of the layout: boxes against the window, and whether something is cut off. */

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

async function boxOf(locator: Locator, what: string): Promise<Box> {
  const box = await locator.boundingBox();
  if (!box) throw new Error(`${what} is not rendered`);
  return box;
}

/** The part of the page the window shows, horizontally: 0 … width. */
async function viewportWidth(page: Page): Promise<number> {
  const size = page.viewportSize();
  if (!size) throw new Error("the page has no fixed viewport");
  return size.width;
}

/** Left and right edges inside the window (a 1 px rounding allowance). */
export async function expectInViewport(page: Page, locator: Locator, what: string): Promise<void> {
  const box = await boxOf(locator, what);
  const width = await viewportWidth(page);
  expect(box.x, `${what} starts left of the window`).toBeGreaterThanOrEqual(-1);
  expect(box.x + box.width, `${what} ends right of a ${width} px window (at ${Math.round(box.x + box.width)} px)`).toBeLessThanOrEqual(width + 1);
}

/** `inner` lies wholly inside `outer` (a 1 px rounding allowance): not clipped by it. */
export async function expectInside(inner: Locator, outer: Locator, what: string): Promise<void> {
  const a = await boxOf(inner, what);
  const b = await boxOf(outer, `the box around ${what}`);
  expect(a.x, `${what} starts left of its box`).toBeGreaterThanOrEqual(b.x - 1);
  expect(a.x + a.width, `${what} ends right of its box (${Math.round(a.x + a.width)} > ${Math.round(b.x + b.width)})`).toBeLessThanOrEqual(b.x + b.width + 1);
  expect(a.y, `${what} starts above its box`).toBeGreaterThanOrEqual(b.y - 1);
  expect(a.y + a.height, `${what} ends below its box`).toBeLessThanOrEqual(b.y + b.height + 1);
}

/** The page itself never scrolls sideways: anything wider scrolls inside its own container. */
export async function expectNoPageOverflow(page: Page, where: string): Promise<void> {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  expect(scrollWidth, `${where}: the page is ${scrollWidth} px wide in a ${innerWidth} px window`).toBeLessThanOrEqual(innerWidth);
}

/** The element's own content is wider than it (clipped or scrolled), in px; 0 when it fits. */
export function hiddenWidth(locator: Locator): Promise<number> {
  return locator.evaluate((element) => Math.max(0, element.scrollWidth - element.clientWidth));
}

/**
 * `target` can be reached: it is in the window, or it sits in a table scroll container that says
 * so (its hint at the cut edge is visible) and scrolling that container brings it into the window.
 */
export async function expectReachable(page: Page, target: Locator, what: string): Promise<"visible" | "scrolls"> {
  const box = await boxOf(target, what);
  const width = await viewportWidth(page);
  if (box.x >= -1 && box.x + box.width <= width + 1) {
    // In the window, but a scroll container can still hide it behind its clipped edge.
    const clipped = await target.evaluate((element) => {
      const scroller = element.closest<HTMLElement>('[data-testid="table-scroll"]');
      if (!scroller) return false;
      const outer = scroller.getBoundingClientRect();
      const inner = element.getBoundingClientRect();
      return inner.right > outer.right + 1 || inner.left < outer.left - 1;
    });
    if (!clipped) return "visible";
  }
  const scroller = target.locator('xpath=ancestor::*[@data-testid="table-scroll"][1]');
  expect(await scroller.count(), `${what} is cut off and not inside a table scroll container`).toBe(1);
  expect(await hiddenWidth(scroller), `${what} is cut off but its container does not scroll`).toBeGreaterThan(0);
  // The hint sits on the frame around the scrolling part, over the edge that hides the target.
  const side = await target.evaluate((element) => {
    const outer = element.closest('[data-testid="table-scroll"]')!.getBoundingClientRect();
    return element.getBoundingClientRect().left < outer.left ? "start" : "end";
  });
  const hint = scroller.locator("xpath=..").locator(`[data-testid="scroll-hint-${side}"]`);
  expect(await hint.isVisible(), `the container of ${what} shows no hint on its ${side} edge that it scrolls`).toBe(true);
  await expectInViewport(page, hint, `the scroll hint of ${what}`);
  await target.scrollIntoViewIfNeeded();
  await expectInViewport(page, target, `${what} once scrolled to`);
  return "scrolls";
}
