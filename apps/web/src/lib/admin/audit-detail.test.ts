import { describe, expect, it } from "vitest";
import { compactDetail, DETAIL_SHORT_MAX } from "./audit-detail";

describe("compactDetail", () => {
  it("writes the particulars as key: value, arrays as lists", () => {
    expect(compactDetail({ email: "a@b.test", roles: ["Analyst", "Read only"], owner: true, expiresAt: null })).toEqual({
      line: "email: a@b.test · roles: Analyst, Read only · owner: true · expiresAt: —",
      cut: false,
    });
  });

  it("writes nested values as JSON and cuts a long line, saying so", () => {
    const { line, cut } = compactDetail({ capabilities: [{ name: "soar", until: "2030-01-01" }], name: "x".repeat(200) });
    expect(line.startsWith('capabilities: [{"name":"soar","until":"2030-01-01"}] · name: xxx')).toBe(true);
    expect(line).toHaveLength(DETAIL_SHORT_MAX);
    expect(line.endsWith("…")).toBe(true);
    expect(cut).toBe(true);
  });

  it("is empty for an entry without particulars", () => {
    expect(compactDetail({})).toEqual({ line: "", cut: false });
  });
});
