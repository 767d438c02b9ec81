import { ADMIN_EMAIL, ADMIN_PASSWORD, percentile } from "@canopy/test-e2e/harness";
import type { PingSample, ProbeRequest } from "../src/probe-protocol.js";
import { forkChild, type IpcChild } from "./children.js";

export interface PingFigures {
  samples: number;
  failures: number;
  httpP50: number;
  httpP99: number;
  httpMax: number;
  linkP50: number;
  linkP99: number;
  /** The first few failures, for the report. */
  failureExamples: string[];
}

/** Summarises probe samples: HTTP round trip and link RTT percentiles, and every non-200. */
export function pingFigures(samples: PingSample[]): PingFigures {
  const ok = samples.filter((s) => s.status === 200);
  const http = ok.map((s) => s.httpMs);
  const link = ok.map((s) => s.rttMs ?? NaN).filter((v) => !Number.isNaN(v));
  const failed = samples.filter((s) => s.status !== 200);
  return {
    samples: samples.length,
    failures: failed.length,
    httpP50: percentile(http, 50),
    httpP99: percentile(http, 99),
    httpMax: http.length ? http.reduce((a, b) => Math.max(a, b)) : NaN,
    linkP50: percentile(link, 50),
    linkP99: percentile(link, 99),
    failureExamples: failed.slice(0, 5).map((s) => `${new Date(s.at).toISOString()} ${s.status} ${s.error ?? ""}`),
  };
}

export const formatPing = (f: PingFigures) =>
  `HTTP p50 ${f.httpP50.toFixed(1)} ms / p99 ${f.httpP99.toFixed(1)} ms / max ${f.httpMax.toFixed(1)} ms; ` +
  `link p50 ${f.linkP50.toFixed(1)} ms / p99 ${f.linkP99.toFixed(1)} ms; ${f.samples} pings, ${f.failures} failed`;

/** Just the p99s, for a part of a run. */
export const formatP99 = (samples: PingSample[]) => {
  const f = pingFigures(samples);
  return `HTTP ${f.httpP99.toFixed(1)} ms, link ${f.linkP99.toFixed(1)} ms (${f.samples} pings)`;
};

/**
 * Pings a healthy tenant every `everyMs` through the API (`POST /tenants/:id/ping`, signed in
 * as the admin) from a child process, until `stop()` returns every sample.
 */
export class PingProbe {
  private constructor(private readonly child: IpcChild<ProbeRequest>) {}

  static async start(hubUrl: string, tenantId: string, everyMs: number): Promise<PingProbe> {
    const probe = new PingProbe(forkChild<ProbeRequest>("probe-main"));
    await probe.child.request({ op: "start", hubUrl, tenantId, everyMs, email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    return probe;
  }

  /** Samples taken so far. */
  count(): Promise<number> {
    return this.child.request<number>({ op: "count" });
  }

  async stop(): Promise<PingSample[]> {
    const samples = await this.child.request<PingSample[]>({ op: "stop" });
    await this.child.close();
    return samples;
  }

  close(): Promise<void> {
    return this.child.close();
  }
}
