import { createSubscriber } from "svelte/reactivity";

/**
 * The current time, re-read every second by whatever displays it (relative times, countdowns).
 * The interval runs only while something on screen reads `clock.now`.
 */
class Clock {
  #subscribe = createSubscriber((update) => {
    const timer = setInterval(update, 1_000);
    return () => clearInterval(timer);
  });

  get now(): number {
    this.#subscribe();
    return Date.now();
  }
}

export const clock = new Clock();
