import { describe, expect, it } from "vitest";
import { formatPairingCode, normalizePairingCode } from "./pairing.js";

describe("pairing codes", () => {
  it("accept what people type", () => {
    expect(normalizePairingCode("abcd-efgh")).toBe("ABCDEFGH");
    expect(normalizePairingCode(" AB CD EF GH ")).toBe("ABCDEFGH");
    expect(normalizePairingCode("oil0-1234")).toBe("0110" + "1234");
  });

  it("refuse wrong lengths and letters outside the alphabet", () => {
    expect(normalizePairingCode("ABC")).toBeNull();
    expect(normalizePairingCode("ABCD-EFGU")).toBeNull();
    expect(normalizePairingCode("ABCD-EFG!")).toBeNull();
  });

  it("format as two groups of four", () => {
    expect(formatPairingCode("ABCDEFGH")).toBe("ABCD-EFGH");
  });
});
