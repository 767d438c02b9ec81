import { describe, expect, it } from "vitest";
import { bytes, rtt } from "./numbers";
import { formatTags, parseTags } from "./tags";

describe("bytes", () => {
  it("uses binary units", () => {
    expect(bytes(512)).toBe("512 B");
    expect(bytes(3_500)).toBe("3.4 KiB");
    expect(bytes(61_000_000)).toBe("58.2 MiB");
  });
});

describe("rtt", () => {
  it("shows milliseconds, seconds past one, and a dash when unknown", () => {
    expect(rtt(null)).toBe("—");
    expect(rtt(0.42)).toBe("0.4 ms");
    expect(rtt(12.4)).toBe("12 ms");
    expect(rtt(1_234)).toBe("1.2 s");
  });
});

describe("tags", () => {
  it("splits on commas, trims, drops empties and duplicates", () => {
    expect(parseTags(" finance, eu-west,,finance , ")).toEqual(["finance", "eu-west"]);
    expect(formatTags(["a", "b"])).toBe("a, b");
  });
});
