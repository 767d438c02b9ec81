import { encodeMessage } from "@canopy/protocol";
import type { RawAgent } from "@canopy/test-e2e/harness";
import { attackInsight, closedWithin, connectAs, type AttackerIdentity } from "./attackers.js";

/** What a flooding agent saw over all its connections. */
export interface FloodReport {
  connections: number;
  framesSent: number;
  /** Close codes the hub gave, by code. */
  closes: Record<number, number>;
  /** `error` frames by code. */
  errors: Record<string, number>;
  /** `insights.ack` frames (single-insight floods). */
  acks: number;
  /** Per connection: ms from its first flood frame to the hub's close (open ones are left out). */
  closedAfterMs: number[];
  /** Per connection: frames it got through before the close (the hub's answers prove they were read). */
  answeredBeforeClose: number[];
}

const emptyReport = (): FloodReport => ({ connections: 0, framesSent: 0, closes: {}, errors: {}, acks: 0, closedAfterMs: [], answeredBeforeClose: [] });

function tally(report: FloodReport, raw: RawAgent, close: { code: number } | null, startedAt: number): void {
  let answered = 0;
  for (const m of raw.received) {
    if (m.type === "error") {
      report.errors[m.code] = (report.errors[m.code] ?? 0) + 1;
      answered++;
    } else if (m.type === "insights.ack") {
      report.acks++;
      answered++;
    }
  }
  if (close) {
    report.closes[close.code] = (report.closes[close.code] ?? 0) + 1;
    report.closedAfterMs.push(Date.now() - startedAt);
    report.answeredBeforeClose.push(answered);
  }
}

/**
 * An authenticated agent that sends `perConnection` frames of an unknown type at once, waits for
 * the hub's verdict, reconnects at once (an attacker ignores the backoff the contract asks for)
 * and does it again until `durationMs` has passed.
 */
export async function floodUnknownFrames(hubUrl: string, identity: AttackerIdentity, options: { durationMs: number; perConnection: number }): Promise<FloodReport> {
  const report = emptyReport();
  const until = Date.now() + options.durationMs;
  while (Date.now() < until) {
    const raw = await connectAs(hubUrl, identity);
    report.connections++;
    const startedAt = Date.now();
    const frame = encodeMessage({ type: "flood.noise", id: "n" } as never);
    for (let n = 0; n < options.perConnection; n++) raw.sendRaw(frame);
    report.framesSent += options.perConnection;
    const close = await closedWithin(raw, 10_000);
    tally(report, raw, close, startedAt);
    if (!close) raw.close();
  }
  return report;
}

/**
 * An authenticated agent that sends single-insight `insights.upsert` batches at `perSecond`, never
 * waiting for acks, for `durationMs`; when the hub closes it, it reconnects at once and goes on.
 */
export async function floodSingleInsights(hubUrl: string, identity: AttackerIdentity, options: { durationMs: number; perSecond: number }): Promise<FloodReport> {
  const report = emptyReport();
  const until = Date.now() + options.durationMs;
  const tickMs = 10;
  const perTick = Math.max(1, Math.round((options.perSecond * tickMs) / 1000));
  let seq = 0;
  while (Date.now() < until) {
    const raw = await connectAs(hubUrl, identity);
    report.connections++;
    const startedAt = Date.now();
    let open = true;
    void raw.closed.then(() => (open = false));
    // Paced, not a wait: the flood goes out in ticks so its rate is the one asked for.
    await new Promise<void>((done) => {
      const timer = setInterval(() => {
        if (!open || Date.now() >= until) {
          clearInterval(timer);
          return done();
        }
        for (let n = 0; n < perTick; n++) {
          seq++;
          raw.send({ type: "insights.upsert", seq, insights: [attackInsight(`flood-${seq}`, `Flood ${seq}`)] });
        }
        report.framesSent += perTick;
      }, tickMs);
    });
    const close = open ? null : await raw.closed;
    tally(report, raw, close, startedAt);
    if (!close) raw.close();
  }
  return report;
}

export const formatFlood = (r: FloodReport) =>
  `${r.framesSent.toLocaleString("en-US")} frames over ${r.connections} connections; closes ${JSON.stringify(r.closes)}; errors ${JSON.stringify(r.errors)}` +
  (r.acks ? `; ${r.acks} acks` : "") +
  (r.closedAfterMs.length ? `; closed after ${Math.min(...r.closedAfterMs)}–${Math.max(...r.closedAfterMs)} ms` : "");
