import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ADMIN, Caller, createTestHub, manualClock, type TestHub } from "../../../test/helpers.js";

const FIVE_MINUTES = 5 * 60 * 1000;
/** Each password check is a real scrypt (~50 ms, far more on a busy machine). */
const SCRYPT_BOUND_MS = 60_000;

describe("login rate limit under concurrency", () => {
  let t: TestHub;
  let clock: ReturnType<typeof manualClock>;
  let verifications: ReturnType<typeof vi.fn>;
  beforeEach(async () => {
    clock = manualClock();
    t = await createTestHub({ clock });
    // Every call is one scrypt: what a guesser wants to make the hub do as often as possible.
    // Each verification looks the email up once.
    const users = (await t.hub.services()).data.users;
    verifications = vi.spyOn(users, "findByEmail") as unknown as ReturnType<typeof vi.fn>;
  });
  afterEach(() => t.hub.close());

  const attempt = (password: string) => new Caller(t.hub).post("/auth/login", { email: ADMIN.email, password });

  it("lets at most 10 of 100 parallel wrong logins from one address reach the password hash; the rest get 429 with Retry-After", async () => {
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => attempt(`guess ${i}`)));
    expect(verifications).toHaveBeenCalledTimes(10);
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(10);
    const limited = answers.filter((answer) => answer.status === 429);
    expect(limited).toHaveLength(90);
    for (const answer of limited) {
      expect(answer.body.code).toBe("rate_limited");
      expect(Number(answer.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(Number(answer.headers.get("retry-after"))).toBeLessThanOrEqual(300);
    }
    // Still limited, even with the right password, until the window has passed.
    expect((await attempt(ADMIN.password)).status).toBe(429);
    clock.advance(FIVE_MINUTES);
    expect((await attempt(ADMIN.password)).status).toBe(200);
  }, SCRYPT_BOUND_MS);

  it("a correct login among parallel wrong ones succeeds and clears only its own attempt", async () => {
    const answers = await Promise.all([...Array.from({ length: 9 }, (_, i) => attempt(`guess ${i}`)), attempt(ADMIN.password)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([...Array<number>(1).fill(200), ...Array<number>(9).fill(401)]);
    // The nine failures still count: one more failure is allowed, then the address is stopped.
    expect((await attempt("tenth guess")).status).toBe(401);
    expect((await attempt("eleventh guess")).status).toBe(429);
    expect(verifications).toHaveBeenCalledTimes(11);
  }, SCRYPT_BOUND_MS);
});
