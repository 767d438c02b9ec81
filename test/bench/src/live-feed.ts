/** One server-sent event of the hub's live feed (`GET /api/v1/events`), its data parsed. */
export interface FeedEvent {
  event: string;
  // The bench reads a few fields of a few events; @canopy/api has their schemas.
  data: Record<string, unknown>;
}

export interface LiveFeed {
  /** How many events have arrived so far: a mark to wait from. */
  readonly position: number;
  /**
   * The first value `match` gives for an event from `from` on (default: from now), waiting for
   * new events as they arrive. Rejects if the hub ends the feed first, or after `timeoutMs`.
   */
  waitFor<T>(what: string, match: (event: FeedEvent) => T | undefined, options?: { from?: number; timeoutMs?: number }): Promise<T>;
  close(): Promise<void>;
}

/**
 * The hub's live feed as this signed-in client, read in the background. Benchmarks wait on it
 * for what they measure (insights acked, a change acknowledged, a push done) instead of polling
 * the API on a timer: the figure is taken when the hub says so, not at the next poll.
 */
export async function openLiveFeed(hubUrl: string, cookie: string): Promise<LiveFeed> {
  const controller = new AbortController();
  const res = await fetch(new URL("/api/v1/events", hubUrl), { headers: { cookie }, signal: controller.signal });
  if (!res.ok || !res.body) throw new Error(`live feed: ${res.status} ${(await res.text()).slice(0, 300)}`);
  const events: FeedEvent[] = [];
  const listeners = new Set<() => void>();
  let ended: Error | undefined;
  const notify = () => {
    for (const listener of Array.from(listeners)) listener();
  };

  const reading = (async () => {
    const decoder = new TextDecoder();
    let text = "";
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        text += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = text.indexOf("\n\n")) >= 0) {
          const block = text.slice(0, end);
          text = text.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) as FeedEvent["data"] });
        }
        notify();
      }
      ended = new Error("the hub ended the live feed (a client that falls 1000 events behind is dropped)");
    } catch (error) {
      ended = controller.signal.aborted ? new Error("live feed closed") : (error as Error);
    }
    notify();
  })();

  return {
    get position() {
      return events.length;
    },
    waitFor(what, match, { from = events.length, timeoutMs = 600_000 } = {}) {
      return new Promise((resolve, reject) => {
        let next = from;
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        const check = () => {
          for (; next < events.length; next++) {
            const value = match(events[next]!);
            if (value !== undefined) return finish(() => resolve(value));
          }
          if (ended) finish(() => reject(new Error(`${ended!.message}, while waiting for ${what}`)));
        };
        const timer = setTimeout(() => finish(() => reject(new Error(`no ${what} on the live feed within ${timeoutMs / 1000} s`))), timeoutMs);
        listeners.add(check);
        check();
      });
    },
    async close() {
      controller.abort();
      await reading;
    },
  };
}
