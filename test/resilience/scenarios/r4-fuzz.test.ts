// R4: property-based fuzzing with fast-check of the agent gateway (random, malformed, oversize and
// wrongly typed frames from unauthenticated and authenticated sockets) and of the HTTP API (every
// operation of the OpenAPI document, as anonymous, viewer and admin), while a healthy tenant is
// pinged every 50 ms. The hub must never crash, every bad input must get a typed answer, and the
// healthy tenant's ping p99 must stay under 100 ms throughout.
import { customField, type Scenario, waitFor, type PairedAgent } from "@canopy/test-e2e/harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scale, seed } from "../harness/env.js";
import { asBackground, withCpu } from "../harness/cpu.js";
import { Figures } from "../harness/figures.js";
import { countHubLog, fuzzTenants, type FuzzTenant } from "../harness/fuzz-world.js";
import { hubHealthy } from "../harness/hub-health.js";
import { startScenario } from "../harness/hub-watch.js";
import { fetchOperations } from "../harness/http-fuzz/openapi.js";
import { emptyHttpStats, runHttpFuzz } from "../harness/http-fuzz/runner.js";
import { formatP99, formatPing, PingProbe, pingFigures } from "../harness/ping-probe.js";
import { Violations } from "../harness/violations.js";
import { authenticatedLane, emptyStats, unauthenticatedLane, type LaneContext } from "../harness/ws-fuzz/lanes.js";
import { Pacer } from "../harness/ws-fuzz/pacer.js";
import { floodFrames, seedFor } from "../harness/ws-fuzz/scripts.js";

const { frames: FRAMES, httpRequests: REQUESTS, fuzzIdentities: IDENTITIES, pingEveryMs: PING_MS, pingP99LimitMs: P99_LIMIT } = scale.r4;
/** Before the handshake every frame costs a connection; most frames go over authenticated ones. */
const UNAUTHENTICATED_SHARE = 0.03;
/**
 * Connections are round trips more than work: enough of them in flight to keep the hub busy.
 * With one authenticated lane per identity, all of them stay under the hub's 128 handshakes
 * in flight per address.
 */
const UNAUTHENTICATED_LANES = 16;
/**
 * The pace of the attack. Each fuzzed tenant stays under the hub's frame budget (200 a second),
 * so the budget it runs out of is the bad-frame one; together they keep the hub busy (a few
 * thousand frames and a few hundred connections a second) without saturating a core: the
 * healthy tenant's ping is measured meanwhile.
 */
const FRAMES_PER_TENANT_PER_SECOND = 100;
const UNAUTHENTICATED_CONNECTIONS_PER_SECOND = 200;
/** Handshakes of the authenticated lanes together: above what they need (~60 a second), it only spreads their start. */
const HANDSHAKES_PER_SECOND = 100;
/**
 * Identities that flood bad frames (`floodFrames`): past their bad-frame budget every connection
 * of theirs ends at its first bad frame, answered `rate_limited` and 4029. Slower than the
 * others: each of their frames after that costs a connection.
 */
const FLOODERS = 2;
const FLOODER_FRAMES_PER_SECOND = 30;

describe("R4: fuzzing the agent gateway and the HTTP API", () => {
  const figures = new Figures("R4 fuzzing (fast-check)");
  let scenario: Scenario;
  let healthy: PairedAgent;
  let fuzz: Awaited<ReturnType<typeof fuzzTenants>>;
  let probe: PingProbe | undefined;
  let log: ReturnType<typeof countHubLog>;
  let attackStartedAt = 0;
  /** When the frames phase ended and the HTTP one began: the ping is also shown for each. */
  let httpStartedAt = Infinity;

  beforeAll(async () => {
    await figures.phase("setup", async () => {
      // The product's heartbeat (15 s), not test/e2e's 1 s: the fuzzer's own process is busy, and
      // a late pong from it must not read as a hub that dropped the connection.
      scenario = await startScenario({ heartbeatMs: 15_000 });
      log = countHubLog(scenario.hub);
      healthy = await scenario.addAgent("R4 Healthy Tenant", "process");
      fuzz = await fuzzTenants(scenario, IDENTITIES);
      await scenario.api.waitForStatus(healthy.tenant.id, "online");
      probe = await PingProbe.start(scenario.hub.url, healthy.tenant.id, PING_MS);
      // A calm baseline first: what this machine gives without an attack, printed beside the figure under attack.
      await waitFor("40 calm pings", async () => (await probe!.count()) >= 40, { timeoutMs: 60_000, intervalMs: 100 });
      attackStartedAt = Date.now();
    });
  });
  afterAll(async () => {
    await probe?.close();
    figures.print();
    await scenario?.close();
  });

  it(`${FRAMES.toLocaleString("en-US")} frames: every bad frame gets a typed error and/or a documented close`, async () => {
    const stats = emptyStats();
    const violations = new Violations();
    const unauthenticated = { remaining: Math.round(FRAMES * UNAUTHENTICATED_SHARE) };
    const authenticated = { remaining: FRAMES - unauthenticated.remaining };
    const unauthenticatedPace = new Pacer(UNAUTHENTICATED_CONNECTIONS_PER_SECOND, 4);
    const handshakes = new Pacer(HANDSHAKES_PER_SECOND, 4);
    const context = (identity: FuzzTenant, lane: number, budget: { remaining: number }, pacer: Pacer): LaneContext => ({
      hubUrl: scenario.hub.url,
      hubKey: fuzz.hubKey,
      identity,
      seed: seedFor(seed, lane),
      budget,
      pacer,
      handshakes,
      stats,
      violations,
    });
    const logBefore = log.bytes();
    const started = performance.now();
    const finished: string[] = [];
    const lanes = (what: string, work: Promise<void>[]) => Promise.all(work).then(() => void finished.push(`${what} after ${((performance.now() - started) / 1000).toFixed(1)} s`));
    const attack = () =>
      Promise.all([
        lanes(
          "authenticated",
          fuzz.tenants.map((t, i) =>
            i < FLOODERS
              ? authenticatedLane({ ...context(t, i, authenticated, new Pacer(FLOODER_FRAMES_PER_SECOND, 8)), frames: floodFrames })
              : authenticatedLane(context(t, i, authenticated, new Pacer(FRAMES_PER_TENANT_PER_SECOND, 16))),
          ),
        ),
        lanes(
          "unauthenticated",
          Array.from({ length: UNAUTHENTICATED_LANES }, (_, i) => unauthenticatedLane(context(fuzz.tenants[i % fuzz.tenants.length]!, 1000 + i, unauthenticated, unauthenticatedPace))),
        ),
      ]);
    const stopProgress = figures.progress(15_000, () => `${stats.frames} frames read, ${violations.total} wrong so far`);
    try {
      const { cpu } = await withCpu({ hub: scenario.hub.child.process.pid!, fuzzer: process.pid }, () => figures.phase("frames", () => asBackground(attack)));
      figures.set("cpu during frames", cpu).set("lanes done", finished.join(", "));
    } finally {
      stopProgress();
    }
    figures
      .set("frames fuzzed", `${stats.frames} read by the hub (${(stats.bytes / 1048576).toFixed(0)} MiB): ${Object.entries(stats.byClass).map(([c, n]) => `${c} ${n}`).join(", ")}`)
      .set("frame answers verified", `${stats.verified} of ${stats.frames}; ${violations.total} wrong; ${stats.rateLimited} answered rate_limited + 4029`)
      .set("frames never read", `${stats.unread} sent after their connection's close (not counted); ${stats.terminators} connections still open after their last frame, ended by the terminator`)
      .set("ws connections", `${stats.connections.authenticated} authenticated (${IDENTITIES} tenants, ${FLOODERS} of them flooding bad frames), ${stats.connections.unauthenticated} unauthenticated; closes ${JSON.stringify(stats.closes)}`)
      .set("hub log during frames", `${((log.bytes() - logBefore) / 1048576).toFixed(1)} MiB`);
    const health = await hubHealthy(scenario.hub);
    expect(health, "the hub survived the frames").toEqual({ alive: true, healthz: 200 });
    expect(violations.summary(), "frames without their typed answer").toEqual({});
    expect(stats.frames, "frames the hub read").toBeGreaterThanOrEqual(FRAMES);
    expect(stats.verified, "every frame read got its answer").toBe(stats.frames);
  });

  it(`${REQUESTS.toLocaleString("en-US")} HTTP requests from the OpenAPI document: never a 5xx, every 4xx a problem+json with a code`, async () => {
    httpStartedAt = Date.now();
    const operations = await fetchOperations(scenario.hub.url);
    const keys = {
      viewer: (await scenario.api.request<{ key: string }>("POST", "/api-keys", { name: "r4 viewer", role: "viewer" })).key,
      admin: (await scenario.api.request<{ key: string }>("POST", "/api-keys", { name: "r4 admin", role: "admin" })).key,
    };
    // Resources the fuzzer may hit and damage; the healthy tenant is never among them.
    const target = await scenario.api.createTenant("R4 Sacrificial");
    const field = await scenario.api.createContent("custom-fields", customField("R4 Field"));
    const push = await scenario.api.push({ items: [{ kind: "custom-fields", id: field.id }], targets: { tenants: [target.id] } });
    const ids = [target.id, field.id, push.id, ...fuzz.tenants.map((t) => t.tenantId)];
    const stats = emptyHttpStats();
    const violations = new Violations();
    const { cpu } = await withCpu({ hub: scenario.hub.child.process.pid!, fuzzer: process.pid }, () =>
      figures.phase("http", () => asBackground(() => runHttpFuzz({ hubUrl: scenario.hub.url, operations, ids, keys, total: REQUESTS, concurrency: 6, seed, stats, violations }))),
    );
    figures.set("cpu during http", cpu);
    figures
      .set("http requests", `${stats.requests} over ${stats.operations.size}/${operations.length} operations (${JSON.stringify(stats.byRole)}), ${(stats.bytesSent / 1048576).toFixed(0)} MiB of bodies`)
      .set("http statuses", JSON.stringify(stats.statuses))
      .set("http answers wrong", violations.total);
    const health = await hubHealthy(scenario.hub);
    expect(health, "the hub survived the requests").toEqual({ alive: true, healthz: 200 });
    expect(stats.operations.size, "every operation of the OpenAPI document was exercised").toBe(operations.length);
    expect(violations.summary(), "answers breaking the HTTP error contract").toEqual({});
  });

  it(`the healthy tenant's ping p99 stayed under ${P99_LIMIT} ms throughout`, async () => {
    const samples = await probe!.stop();
    probe = undefined;
    const ping = pingFigures(samples.filter((s) => s.at >= attackStartedAt));
    figures.set("healthy ping, calm", formatPing(pingFigures(samples.filter((s) => s.at < attackStartedAt))));
    figures.set("healthy ping under attack", formatPing(ping));
    figures.set("  during frames / http", `p99 ${formatP99(samples.filter((s) => s.at >= attackStartedAt && s.at < httpStartedAt))} / ${formatP99(samples.filter((s) => s.at >= httpStartedAt))}`);
    const health = await hubHealthy(scenario.hub);
    figures.set("crashes", health.alive && health.healthz === 200 ? 0 : `hub ${JSON.stringify(health)}`);
    expect(ping.samples, "pings sent").toBeGreaterThan(10);
    expect(ping.failureExamples, "every ping answered 200").toEqual([]);
    expect(ping.httpP99, "HTTP ping p99 (ms)").toBeLessThan(P99_LIMIT);
    expect(ping.linkP99, "link RTT p99 (ms)").toBeLessThan(P99_LIMIT);
    await waitFor("the healthy tenant still online", async () => (await scenario.api.getTenant(healthy.tenant.id)).status === "online");
  });
});
