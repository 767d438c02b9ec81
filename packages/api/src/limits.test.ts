import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

describe("@canopy/api/limits", () => {
  it("imports nothing, so the web UI can bundle it without zod", () => {
    const source = readFileSync(new URL("./limits.ts", import.meta.url), "utf8");
    expect(source).not.toMatch(/^\s*(import|export .* from)\b/m);
  });
});
