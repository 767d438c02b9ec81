import { describe, expect, it } from "vitest";
import { tokenFromHash } from "./invite-token";

describe("tokenFromHash", () => {
  it("reads the token from the link's fragment", () => {
    expect(tokenFromHash("#token=abc_DEF-123")).toBe("abc_DEF-123");
  });

  it("answers null when the fragment has no token", () => {
    expect(tokenFromHash("")).toBeNull();
    expect(tokenFromHash("#token=")).toBeNull();
    expect(tokenFromHash("#other=1")).toBeNull();
  });
});
