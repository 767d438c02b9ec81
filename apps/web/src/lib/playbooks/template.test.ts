import { describe, expect, it } from "vitest";
import { validateContent } from "@canopy/content";
import { newPlaybook } from "./template";

describe("newPlaybook", () => {
  it("is a valid CACAO 2.0 playbook, so New playbook starts from something the hub accepts", () => {
    const result = validateContent("playbook", newPlaybook());
    expect(result.ok ? [] : result.issues).toEqual([]);
  });
});
