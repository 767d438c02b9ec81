// Small valid documents of each kind, for tests to start from and break on purpose.
import type { CacaoPlaybook } from "../src/index.js";

export const START = "start--5e0f3a8c-1b2d-4c3e-8f4a-0b1c2d3e4f50";
export const ACTION = "action--6a1b2c3d-4e5f-4a6b-9c7d-8e9f0a1b2c3d";
export const IF = "if-condition--7b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e";
export const NOTIFY = "action--8c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f";
export const END = "end--9d4e5f6a-7b8c-4d9e-8f0a-2b3c4d5e6f70";
export const AGENT = "soarca--00010001-1000-1000-a000-000100010001";
export const TARGET = "ssh--1c3900b4-f86b-430d-b415-12312b9e31f4";

/** start → action → if (true: notify, false: end) → end. */
export function playbookFixture(): CacaoPlaybook {
  return {
    type: "playbook",
    spec_version: "cacao-2.0",
    id: "playbook--0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
    name: "Isolate host",
    created_by: "identity--96abab60-238a-44ff-8962-5806aa60cbce",
    created: "2024-01-31T12:00:00.000Z",
    modified: "2024-01-31T12:00:00.000Z",
    workflow_start: START,
    workflow: {
      [START]: { type: "start", name: "Start", on_completion: ACTION },
      [ACTION]: {
        type: "action",
        name: "Isolate",
        commands: [{ type: "ssh", command: "iptables -A INPUT -j DROP" }],
        agent: AGENT,
        targets: [TARGET],
        on_completion: IF,
      },
      [IF]: { type: "if-condition", name: "Isolated?", condition: "__isolated__:value = 'true'", on_true: NOTIFY, on_false: END },
      [NOTIFY]: { type: "action", name: "Notify", commands: [{ type: "manual", command: "tell the SOC" }], agent: AGENT, on_completion: END },
      [END]: { type: "end", name: "End" },
    },
    agent_definitions: { [AGENT]: { type: "soarca", name: "soarca-ssh" } },
    target_definitions: { [TARGET]: { type: "ssh", name: "web-1", address: { ipv4: ["192.168.0.10"] } } },
  };
}

export const SIGMA_RULE = `title: Suspicious Whoami Execution
id: 8f2c1a0e-8f7d-4b1e-9a55-1f0b3f3c2e11
status: test
description: Detects whoami run by a service account
author: Canopy tests
date: 2024-01-31
tags:
    - attack.discovery
    - attack.t1033
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '\\whoami.exe'
    filter_admin:
        User|contains: 'admin'
    condition: selection and not filter_admin
falsepositives:
    - Administrators
level: medium
`;
