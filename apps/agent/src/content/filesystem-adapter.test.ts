import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderContent } from "./filesystem-adapter.js";

describe("renderContent", () => {
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

  it("writes a Sigma rule without its original text as block YAML that reads back as the rule", () => {
    const text = renderContent({ kind: "siem-rule", body: rule });
    expect(text).toContain("tags:\n  - attack.t1110\n  - attack.credential_access\n");
    expect(text).toContain("detection:\n  selection:\n    EventID: 4625\n");
    // Sigma tooling reads YAML 1.1, where `yes` is true and a bare date is a date: those stay strings.
    expect(text).toContain('literal: "yes"\n');
    expect(text).toContain('date: "2024-01-01"\n');
    expect(parse(text)).toEqual(rule);
    expect(parse(text, { version: "1.1" })).toEqual(rule);
  });

  it("keeps a Sigma rule's original YAML exactly, and writes other kinds as pretty JSON", () => {
    const raw = "title: As written   # a comment\nlevel: high\n";
    expect(renderContent({ kind: "siem-rule", body: { ...rule, raw } })).toBe(raw);
    expect(renderContent({ kind: "custom-field", body: { name: "Tier", type: "text" } })).toBe('{\n  "name": "Tier",\n  "type": "text"\n}\n');
  });
});
