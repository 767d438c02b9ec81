/** One ping of the healthy tenant: `POST /api/v1/tenants/:id/ping` as seen from outside the hub. */
export interface PingSample {
  /** When it was sent (epoch ms). */
  at: number;
  /** The HTTP round trip, measured by the probe. */
  httpMs: number;
  /** The link round trip hub → agent → hub that the hub measured (`rttMs`), when it answered 200. */
  rttMs: number | null;
  /** HTTP status, or 0 when the request failed (refused, reset, timed out). */
  status: number;
  /** The problem `code` or the network error, for anything but 200. */
  error?: string;
}

export type ProbeRequest =
  | { id: number; op: "start"; hubUrl: string; email: string; password: string; tenantId: string; everyMs: number }
  | { id: number; op: "count" }
  | { id: number; op: "stop" };
