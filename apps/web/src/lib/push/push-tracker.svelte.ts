import { errorMessage, pushesApi, type Push, type PushProgressEvent, type PushResult, type PushResultsEvent } from "$lib/api";
import { pushActivity } from "$lib/state/push-activity.svelte";
import { tenants } from "$lib/state/tenants.svelte";
import { mergeResults, showResults, type ShownResult } from "./results";

/** A push with its results ready to show (tenant names and revisions filled in). */
export type TrackedPush = Omit<Push, "results"> & { results: ShownResult[] };

const POLL_MS = 1_500;

function parse<T>(event: Event): T | null {
  try {
    return JSON.parse((event as MessageEvent).data as string) as T;
  } catch {
    return null;
  }
}

/**
 * Follows one push as it runs: `GET /pushes/:id` for the whole picture, then its event stream
 * (`/pushes/:id/events`: `progress`, `results` with the results that changed, `done`). If the
 * stream cannot be opened or drops, it polls until the push is no longer running; a reload after
 * `done` makes the final picture exact. `start()` returns the function that stops following.
 */
export class PushTracker {
  /** The push as the hub sent it. Tenant names are looked up when shown, not when loaded: a page
   * opened by its address loads the push before the tenant directory, and a finished push is never
   * loaded again, so names baked in at load time stayed tenant ids for good. */
  #raw = $state<Push | null>(null);
  readonly #results = $derived(this.#raw ? this.#shown(this.#raw.results, this.#raw.items) : []);
  readonly push: TrackedPush | null = $derived(this.#raw ? { ...this.#raw, results: this.#results } : null);
  error = $state<string | null>(null);
  /** The event stream is open. */
  streaming = $state(false);

  readonly running = $derived(this.push?.state === "running");

  /** What the stream delivered while each reload was in flight. A reload's answer may have been
   * read before those events happened (the stream opens, a result lands, then the reload's GET
   * returns older news), so they are applied again on top of it; else a settled tenant went back
   * to pending and stayed there, as no later event names it again. */
  #heardDuringReload: { results: PushResult[]; progress: PushProgressEvent | null }[] = [];
  #source: EventSource | null = null;
  #pollTimer: ReturnType<typeof setTimeout> | null = null;
  #stopped = false;

  constructor(readonly id: string) {}

  start(): () => void {
    void this.reload().then(() => this.#openStream());
    return () => this.stop();
  }

  stop(): void {
    this.#stopped = true;
    this.#source?.close();
    this.#source = null;
    this.streaming = false;
    if (this.#pollTimer) clearTimeout(this.#pollTimer);
  }

  /** After Retry: the push runs again, so follow it again. */
  restart(): void {
    this.#stopped = false;
    void this.reload().then(() => this.#openStream());
  }

  async reload(): Promise<void> {
    const heard = { results: [] as PushResult[], progress: null as PushProgressEvent | null };
    this.#heardDuringReload.push(heard);
    try {
      const push = await pushesApi.getPush(this.id);
      if (this.#stopped) return;
      this.#raw = { ...push, results: mergeResults(push.results, heard.results) };
      this.#absorbProgress(heard.progress);
      this.error = null;
    } catch (error) {
      if (!this.#stopped) this.error = errorMessage(error);
    } finally {
      this.#heardDuringReload = this.#heardDuringReload.filter((other) => other !== heard);
    }
  }

  /** The live feed's `push.progress` for this push. */
  absorbFeed(): void {
    const event = pushActivity.latest.get(this.id);
    if (event) this.#absorbProgress(event);
  }

  #openStream(): void {
    if (this.#stopped || this.#source || this.push?.state !== "running") return;
    const source = new EventSource(pushesApi.pushEventsUrl(this.id), { withCredentials: true });
    this.#source = source;
    source.addEventListener("open", () => {
      this.streaming = true;
      // Results that arrived between the first load and the stream opening are only in a reload.
      void this.reload();
    });
    source.addEventListener("progress", (event) => this.#heardProgress(parse<PushProgressEvent>(event)));
    source.addEventListener("results", (event) => {
      const data = parse<PushResultsEvent>(event);
      if (data?.id !== this.id) return;
      for (const heard of this.#heardDuringReload) heard.results = mergeResults(heard.results, data.results);
      if (this.#raw) this.#raw.results = mergeResults(this.#raw.results, data.results);
    });
    source.addEventListener("done", (event) => {
      this.#heardProgress(parse<PushProgressEvent>(event));
      this.#closeStream();
      void this.reload();
    });
    source.addEventListener("error", () => {
      // Closed by the hub after the end, or unreachable: poll instead until the push settles.
      this.#closeStream();
      this.#poll();
    });
  }

  #shown(results: readonly PushResult[], items: Push["items"]): ShownResult[] {
    return showResults(results, items, (id) => tenants.get(id)?.name);
  }

  #closeStream(): void {
    this.#source?.close();
    this.#source = null;
    this.streaming = false;
  }

  #heardProgress(event: PushProgressEvent | null): void {
    if (event?.id === this.id) for (const heard of this.#heardDuringReload) heard.progress = event;
    this.#absorbProgress(event);
  }

  #absorbProgress(event: PushProgressEvent | null): void {
    if (!this.#raw || event?.id !== this.id) return;
    // Two sources (stream and live feed) may deliver out of order; pending only shrinks in a run.
    if (event.progress.total === this.#raw.progress.total && event.progress.pending > this.#raw.progress.pending) return;
    this.#raw.progress = event.progress;
    this.#raw.state = event.state;
  }

  #poll(): void {
    if (this.#pollTimer || this.#stopped) return;
    this.#pollTimer = setTimeout(async () => {
      this.#pollTimer = null;
      await this.reload();
      if (this.push?.state === "running") this.#poll();
    }, POLL_MS);
  }
}
