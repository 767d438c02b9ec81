import { request } from "node:http";
import { generateKeyPair } from "@canopy/protocol";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PAIRING_BUDGETS } from "../../domain/pairing-budget.js";
import { createTestHub, login, manualClock, type TestHub } from "../../../test/helpers.js";

const WINDOW_MS = 5 * 60 * 1000;
const GUESSES_PER_ADDRESS = 5;
const ADDRESSES = 200;

interface Answer {
  status: number;
  code: string;
  retryAfter: number | null;
}

describe("pairing budgets over real sockets, against guesses from many source addresses", () => {
  let t: TestHub;
  let port: number;
  let clock: ReturnType<typeof manualClock>;
  let codeChecks: ReturnType<typeof vi.fn>;
  const publicKey = generateKeyPair().publicKey;

  beforeEach(async () => {
    clock = manualClock();
    t = await createTestHub({ clock });
    ({ port } = await t.hub.listen({ port: 0, host: "127.0.0.1" }));
    // Every call is one code checked: what a guesser wants as many of as possible.
    codeChecks = vi.spyOn((await t.hub.services()).pairing, "check") as unknown as ReturnType<typeof vi.fn>;
  });
  afterEach(() => t.hub.close());

  /** POST /agent/pair from `localAddress` (on Linux all of 127.0.0.0/8 is loopback). */
  function pairFrom(localAddress: string, code: string): Promise<Answer> {
    const body = JSON.stringify({ code, publicKey, hostname: "guesser", agentVersion: "0.1.0", platform: "linux" });
    return new Promise((resolve, reject) => {
      const req = request(
        { host: "127.0.0.1", port, localAddress, method: "POST", path: "/api/v1/agent/pair", agent: false, headers: { "content-type": "application/json" } },
        (res) => {
          let text = "";
          res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
          res.on("end", () => {
            const retryAfter = res.headers["retry-after"];
            resolve({ status: res.statusCode!, code: (JSON.parse(text) as { code?: string }).code ?? "", retryAfter: retryAfter ? Number(retryAfter) : null });
          });
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  }

  /** Every address guesses GUESSES_PER_ADDRESS wrong codes one after another, all addresses at once. */
  async function guessFrom(addresses: string[]): Promise<Answer[]> {
    const perAddress = await Promise.all(
      addresses.map(async (address, a) => {
        const answers: Answer[] = [];
        for (let g = 0; g < GUESSES_PER_ADDRESS; g++) answers.push(await pairFrom(address, `${String(a % 10).repeat(4)}-${String(g).repeat(4)}`));
        return answers;
      }),
    );
    return perAddress.flat();
  }

  function expectRefusedBeyond(answers: Answer[], checked: number): void {
    expect(codeChecks).toHaveBeenCalledTimes(checked);
    expect(answers.filter((a) => a.status === 400 && a.code === "pairing_code_invalid")).toHaveLength(checked);
    const limited = answers.filter((a) => a.status === 429);
    expect(limited).toHaveLength(answers.length - checked);
    for (const answer of limited) {
      expect(answer.code).toBe("rate_limited");
      expect(answer.retryAfter).toBeGreaterThan(0);
      expect(answer.retryAfter).toBeLessThanOrEqual(WINDOW_MS / 1000);
    }
  }

  it("200 addresses of one /24 share its budget: 30 guesses reach the code check, not 1000", async () => {
    const addresses = Array.from({ length: ADDRESSES }, (_, i) => `127.0.0.${i + 1}`);
    const answers = await guessFrom(addresses);
    expect(answers).toHaveLength(ADDRESSES * GUESSES_PER_ADDRESS);
    expectRefusedBeyond(answers, PAIRING_BUDGETS.network.maxFailures);
  }, 120_000);

  it("200 addresses in 200 networks share the hub-wide budget: 100 guesses reach the check; a right code then waits too", async () => {
    const addresses = Array.from({ length: ADDRESSES }, (_, i) => `127.${i + 1}.0.1`);
    const answers = await guessFrom(addresses);
    expectRefusedBeyond(answers, PAIRING_BUDGETS.hub.maxFailures);

    // Safe over convenient: a right code cannot be told from a guess without checking it.
    const admin = await login(t.hub);
    const tenant = (await admin.post("/tenants", { name: "Acme" })).body;
    const { code } = (await admin.post(`/tenants/${tenant.id}/pairing-codes`, {})).body;
    const waiting = await pairFrom("127.250.0.1", code);
    expect(waiting).toMatchObject({ status: 429, code: "rate_limited" });
    expect(codeChecks).toHaveBeenCalledTimes(PAIRING_BUDGETS.hub.maxFailures);

    clock.advance(waiting.retryAfter! * 1000);
    expect((await pairFrom("127.250.0.1", code)).status).toBe(201);
  }, 120_000);

  it("a successful pairing gives its unit back: pairing many agents from one address is never limited", async () => {
    const admin = await login(t.hub);
    for (let i = 0; i < PAIRING_BUDGETS.host.maxFailures + 5; i++) {
      const tenant = (await admin.post("/tenants", { name: `Tenant ${i}` })).body;
      const { code } = (await admin.post(`/tenants/${tenant.id}/pairing-codes`, {})).body;
      expect((await pairFrom("127.0.0.9", code)).status).toBe(201);
    }
  }, 120_000);
});
