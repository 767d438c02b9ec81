import { vi } from "vitest";
import type { Agent, AgentEventName, AgentEvents } from "../src/core/types.js";

type TimerKind = "timeout" | "interval";
const FAKED: Record<TimerKind, ("setTimeout" | "clearTimeout" | "setInterval" | "clearInterval")[]> = {
  timeout: ["setTimeout", "clearTimeout"],
  interval: ["setInterval", "clearInterval"],
};

/**
 * Virtual time for the agent's own timers (reconnect backoff, silence watchdog, drift scans),
 * while its sockets and files keep doing real I/O: only the global timer functions of `kinds`
 * are faked, never setImmediate or nextTick, which ws and the file system need to make progress.
 * Timers started before the call keep real time and can still be cleared. Move time with the
 * synchronous `vi.advanceTimersByTime` / `vi.advanceTimersToNextTimer`: no socket or file event
 * runs while they fire timers, so what a test sees right after is what those timers did. Call
 * `vi.useRealTimers()` in `afterEach`.
 */
export function useFakeAgentTimers(...kinds: TimerKind[]): void {
  vi.useFakeTimers({ toFake: (kinds.length > 0 ? kinds : (["timeout", "interval"] as const)).flatMap((kind) => FAKED[kind]), shouldClearNativeTimers: true });
}

/**
 * The agent's next `event`. No timeout of its own: under fake timers one would never fire, so a
 * missing event fails by the test's timeout instead.
 */
export function nextEvent<E extends AgentEventName>(agent: Agent, event: E): Promise<AgentEvents[E]> {
  return new Promise((resolve) => {
    const off = agent.on(event, (detail) => {
      off();
      resolve(detail);
    });
  });
}
