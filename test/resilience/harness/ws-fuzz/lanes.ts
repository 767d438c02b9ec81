import type { KeyObject } from "node:crypto";
import type fc from "fast-check";
import type { Violations } from "../violations.js";
import { judgeConnection, type SentFrame } from "./answers.js";
import type { FrameClass, FuzzFrame } from "./frames.js";
import { FuzzSocket, type FuzzIdentity } from "./fuzz-socket.js";
import { expectationFor } from "./oracle.js";
import type { Pacer } from "./pacer.js";
import { closingFrames, connectionLength, draw, openFrames, seedFor, unauthenticatedFrame } from "./scripts.js";

export interface WsFuzzStats {
  /** Fuzzed frames the hub read (the terminators and handshakes not counted, nor frames sent after a close). */
  frames: number;
  /** Read frames whose answer was checked and right. */
  verified: number;
  /** Frames sent after the connection's close, never read (not counted as fuzzed). */
  unread: number;
  /** Connections still open after their last fuzzed frame, closed by the terminator. */
  terminators: number;
  connections: { authenticated: number; unauthenticated: number };
  byClass: Partial<Record<FrameClass, number>>;
  closes: Record<number, number>;
  /** Frames answered `rate_limited` and 4029 (the budget's typed answer; verified). */
  rateLimited: number;
  bytes: number;
}

export const emptyStats = (): WsFuzzStats => ({ frames: 0, verified: 0, unread: 0, terminators: 0, connections: { authenticated: 0, unauthenticated: 0 }, byClass: {}, closes: {}, rateLimited: 0, bytes: 0 });

export interface LaneContext {
  hubUrl: string;
  hubKey: KeyObject;
  /** A paired agent identity: an authenticated lane logs in with it, an unauthenticated one replays its hellos. */
  identity: FuzzIdentity;
  seed: number;
  /** Frames still to fuzz, shared by every lane; frames a connection did not get read are given back. */
  budget: { remaining: number };
  /** Paces the lane's frames (authenticated: its tenant's) or connections (unauthenticated: shared). */
  pacer: Pacer;
  /** What an authenticated lane sends before each connection's closing frame (default `openFrames`). */
  frames?: fc.Arbitrary<FuzzFrame>;
  /** Paces the handshakes of all authenticated lanes together: dozens of lanes starting at once are a burst no agent fleet makes. */
  handshakes?: Pacer;
  stats: WsFuzzStats;
  violations: Violations;
}

/** How long a connection may take to answer everything it was sent. */
const ANSWER_MS = 30_000;
/** Always fatal (`bad_encoding`, 4000): ends a connection that is still open after its last frame. */
const TERMINATOR = "{";
/**
 * Frames generated and sent together on an authenticated connection: few, so that once the hub
 * closed it (a bad frame over the tenant's budget, at a random place) little is sent in vain.
 */
const CHUNK = 8;

function take(ctx: LaneContext, n: number): number {
  const taken = Math.min(n, Math.max(0, ctx.budget.remaining));
  ctx.budget.remaining -= taken;
  return taken;
}

function prepare(frame: FuzzFrame, socket: FuzzSocket, ctx: LaneContext, staleNonce: string): FuzzFrame {
  if (frame.cls !== "hello-replay") return frame;
  // A genuine hello of a paired agent, signed over another connection's challenge.
  return { ...frame, data: socket.hello(ctx.identity, staleNonce) };
}

/** What the hub tells an agent of its own accord (its tenant's settings on welcome), never an answer to a frame. */
const UNSOLICITED: ReadonlySet<string> = new Set(["tenant.settings", "insights.resume"]);

function send(socket: FuzzSocket, frame: FuzzFrame, authenticated: boolean, sent: SentFrame[]): void {
  sent.push({ frame, expected: expectationFor(frame, authenticated) });
  socket.send(frame.data, frame.binary);
}

/**
 * Sends the terminator, waits for the close, and has the answers judged; counts what the hub
 * read and gives back to the budget what it never read.
 */
async function finish(ctx: LaneContext, socket: FuzzSocket, from: number, sent: SentFrame[], authenticated: boolean): Promise<void> {
  socket.sendText(TERMINATOR);
  const close = await socket.until("the close", () => socket.closed, ANSWER_MS).catch(() => undefined);
  const answers = socket.frames.slice(from).filter((frame) => !UNSOLICITED.has(frame.type));
  const verdict = judgeConnection(sent, answers, close, authenticated, ctx.violations);
  socket.terminate();
  const { stats } = ctx;
  for (const { frame } of sent.slice(0, verdict.read)) {
    stats.frames++;
    stats.bytes += typeof frame.data === "string" ? Buffer.byteLength(frame.data) : frame.data.byteLength;
    stats.byClass[frame.cls] = (stats.byClass[frame.cls] ?? 0) + 1;
  }
  stats.verified += verdict.verified;
  stats.unread += sent.length - verdict.read;
  ctx.budget.remaining += sent.length - verdict.read;
  if (verdict.rateLimited) stats.rateLimited++;
  if (verdict.terminated) stats.terminators++;
  const code = close?.code ?? 0;
  stats.closes[code] = (stats.closes[code] ?? 0) + 1;
}

/**
 * Connects as the lane's agent again and again. Each connection gets up to 300 frames, paced
 * (no round trip per frame: they are pipelined, and the answers judged once it closed), then
 * its closing frame. One lane per identity: a second connection with the same key would replace
 * the first (4004).
 */
export async function authenticatedLane(ctx: LaneContext): Promise<void> {
  let staleNonce = "x".repeat(43);
  for (let n = 0; ctx.budget.remaining > 0; n++) {
    await ctx.handshakes?.take(1);
    const socket = await FuzzSocket.open(ctx.hubUrl, ctx.hubKey);
    await socket.authenticate(ctx.identity);
    ctx.stats.connections.authenticated++;
    const from = socket.frames.length;
    const length = draw(connectionLength, seedFor(ctx.seed, n, -1))[0]!;
    const sent: SentFrame[] = [];
    for (let chunk = 0; sent.length < length && socket.closed === undefined; chunk++) {
      const count = take(ctx, Math.min(CHUNK, length - sent.length));
      if (count === 0) break;
      await ctx.pacer.take(count);
      for (const frame of draw(ctx.frames ?? openFrames, seedFor(ctx.seed, n, chunk), count)) send(socket, prepare(frame, socket, ctx, staleNonce), true, sent);
    }
    if (socket.closed === undefined && take(ctx, 1) === 1) {
      await ctx.pacer.take(1);
      send(socket, draw(closingFrames, seedFor(ctx.seed, n, -2))[0]!, true, sent);
    }
    await finish(ctx, socket, from, sent, true);
    staleNonce = socket.nonce;
  }
}

/** One frame per connection, before any handshake: the first frame that is not a valid hello is fatal. */
export async function unauthenticatedLane(ctx: LaneContext): Promise<void> {
  const first = await FuzzSocket.open(ctx.hubUrl, ctx.hubKey);
  first.terminate();
  for (let n = 0; take(ctx, 1) === 1; n++) {
    await ctx.pacer.take(1);
    const socket = await FuzzSocket.open(ctx.hubUrl, ctx.hubKey);
    ctx.stats.connections.unauthenticated++;
    const frame = prepare(draw(unauthenticatedFrame, seedFor(ctx.seed, n))[0]!, socket, ctx, first.nonce);
    const sent: SentFrame[] = [];
    send(socket, frame, false, sent);
    await finish(ctx, socket, 1, sent, false);
    if (socket.frames.some((f) => f.type === "welcome")) ctx.violations.add("welcomed without a valid hello", String(frame.data), 0);
  }
}
