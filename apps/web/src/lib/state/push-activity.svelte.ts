import { SvelteMap } from "svelte/reactivity";
import type { PushProgressEvent } from "$lib/api";

/**
 * What the live feed says about pushes (`push.progress`): the latest state and counts per push,
 * and a counter that moves on every event so views showing sync state know to reload it.
 */
class PushActivity {
  readonly latest = new SvelteMap<string, PushProgressEvent>();
  /** Bumped on every event; read it in an effect to refresh sync indicators. */
  revision = $state(0);

  record(event: PushProgressEvent): void {
    this.latest.set(event.id, event);
    this.revision += 1;
  }
}

export const pushActivity = new PushActivity();
