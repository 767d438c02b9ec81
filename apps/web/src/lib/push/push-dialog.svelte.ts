import type { PushItemChoice } from "./push-request";

/**
 * The one Push dialog of the app, opened from any page ("Push Field", "Push" on a rule, a library
 * folder…) with its items preselected; the layout renders it while `items` is set.
 */
class PushDialogState {
  items = $state<PushItemChoice[] | null>(null);
  /** Bumped on each open, so a second open remounts the dialog with fresh choices. */
  session = $state(0);

  open(items: PushItemChoice[]): void {
    this.items = items;
    this.session += 1;
  }

  close(): void {
    this.items = null;
  }
}

export const pushDialog = new PushDialogState();
