import { describe, expect, it } from "vitest";
import { checkNewPassword } from "./password-form";

describe("checkNewPassword", () => {
  it("refuses a password shorter than the hub's minimum", () => {
    expect(checkNewPassword("short", "short").password).toBe("Use at least 10 characters.");
  });

  it("refuses two different passwords", () => {
    expect(checkNewPassword("long-enough-1", "long-enough-2")).toEqual({ repeat: "The two passwords are not the same." });
  });

  it("accepts a long enough password typed twice", () => {
    expect(checkNewPassword("long-enough-1", "long-enough-1")).toEqual({});
  });
});
