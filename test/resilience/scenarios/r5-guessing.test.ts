// R5 attackers who guess secrets: pairing codes that are wrong, expired or used; 100 parallel
// wrong logins from one address; pairing guesses spread over 200 loopback addresses in one /24
// and then over 200 networks. Black box: only HTTP answers from the hub process, each request from
// a source address of its own (`localAddress`). The budgets asserted are apps/hub/README.md's.
import { AGENT_PAIR_PATH, generateKeyPair, PAIRING_ALPHABET } from "@canopy/protocol";
import { ADMIN_EMAIL, ADMIN_PASSWORD, ApiClient, type Scenario, waitFor, type PairedAgent } from "@canopy/test-e2e/harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Figures } from "../harness/figures.js";
import { eachLimited } from "../harness/fleet.js";
import { hubHealthy } from "../harness/hub-health.js";
import { randomFor } from "../harness/random.js";
import { problemCode, requestFrom, type RawAnswer } from "../harness/source-address.js";
import { startScenario } from "../harness/hub-watch.js";

/** Pairing budgets per five minutes: per host, per /24, hub-wide. Login: failures per address. */
const PAIRING = { host: 10, network: 30, hub: 100 };
const LOGIN_FAILURES = 10;
const GUESSES_PER_PHASE = 1000;

const tally = (answers: RawAnswer[]) => {
  const out: Record<string, number> = {};
  for (const a of answers) out[`${a.status} ${problemCode(a)}`] = (out[`${a.status} ${problemCode(a)}`] ?? 0) + 1;
  return out;
};

describe("R5 attackers guessing: pairing codes and passwords", () => {
  const figures = new Figures("R5 attackers: guessing codes and passwords");
  let scenario: Scenario;
  let healthy: PairedAgent;
  let tenantId: string;
  const publicKey = generateKeyPair().publicKey;
  const pair = (from: string, code: string) =>
    requestFrom(from, new URL(AGENT_PAIR_PATH, scenario.hub.url).href, {
      method: "POST",
      body: { code, publicKey, hostname: "attacker", agentVersion: "6.6.6", platform: "linux" },
    });
  const random = randomFor("r5-guessing");
  const guess = () => Array.from({ length: 8 }, (_, i) => (i === 4 ? "-" : "") + PAIRING_ALPHABET[Math.floor(random() * PAIRING_ALPHABET.length)]).join("");
  /** Non-429 pairing answers so far: each one is a code the hub checked, against the hub-wide budget. */
  let checked = 0;

  beforeAll(async () => {
    await figures.phase("setup", async () => {
      scenario = await startScenario();
      healthy = await scenario.addAgent("R5 Bystander", "process");
      tenantId = (await scenario.api.createTenant("R5 Guessing Target")).id;
      await scenario.api.waitForStatus(healthy.tenant.id, "online");
    });
  });
  afterAll(async () => {
    figures.print();
    await scenario?.close();
  });

  it("a wrong, an expired and a used pairing code each get their typed 4xx", async () => {
    // From another /24 than the guessing below, so that count starts clean (the hub budget is shared).
    const from = "127.0.1.7";
    const wrong = await pair(from, guess());
    const { code: short, expiresAt } = await scenario.api.pairingCode(tenantId, 1);
    await waitFor("the short code's expiry to pass", () => Date.now() > Date.parse(expiresAt) + 50, { timeoutMs: 5000 });
    const expired = await pair(from, short);
    // A code that paired an agent, replayed by someone who saw it (a success gives its unit back).
    const { code: used } = await scenario.api.pairingCode((await scenario.api.createTenant("R5 Used Code")).id);
    const first = await pair("127.0.1.8", used);
    const replayed = await pair(from, used);
    const answers = { wrong, expired, first, replayed };
    checked += 3;
    figures.set("bad codes", Object.entries(answers).map(([k, a]) => `${k} ${a.status} ${problemCode(a)}`).join(", "));
    expect({ wrong: [wrong.status, problemCode(wrong)], expired: [expired.status, problemCode(expired)], replayed: [replayed.status, problemCode(replayed)] }).toEqual({
      wrong: [400, "pairing_code_invalid"],
      expired: [410, "pairing_code_expired"],
      replayed: [409, "pairing_code_used"],
    });
    expect(first.status, "the code worked once").toBe(201);
    for (const a of [wrong, expired, replayed]) expect(String(a.headers["content-type"])).toContain("application/problem+json");
  });

  it(`100 parallel wrong logins from one address: exactly ${LOGIN_FAILURES} answered 401 and 90 answered 429 rate_limited with Retry-After`, async () => {
    const from = "127.0.0.200";
    const login = (password: string) => requestFrom(from, new URL("/api/v1/auth/login", scenario.hub.url).href, { method: "POST", body: { email: ADMIN_EMAIL, password } });
    const t0 = performance.now();
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => login(`wrong password ${i}`)));
    const ms = performance.now() - t0;
    const limited = answers.filter((a) => a.status === 429);
    const retryAfter = limited.map((a) => Number(a.headers["retry-after"]));
    // The right password from that address waits too: telling it apart would take a check.
    const right = await login(ADMIN_PASSWORD);
    // Another address is not hurt.
    const elsewhere = await ApiClient.login(scenario.hub.url).then(() => "200", (e: Error) => e.message);
    const audit = await scenario.api.request<{ items: { action: string }[] }>("GET", "/audit?action=auth.login_failed&limit=200");
    figures.set(
      "parallel wrong logins",
      `100 in ${ms.toFixed(0)} ms: ${JSON.stringify(tally(answers))}; Retry-After ${Math.min(...retryAfter)}–${Math.max(...retryAfter)} s; the right password then ${right.status} ${problemCode(right)}; from another address ${elsewhere}; ${audit.items.length} failures audited`,
    );
    expect(tally(answers)).toEqual({ "401 invalid_credentials": LOGIN_FAILURES, "429 rate_limited": 100 - LOGIN_FAILURES });
    for (const s of retryAfter) expect(s, "Retry-After in seconds, within the 5-minute window").toBeGreaterThan(0);
    for (const s of retryAfter) expect(s).toBeLessThanOrEqual(300);
    expect([right.status, problemCode(right)]).toEqual([429, "rate_limited"]);
    expect(elsewhere).toBe("200");
    // Only the counted attempts reached the password check (and the audit log).
    expect(audit.items.length).toBe(LOGIN_FAILURES);
  });

  it(`${GUESSES_PER_PHASE} pairing guesses from 200 addresses of one /24: at most ${PAIRING.network} get a code checked`, async () => {
    const addresses = Array.from({ length: 200 }, (_, i) => `127.0.0.${i + 2}`);
    const answers = await figures.phase("guesses in one /24", () => eachLimited(Array.from({ length: GUESSES_PER_PHASE }, (_, i) => addresses[i % addresses.length]!), 50, (from) => pair(from, guess()).then((a) => ({ from, a }))));
    const notLimited = answers.filter(({ a }) => a.status !== 429);
    checked += notLimited.length;
    const perHost = Math.max(...addresses.map((from) => notLimited.filter((n) => n.from === from).length));
    figures.set("pairing guesses, one /24", `${answers.length} from ${addresses.length} addresses: ${JSON.stringify(tally(answers.map((x) => x.a)))}; at most ${perHost} checked per address`);
    expect(notLimited.length, "codes checked for one /24").toBeLessThanOrEqual(PAIRING.network);
    expect(perHost, "codes checked for one address").toBeLessThanOrEqual(PAIRING.host);
    expect(notLimited.map(({ a }) => problemCode(a)).filter((c) => c !== "pairing_code_invalid"), "every checked guess was wrong").toEqual([]);
    for (const { a } of answers.filter(({ a }) => a.status === 429)) expect(Number(a.headers["retry-after"])).toBeGreaterThan(0);
  });

  it(`${GUESSES_PER_PHASE} more from 200 networks: at most ${PAIRING.hub} codes checked hub-wide, after which even a right code waits`, async () => {
    const addresses = Array.from({ length: 200 }, (_, i) => `127.${i + 2}.0.9`);
    const answers = await figures.phase("guesses over 200 networks", () => eachLimited(Array.from({ length: GUESSES_PER_PHASE }, (_, i) => addresses[i % addresses.length]!), 50, (from) => pair(from, guess())));
    const notLimited = answers.filter((a) => a.status !== 429);
    checked += notLimited.length;
    const { code } = await scenario.api.pairingCode(tenantId);
    const right = await pair("127.250.0.1", code);
    figures.set("pairing guesses, 200 networks", `${answers.length}: ${JSON.stringify(tally(answers))}; a right code then ${right.status} ${problemCode(right)}`);
    figures.set("codes checked in all", `${checked} of ${3 + 2 * GUESSES_PER_PHASE} failed attempts (hub-wide budget ${PAIRING.hub} per 5 minutes)`);
    expect(checked, "codes checked hub-wide, the three bad codes included").toBeLessThanOrEqual(PAIRING.hub);
    expect(notLimited.length, "the hub-wide budget was reached").toBeGreaterThan(0);
    expect([right.status, problemCode(right)]).toEqual([429, "rate_limited"]);
    expect((await scenario.api.getTenant(tenantId)).status, "no guess paired the target").toBe("unpaired");
    // The tenant that paired before the attack is not hurt.
    expect((await scenario.api.ping(healthy.tenant.id)).rttMs).toBeGreaterThanOrEqual(0);
    const health = await hubHealthy(scenario.hub);
    figures.set("crashes", health.alive && health.healthz === 200 ? 0 : `hub ${JSON.stringify(health)}`);
    expect(health).toEqual({ alive: true, healthz: 200 });
  });
});
