import { describe, expect, it } from "vitest";
import { toYaml } from "./yaml-text.js";

describe("toYaml", () => {
  it("writes a Sigma rule in block style, quoting only what a YAML reader could misread", () => {
    const rule = {
      title: "Brute force: many failures",
      id: "5f1c7d2e-0000-4000-8000-000000000001",
      level: "high",
      tags: ["attack.t1110", "attack.credential_access"],
      logsource: { product: "windows", service: "security" },
      detection: { selection: { EventID: 4625, "TargetUserName|endswith": ["$", "admin"] }, condition: "selection" },
      falsepositives: [],
      enabled: true,
      note: null,
      description: "line one\nline two",
      literal: "yes",
      date: "2024-01-01",
    };
    expect(toYaml(rule)).toBe(
      [
        'title: "Brute force: many failures"',
        'id: "5f1c7d2e-0000-4000-8000-000000000001"',
        "level: high",
        "tags:",
        "  - attack.t1110",
        "  - attack.credential_access",
        "logsource:",
        "  product: windows",
        "  service: security",
        "detection:",
        "  selection:",
        "    EventID: 4625",
        "    TargetUserName|endswith:",
        '      - "$"',
        "      - admin",
        "  condition: selection",
        "falsepositives: []",
        "enabled: true",
        "note: null",
        'description: "line one\\nline two"',
        'literal: "yes"',
        'date: "2024-01-01"',
        "",
      ].join("\n"),
    );
  });

  it("writes lists of maps and nested lists", () => {
    expect(toYaml({ items: [{ a: 1, b: { c: "d" } }, [1, 2], {}] })).toBe("items:\n  - a: 1\n    b:\n      c: d\n  -\n    - 1\n    - 2\n  - {}\n");
  });
});
