// The healthy tenant's ping, measured from a process of its own: the scenario's own work (the
// fuzzer, hundreds of sockets) must not show up as latency that the hub did not cause.
import type { PingSample, ProbeRequest } from "./probe-protocol.js";

const samples: PingSample[] = [];
let running = false;
let loop: Promise<void> = Promise.resolve();

async function login(hubUrl: string, email: string, password: string): Promise<string> {
  const res = await fetch(new URL("/api/v1/auth/login", hubUrl), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`probe login answered ${res.status}: ${await res.text()}`);
  return (res.headers.getSetCookie()[0] ?? "").split(";")[0]!;
}

async function pingOnce(url: URL, cookie: string, origin: string): Promise<PingSample> {
  const at = Date.now();
  const t0 = performance.now();
  try {
    const res = await fetch(url, { method: "POST", headers: { cookie, origin }, signal: AbortSignal.timeout(15_000) });
    const body = (await res.json().catch(() => null)) as { rttMs?: number; code?: string } | null;
    const httpMs = performance.now() - t0;
    if (res.status === 200) return { at, httpMs, rttMs: body?.rttMs ?? null, status: 200 };
    return { at, httpMs, rttMs: null, status: res.status, error: body?.code ?? "no problem code" };
  } catch (error) {
    return { at, httpMs: performance.now() - t0, rttMs: null, status: 0, error: error instanceof Error ? error.message : String(error) };
  }
}

async function run(request: Extract<ProbeRequest, { op: "start" }>): Promise<void> {
  const cookie = await login(request.hubUrl, request.email, request.password);
  const url = new URL(`/api/v1/tenants/${request.tenantId}/ping`, request.hubUrl);
  const origin = new URL(request.hubUrl).origin;
  running = true;
  loop = new Promise<void>((done) => {
    const tick = async () => {
      if (!running) return done();
      const sample = await pingOnce(url, cookie, origin);
      samples.push(sample);
      // The next ping `everyMs` after this one started; a slow answer is followed at once, never overlapped.
      setTimeout(() => void tick(), Math.max(0, request.everyMs - (Date.now() - sample.at)));
    };
    void tick();
  });
}

async function handle(request: ProbeRequest): Promise<unknown> {
  if (request.op === "start") {
    await run(request);
    return null;
  }
  if (request.op === "count") return samples.length;
  running = false;
  await loop;
  return samples;
}

process.on("message", (request: ProbeRequest) => {
  handle(request).then(
    (result) => process.send!({ id: request.id, ok: true, result }),
    (error: unknown) => process.send!({ id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) }),
  );
});
process.on("disconnect", () => process.exit(0));
