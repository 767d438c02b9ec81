import { describe, expect, it } from "vitest";
import { ACTION, AGENT, END, IF, NOTIFY, START, TARGET, playbookFixture } from "../../test/fixtures.js";
import { playbookSteps } from "./playbook-steps.js";

describe("playbookSteps", () => {
  it("lists the workflow in reading order from workflow_start, with links numbered", () => {
    const steps = playbookSteps(playbookFixture());
    expect(steps.map((step) => [step.number, step.id, step.name])).toEqual([
      [1, START, "Start"],
      [2, ACTION, "Isolate"],
      [3, IF, "Isolated?"],
      [4, NOTIFY, "Notify"],
      [5, END, "End"],
    ]);
    expect(steps[1]).toMatchObject({
      type: "action",
      commands: [{ type: "ssh", command: "iptables -A INPUT -j DROP" }],
      agent: { id: AGENT, name: "soarca-ssh", type: "soarca" },
      targets: [{ id: TARGET, name: "web-1", type: "ssh" }],
      next: [{ label: "on_completion", stepId: IF, number: 3 }],
      reachable: true,
    });
    expect(steps[2]).toMatchObject({
      condition: "__isolated__:value = 'true'",
      next: [
        { label: "on_true", stepId: NOTIFY, number: 4 },
        { label: "on_false", stepId: END, number: 5 },
      ],
    });
  });

  it("lists unreachable steps last, marked, and names nameless steps by type", () => {
    const playbook = playbookFixture();
    const orphan = "action--aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
    playbook.workflow[orphan] = { type: "action", commands: [{ type: "manual" }], agent: AGENT, on_completion: END };
    const steps = playbookSteps(playbook);
    expect(steps.at(-1)).toMatchObject({ id: orphan, name: "action", reachable: false, number: 6 });
  });
});
