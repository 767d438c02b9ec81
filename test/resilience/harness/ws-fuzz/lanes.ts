import type { KeyObject } from "node:crypto";
import { setTimeout as pause } from "node:timers/promises";
import { createBackoff } from "@canopy/agent";
import { encodeMessage } from "@canopy/protocol";
import type { Violations } from "../violations.js";
import type { FrameClass, FuzzFrame } from "./frames.js";
import { FuzzSocket, type FuzzIdentity, type HubFrame } from "./fuzz-socket.js";
import { expectationFor, RATE_LIMIT, type Expectation } from "./oracle.js";
import { authenticatedScript, nth, unauthenticatedFrame } from "./scripts.js";

export interface WsFuzzStats {
  /** Fuzzed frames sent (sentinels and handshakes not counted). */
  frames: number;
  /** Frames whose answer was checked and right. */
  verified: number;
  sentinels: number;
  connections: { authenticated: number; unauthenticated: number };
  byClass: Partial<Record<FrameClass, number>>;
  closes: Record<number, number>;
  /** `rate_limited` errors and 4029 closes: budget answers. */
  rateLimited: number;
  bytes: number;
}

export const emptyStats = (): WsFuzzStats => ({ frames: 0, verified: 0, sentinels: 0, connections: { authenticated: 0, unauthenticated: 0 }, byClass: {}, closes: {}, rateLimited: 0, bytes: 0 });

export interface LaneContext {
  hubUrl: string;
  hubKey: KeyObject;
  /** A paired agent identity: authenticated lanes log in with it, the others replay its hellos. */
  identity: FuzzIdentity;
  seed: number;
  /** Shared budget: a lane takes frames from it until it is empty. */
  budget: { remaining: number };
  stats: WsFuzzStats;
  violations: Violations;
}

const ANSWER_MS = 20_000;
let sentinelCounter = 0;

/** A frame that must come back as `unknown_type` with its id: proof the hub read everything before it. */
function sentinel(): { id: string; data: string } {
  const id = `sentinel-${++sentinelCounter}`;
  return { id, data: encodeMessage({ type: "fuzz.sentinel", id }) };
}

function take(ctx: LaneContext, n: number): boolean {
  if (ctx.budget.remaining <= 0) return false;
  ctx.budget.remaining -= n;
  return true;
}

function sent(ctx: LaneContext, frame: FuzzFrame): void {
  ctx.stats.frames++;
  ctx.stats.bytes += typeof frame.data === "string" ? Buffer.byteLength(frame.data) : frame.data.byteLength;
  ctx.stats.byClass[frame.cls] = (ctx.stats.byClass[frame.cls] ?? 0) + 1;
}

/** Waits for the sentinel's answer or the close, whichever comes first. */
async function collectAnswers(socket: FuzzSocket, sentinelId: string, from: number): Promise<{ errors: HubFrame[]; closed: FuzzSocket["closed"] }> {
  await socket.until("the sentinel's answer or a close", () => (socket.closed || socket.frames.slice(from).some((f) => f.ref === sentinelId) ? true : undefined), ANSWER_MS);
  const errors = socket.frames.slice(from).filter((f) => f.type === "error");
  const answered = errors.some((f) => f.ref === sentinelId);
  // Answered: the connection was open when the hub read the sentinel, whatever happened after.
  return { errors: errors.filter((f) => f.ref !== sentinelId), closed: answered ? undefined : socket.closed };
}

/**
 * Checks the answers to `frames` (sent in order, then a sentinel) against the oracle. Budget
 * answers (`rate_limited`, close 4029) are accepted anywhere; everything else must match.
 */
function check(ctx: LaneContext, frames: FuzzFrame[], authenticated: boolean, outcome: Awaited<ReturnType<typeof collectAnswers>>): void {
  const phase = authenticated ? "after the handshake" : "before the handshake";
  const errors = outcome.errors.filter((e) => e.code !== RATE_LIMIT.code);
  ctx.stats.rateLimited += outcome.errors.length - errors.length;
  if (outcome.closed) ctx.stats.closes[outcome.closed.code] = (ctx.stats.closes[outcome.closed.code] ?? 0) + 1;
  const throttled = outcome.closed?.code === RATE_LIMIT.close;
  if (throttled) ctx.stats.rateLimited++;
  let e = 0;
  for (const frame of frames) {
    const expected: Expectation = expectationFor(frame.cls, authenticated);
    let ok = true;
    const problem = (what: string) => {
      ok = false;
      const text = typeof frame.data === "string" ? frame.data : frame.data.toString("latin1");
      ctx.violations.add(`${frame.cls} ${phase}: ${what}`, text, text.length);
    };
    if (expected.answer !== "silent" && expected.answer !== "close") {
      const answer = errors[e++];
      // The budget's close answers every frame it cut off.
      if (!answer && throttled) return;
      if (!answer) problem(outcome.closed ? `no error frame before close ${outcome.closed.code}` : "no error frame");
      else if (!expected.codes.includes(answer.code as never)) problem(`answered ${answer.code ?? answer.type}, expected ${expected.codes.join(" or ")}`);
      else if (frame.ref !== undefined && answer.ref !== frame.ref) problem(`error ref ${JSON.stringify(answer.ref)} instead of the frame's id`);
    }
    const closing = expected.answer === "fatal" || expected.answer === "close" || (expected.answer === "either" && outcome.closed !== undefined);
    if (closing) {
      const allowed = (expected as { close: number[] }).close;
      if (!outcome.closed) problem(`connection left open (expected close ${allowed.join("/")})`);
      else if (!allowed.includes(outcome.closed.code) && !throttled) problem(`closed ${outcome.closed.code} (expected ${allowed.join("/")})`);
    }
    if (ok) ctx.stats.verified++;
    if (closing || !ok) return;
  }
  if (outcome.closed && !throttled) ctx.violations.add(`closed ${outcome.closed.code} ${phase} after frames that must not close it`, frames.map((f) => f.cls).join(","), frames.length);
  if (e < errors.length) ctx.violations.add(`${errors.length - e} unexpected error frame(s) ${phase}`, errors.slice(e).map((f) => f.code).join(","), errors.length - e);
}

function prepare(frame: FuzzFrame, socket: FuzzSocket, ctx: LaneContext, staleNonce: string): FuzzFrame {
  if (frame.cls !== "hello-replay") return frame;
  // A genuine hello of a paired agent, signed over another connection's challenge.
  return { ...frame, data: socket.hello(ctx.identity, staleNonce) };
}

/** Connects as the lane's agent, sends the script's bursts (each closed by a sentinel), then its closing frame. */
export async function authenticatedLane(ctx: LaneContext): Promise<void> {
  const backoff = createBackoff({ maxMs: 2000 });
  let staleNonce = "x".repeat(43);
  for (let n = 0; ctx.budget.remaining > 0; n++) {
    const socket = await FuzzSocket.open(ctx.hubUrl, ctx.hubKey);
    try {
      await socket.authenticate(ctx.identity);
    } catch (error) {
      if (socket.closed?.code === RATE_LIMIT.close) {
        ctx.stats.rateLimited++;
        // An agent refused for its budget waits before it dials again (closeCodeAdvice: reconnect after a backoff).
        await pause(backoff.next());
        continue;
      }
      throw error;
    }
    ctx.stats.connections.authenticated++;
    const script = nth(authenticatedScript, ctx.seed, n);
    let open = true;
    for (const burst of [...script.bursts, [script.last]]) {
      if (!open || !take(ctx, burst.length)) break;
      const frames = burst.map((f) => prepare(f, socket, ctx, staleNonce));
      const from = socket.frames.length;
      for (const frame of frames) {
        socket.send(frame.data, frame.binary);
        sent(ctx, frame);
      }
      const s = sentinel();
      socket.sendText(s.data);
      ctx.stats.sentinels++;
      const outcome = await collectAnswers(socket, s.id, from);
      check(ctx, frames, true, outcome);
      open = outcome.closed === undefined;
      if (outcome.closed?.code === RATE_LIMIT.close) await pause(backoff.next());
      else backoff.reset();
    }
    staleNonce = socket.nonce;
    socket.terminate();
  }
}

/** One decisive frame per connection, before any handshake. */
export async function unauthenticatedLane(ctx: LaneContext): Promise<void> {
  const staleNonce = (await FuzzSocket.open(ctx.hubUrl, ctx.hubKey).then((s) => (s.terminate(), s.nonce))) || "x".repeat(43);
  for (let n = 0; take(ctx, 1); n++) {
    const socket = await FuzzSocket.open(ctx.hubUrl, ctx.hubKey);
    ctx.stats.connections.unauthenticated++;
    const frame = prepare(nth(unauthenticatedFrame, ctx.seed, n), socket, ctx, staleNonce);
    socket.send(frame.data, frame.binary);
    sent(ctx, frame);
    const s = sentinel();
    socket.sendText(s.data);
    ctx.stats.sentinels++;
    check(ctx, [frame], false, await collectAnswers(socket, s.id, 1));
    if (socket.frames.some((f) => f.type === "welcome")) ctx.violations.add("welcomed without a valid hello", String(frame.data), 0);
    socket.terminate();
  }
}
