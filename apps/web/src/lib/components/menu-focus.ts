/** What every small pop-up menu here does: first item focused on open, arrows move, a press outside closes. */

const ITEM = '[role="menuitem"]';

export function focusFirstMenuItem(menu: ParentNode): void {
  menu.querySelector<HTMLElement>(ITEM)?.focus();
}

/** ArrowDown/ArrowUp move the focus to the next/previous item, round the ends; false for any other key. */
export function moveMenuFocus(menu: ParentNode, event: KeyboardEvent): boolean {
  if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return false;
  event.preventDefault();
  const items = [...menu.querySelectorAll<HTMLElement>(ITEM)];
  const at = items.indexOf(document.activeElement as HTMLElement);
  const step = event.key === "ArrowDown" ? 1 : -1;
  items[(at + step + items.length) % items.length]?.focus();
  return true;
}

/** Calls `close` when a pointer goes down outside `root`; returns the teardown for a `$effect`. */
export function closeOnPointerOutside(root: HTMLElement, close: () => void): () => void {
  const onPointer = (event: PointerEvent) => {
    if (!root.contains(event.target as Node)) close();
  };
  document.addEventListener("pointerdown", onPointer);
  return () => document.removeEventListener("pointerdown", onPointer);
}

/**
 * Everything an open menu under `root` does until the returned teardown (a `$effect`'s): its first
 * item focused, arrows move, Escape closes it and gives the focus back to its `.trigger`, a press
 * outside closes it.
 */
export function whileMenuOpen(root: HTMLElement, close: () => void): () => void {
  const keys = (event: KeyboardEvent) => {
    if (event.key === "Escape") {
      close();
      root.querySelector<HTMLButtonElement>(".trigger")?.focus();
      return;
    }
    moveMenuFocus(root, event);
  };
  const stopOutside = closeOnPointerOutside(root, close);
  document.addEventListener("keydown", keys);
  focusFirstMenuItem(root);
  return () => {
    stopOutside();
    document.removeEventListener("keydown", keys);
  };
}
