import { describe, expect, it } from "vitest";
import { InsightPatchSchema } from "@canopy/api";
import { INSIGHT_LIMITS_COMMENT_BODY, INSIGHT_LIMITS_PERSON } from "./limits";

describe("the editor's maxlength", () => {
  it("matches what the hub accepts", () => {
    expect(InsightPatchSchema.safeParse({ comment: "x".repeat(INSIGHT_LIMITS_COMMENT_BODY) }).success).toBe(true);
    expect(InsightPatchSchema.safeParse({ comment: "x".repeat(INSIGHT_LIMITS_COMMENT_BODY + 1) }).success).toBe(false);
    expect(InsightPatchSchema.safeParse({ assignee: "x".repeat(INSIGHT_LIMITS_PERSON) }).success).toBe(true);
    expect(InsightPatchSchema.safeParse({ assignee: "x".repeat(INSIGHT_LIMITS_PERSON + 1) }).success).toBe(false);
  });
});
