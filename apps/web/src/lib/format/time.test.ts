import { describe, expect, it } from "vitest";
import { countdown, duration, relativeTime, waitText } from "./time";

const now = Date.parse("2025-01-01T12:00:00Z");
const ago = (ms: number) => new Date(now - ms).toISOString();

describe("relativeTime", () => {
  it("says how long ago, in the largest whole unit", () => {
    expect(relativeTime(null, now)).toBe("never");
    expect(relativeTime(ago(2_000), now)).toBe("just now");
    expect(relativeTime(ago(42_000), now)).toBe("42s ago");
    expect(relativeTime(ago(5 * 60_000 + 10_000), now)).toBe("5m ago");
    expect(relativeTime(ago(3 * 3_600_000), now)).toBe("3h ago");
    expect(relativeTime(ago(50 * 3_600_000), now)).toBe("2d ago");
  });

  it("treats a clock slightly ahead of ours as now", () => {
    expect(relativeTime(new Date(now + 3_000).toISOString(), now)).toBe("just now");
  });
});

describe("duration", () => {
  it("shows the two largest units", () => {
    expect(duration(0)).toBe("0s");
    expect(duration(12)).toBe("12s");
    expect(duration(250)).toBe("4m 10s");
    expect(duration(3 * 3600 + 5 * 60 + 9)).toBe("3h 5m");
    expect(duration(86_400 + 4 * 3600 + 60)).toBe("1d 4h");
    expect(duration(86_400 + 59)).toBe("1d");
  });
});

describe("countdown", () => {
  it("counts down to a deadline and stops at zero", () => {
    expect(countdown(new Date(now + 899_500).toISOString(), now)).toBe("15:00");
    expect(countdown(new Date(now + 61_000).toISOString(), now)).toBe("1:01");
    expect(countdown(new Date(now + 2 * 3_600_000).toISOString(), now)).toBe("2:00:00");
    expect(countdown(new Date(now - 1_000).toISOString(), now)).toBe("0:00");
  });
});

describe("waitText", () => {
  it("says how long to wait in words", () => {
    expect(waitText(null)).toBe("later");
    expect(waitText(1)).toBe("in 1 second");
    expect(waitText(40)).toBe("in 40 seconds");
    expect(waitText(299)).toBe("in 5 minutes");
  });
});
