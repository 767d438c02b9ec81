import type { Violations } from "../violations.js";
import type { FuzzFrame } from "./frames.js";
import type { HubFrame } from "./fuzz-socket.js";
import { RATE_LIMIT, type Expectation } from "./oracle.js";

/** One frame as sent, with the answer the oracle says it must get. */
export interface SentFrame {
  frame: FuzzFrame;
  expected: Expectation;
}

/** What the hub made of one connection's frames. */
export interface Verdict {
  /** Frames the hub read (the rest came after the close and were never read). */
  read: number;
  /** Read frames whose answer was right. */
  verified: number;
  /** Whether the hub's answer to the last read frame was `rate_limited` and 4029. */
  rateLimited: boolean;
  /** Whether the hub read every frame and then closed at the terminator. */
  terminated: boolean;
}

/**
 * Checks everything the hub sent on one connection (its `error` frames in order, and its close)
 * against `sent`, the frames in the order they went out, then a terminator that is always fatal
 * (`bad_encoding`, 4000): a connection still open after the last fuzzed frame must end there,
 * which proves the frames before it were read. Frames the hub read in order, so their errors come
 * in order; a silent frame is proven read by any answer after it. The first wrong answer stops
 * the check (what follows cannot be matched any more) and is reported against its frame.
 * `rate_limited` (then 4029) is right only for a bad frame: the fuzzer keeps every tenant within
 * its frame and byte budgets, so the bad-frame budget is the only one it can run out of; it is
 * laid to the first bad frame it can answer (a silent bad frame within budget before it looks the same).
 */
export function judgeConnection(sent: SentFrame[], errors: HubFrame[], close: { code: number } | undefined, authenticated: boolean, violations: Violations): Verdict {
  const phase = authenticated ? "after the handshake" : "before the handshake";
  let e = 0;
  let verified = 0;
  const wrong = (index: number, what: string): Verdict => {
    const { frame } = sent[index] ?? { frame: { cls: "terminator", data: "{" } };
    const text = typeof frame.data === "string" ? frame.data : frame.data.toString("latin1");
    violations.add(`${frame.cls} ${phase}: ${what}`, text, text.length);
    return { read: Math.min(index + 1, sent.length), verified, rateLimited: false, terminated: false };
  };
  const closedAs = (index: number, code: number, ended: Omit<Verdict, "read" | "verified">): Verdict => {
    if (!close) return wrong(index, `connection left open (expected close ${code})`);
    if (close.code !== code) return wrong(index, `closed ${close.code} (expected ${code})`);
    if (e < errors.length) return wrong(index, `${errors.length - e} error frame(s) after the closing one: ${errors.slice(e).map((f) => f.code).join(", ")}`);
    return { read: Math.min(index + 1, sent.length), verified: verified + (index < sent.length ? 1 : 0), ...ended };
  };
  for (let i = 0; i <= sent.length; i++) {
    // i === sent.length: the terminator, fatal by construction.
    const expected: Expectation = i < sent.length ? sent[i]!.expected : { answer: "fatal", code: "bad_encoding", ref: undefined, close: 4000 };
    if (expected.answer === "close") {
      if (e < errors.length) return wrong(i, `error ${errors[e]!.code} where ws closes ${expected.close} by itself`);
      return closedAs(i, expected.close, { rateLimited: false, terminated: false });
    }
    const answer = errors[e];
    if (answer?.code === RATE_LIMIT.code) {
      if (!authenticated) return wrong(i, "rate_limited before the handshake, where no budget but bytesBeforeHello applies");
      if ("bad" in expected && expected.bad) {
        e++;
        return closedAs(i, RATE_LIMIT.close, { rateLimited: true, terminated: false });
      }
      // A silent frame that is no offence: the budget's answer is a later bad frame's.
      if (expected.answer !== "silent") return wrong(i, `rate_limited for a frame that is no offence, within the tenant's frame and byte budgets (expected ${expected.answer} ${"code" in expected ? expected.code : ""})`);
    }
    if (expected.answer === "silent") {
      verified++;
      continue;
    }
    if (!answer) return wrong(i, close ? `no error frame before close ${close.code} (expected ${expected.code})` : `no error frame (expected ${expected.code})`);
    if (answer.type !== "error" || answer.code !== expected.code) return wrong(i, `answered ${answer.code ?? answer.type}, expected ${expected.code}`);
    if (answer.ref !== expected.ref) return wrong(i, `error ref ${JSON.stringify(answer.ref)}, expected ${JSON.stringify(expected.ref)}`);
    e++;
    if (expected.answer === "fatal") return closedAs(i, expected.close, { rateLimited: false, terminated: i === sent.length });
    verified++;
  }
  // Unreachable: the terminator is fatal.
  return wrong(sent.length, "no answer to the terminator");
}
