import { describe, expect, it } from "vitest";
import { formProblems } from "./form-problems";

describe("formProblems", () => {
  it("keeps the message of each field that failed its check", () => {
    expect(formProblems({ name: "Enter a name.", roles: false })).toEqual({ name: "Enter a name." });
  });

  it("answers nothing when every field is fine", () => {
    expect(formProblems({ name: false, roles: false })).toEqual({});
  });
});
