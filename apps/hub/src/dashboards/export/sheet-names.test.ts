import { describe, expect, it } from "vitest";
import { sheetNames } from "./sheet-names.js";

describe("sheetNames", () => {
  it("keeps good titles as they are", () => {
    expect(sheetNames(["Insights by status", "Top rules"])).toEqual(["Insights by status", "Top rules"]);
  });

  it("replaces characters Excel refuses and trims quotes and blanks", () => {
    expect(sheetNames(["a/b\\c?d*e[f]g:h", "'quoted'", "  ", "tab\there"])).toEqual(["a_b_c_d_e_f_g_h", "quoted", "Widget", "tab here"]);
  });

  it("cuts to 31 characters", () => {
    const [name] = sheetNames(["Insights per tenant over the last ninety days"]);
    expect(name).toBe("Insights per tenant over the la");
    expect(name).toHaveLength(31);
  });

  it("dedupes regardless of case, within 31 characters, and avoids taken and reserved names", () => {
    const long = "x".repeat(40);
    expect(sheetNames(["Top rules", "top rules", "Top rules", long, long, "Summary", "History"], ["Summary"])).toEqual([
      "Top rules",
      "top rules (2)",
      "Top rules (3)",
      "x".repeat(31),
      `${"x".repeat(27)} (2)`,
      "Summary (2)",
      "History (2)",
    ]);
  });
});
