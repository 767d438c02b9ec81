import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { importCacao, playbookSteps as packageSteps, type CacaoPlaybook } from "@canopy/content";
import { playbookSteps } from "./steps";

/** `shared/data` beside the repository (never copied into it), found by walking up from here. */
function sharedData(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, "shared", "data");
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error("shared/data not found beside the repository: this test reads the six CACAO examples from it");
    dir = parent;
  }
}

describe("playbookSteps (the UI's port)", () => {
  const folder = join(sharedData(), "cacao", "examples");
  const files = readdirSync(folder).filter((name) => name.endsWith(".json"));

  it("finds the six CACAO examples", () => {
    expect(files).toHaveLength(6);
  });

  it.each(files)("orders %s exactly as @canopy/content does", (file) => {
    const imported = importCacao(readFileSync(join(folder, file), "utf8"));
    if (!imported.ok) throw new Error(`${file}: ${JSON.stringify(imported.issues)}`);
    const playbook = imported.value as CacaoPlaybook;
    expect(playbookSteps(playbook)).toEqual(packageSteps(playbook));
  });

  it("numbers links and lists unreachable steps last", () => {
    const playbook = {
      workflow_start: "start--1",
      workflow: {
        "start--1": { type: "start", on_completion: "if-condition--2" },
        "if-condition--2": { type: "if-condition", condition: "x", on_true: "end--3", on_false: "end--3" },
        "end--3": { type: "end" },
        "action--9": { type: "action", commands: [{ type: "manual", command: "look" }] },
      },
    } as unknown as CacaoPlaybook;
    const steps = playbookSteps(playbook);
    expect(steps.map((step) => `${step.number}:${step.type}:${step.reachable}`)).toEqual([
      "1:start:true",
      "2:if-condition:true",
      "3:end:true",
      "4:action:false",
    ]);
    expect(steps[1]!.next).toEqual([
      { label: "on_true", stepId: "end--3", number: 3 },
      { label: "on_false", stepId: "end--3", number: 3 },
    ]);
    expect(steps[1]!.condition).toBe("x");
  });
});
