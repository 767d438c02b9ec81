/**
 * A synchronous, typed, in-process publish/subscribe. A throwing listener is reported through
 * `onListenerError` and never stops the others or the publisher.
 */
export class EventBus<Events extends Record<string, unknown>> {
  readonly #listeners = new Set<(event: BusEvent<Events>) => void>();
  readonly #onListenerError: (error: unknown) => void;

  constructor(onListenerError: (error: unknown) => void = () => {}) {
    this.#onListenerError = onListenerError;
  }

  publish<K extends keyof Events & string>(type: K, data: Events[K]): void {
    const event = { type, data } as BusEvent<Events>;
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        this.#onListenerError(error);
      }
    }
  }

  subscribe(listener: (event: BusEvent<Events>) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }
}

export type BusEvent<Events extends Record<string, unknown>> = {
  [K in keyof Events & string]: { type: K; data: Events[K] };
}[keyof Events & string];
