import { pushActivity } from "$lib/state/push-activity.svelte";

/**
 * Calls `refresh` when pushes progress (the live feed's `push.progress`), at most once per
 * `intervalMs` and once more after the last event, so sync indicators follow a running push
 * without a request per event. Call from a component's script: it registers an effect.
 */
export function refreshOnPushActivity(refresh: () => unknown, intervalMs = 700): void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let last = 0;
  let seen = pushActivity.revision;

  $effect(() => {
    const revision = pushActivity.revision;
    if (revision === seen) return;
    seen = revision;
    if (timer) return;
    const wait = Math.max(0, last + intervalMs - Date.now());
    timer = setTimeout(() => {
      timer = null;
      last = Date.now();
      void refresh();
    }, wait);
  });

  $effect(() => () => {
    if (timer) clearTimeout(timer);
  });
}
