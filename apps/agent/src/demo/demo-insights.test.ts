import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sharedData } from "@canopy/shared-data";
import { Insight } from "@canopy/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDemoInsights } from "./demo-insights.js";
import { attackFromTags, parseSigmaRule, severityFromLevel } from "./sigma-rules.js";

const now = new Date("2030-06-15T12:00:00.000Z");
const DAY = 24 * 60 * 60 * 1000;

const RULES = {
  "lsass.yml": `title: LSASS Access From Procdump
id: 11111111-1111-4111-8111-111111111111
description: Detects procdump reading LSASS memory.
tags:
    - attack.credential_access
    - attack.t1003.001
    - attack.s0002
logsource:
    product: windows
    category: process_creation
detection:
    selection:
        Image|endswith: '\\procdump.exe'
        CommandLine|contains: ' -ma lsass'
    filter_main:
        User: 'NT AUTHORITY\\SYSTEM'
    condition: selection and not filter_main
level: critical
`,
  "recon.yml": `title: Whoami Run
id: 22222222-2222-4222-8222-222222222222
description: Whoami was run.
tags:
    - attack.discovery
    - attack.t1033
logsource:
    product: windows
    category: process_creation
detection:
    selection:
        Image|endswith: '\\whoami.exe'
    condition: selection
level: informational
`,
  "nested/linux.yml": `title: Reverse Shell
id: 33333333-3333-4333-8333-333333333333
tags: [attack.execution, attack.t1059.004, cve.2021-44228]
logsource: { product: linux, category: process_creation }
detection:
    selection:
        CommandLine|contains: '/dev/tcp/'
    condition: selection
level: medium
`,
  "broken.yml": "title: [unclosed\n",
  "nolevel.yml": "title: No level\nid: x\n",
};

describe("demo insights from Sigma rules", () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "canopy-sigma-"));
    await mkdir(join(dir, "nested"));
    for (const [name, text] of Object.entries(RULES)) await writeFile(join(dir, name), text);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("maps rule level to severity and ATT&CK tags to tactics and techniques", () => {
    expect(["informational", "low", "medium", "high", "critical"].map(severityFromLevel)).toEqual(["low", "low", "medium", "high", "critical"]);
    expect(attackFromTags(["attack.credential-access", "attack.t1003.001", "attack.credential_access", "attack.T1059", "attack.g0007", "attack.s0002", "cve.2021-1"])).toEqual({
      tactics: ["credential-access"],
      techniques: ["T1003.001", "T1059"],
    });
  });

  it("reads the rule's title, id, level, tags and what its selections (not its filters) look for", () => {
    const rule = parseSigmaRule(RULES["lsass.yml"]);
    expect(rule).toMatchObject({ id: "11111111-1111-4111-8111-111111111111", title: "LSASS Access From Procdump", level: "critical", product: "windows" });
    expect(rule!.hints).toEqual({ image: ["\\procdump.exe"], commandline: [" -ma lsass"] });
    expect(parseSigmaRule(RULES["broken.yml"])).toBeNull();
    expect(parseSigmaRule(RULES["nolevel.yml"])).toBeNull();
  });

  it("builds each insight from one rule: severity, tactics, techniques, rule id and name, description, details", async () => {
    const insights = await generateDemoInsights({ count: 60, seed: "map", now, sigmaDir: dir });
    expect(insights).toHaveLength(60);
    const byRule = new Map(insights.map((i) => [i.ruleId, i]));
    expect([...byRule.keys()].sort()).toEqual(["11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222", "33333333-3333-4333-8333-333333333333"]);
    expect(byRule.get("11111111-1111-4111-8111-111111111111")).toMatchObject({
      title: "LSASS Access From Procdump",
      ruleName: "LSASS Access From Procdump",
      severity: "critical",
      tactics: ["credential-access"],
      techniques: ["T1003.001"],
      description: "Detects procdump reading LSASS memory.",
      fields: { process: "C:\\Windows\\System32\\procdump.exe", commandLine: "C:\\Windows\\System32\\procdump.exe -ma lsass" },
      source: "demo",
    });
    expect(byRule.get("22222222-2222-4222-8222-222222222222")).toMatchObject({ severity: "low", tactics: ["discovery"], techniques: ["T1033"] });
    const linux = byRule.get("33333333-3333-4333-8333-333333333333")!;
    expect(linux).toMatchObject({ severity: "medium", tactics: ["execution"], techniques: ["T1059.004"] });
    expect(linux.hosts[0]).toMatch(/^[a-z0-9-]+$/);
  });

  it("is deterministic with a seed (and now); another seed gives other ids", async () => {
    const a = await generateDemoInsights({ count: 25, seed: "s1", now, sigmaDir: dir });
    const b = await generateDemoInsights({ count: 25, seed: "s1", now, sigmaDir: dir });
    const c = await generateDemoInsights({ count: 25, seed: "s2", now, sigmaDir: dir });
    expect(b).toEqual(a);
    expect(c.map((i) => i.id)).not.toEqual(a.map((i) => i.id));
    expect(new Set(a.map((i) => i.id)).size).toBe(25);
  });

  it("from the real Sigma rules: valid insights, spread over 30 days leaning recent, mostly new, closed ones with closedAt", async () => {
    const insights = await generateDemoInsights({ count: 400, seed: "real", now, sigmaDir: sharedData("sigma") });
    for (const insight of insights) expect(() => Insight.parse(insight)).not.toThrow();
    const ages = insights.map((i) => (now.getTime() - i.createdAt.getTime()) / DAY);
    expect(Math.min(...ages)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...ages)).toBeLessThanOrEqual(30);
    expect(ages.filter((age) => age <= 7).length).toBeGreaterThan(ages.filter((age) => age > 23).length * 2);
    const count = (status: string) => insights.filter((i) => i.status === status).length;
    expect(count("new")).toBeGreaterThan(insights.length / 2);
    expect(count("in_progress")).toBeGreaterThan(0);
    expect(count("closed")).toBeGreaterThan(0);
    for (const i of insights) {
      if (i.status === "closed") {
        expect(i.closedAt!.getTime()).toBeGreaterThanOrEqual(i.createdAt.getTime());
        expect(i.closedAt!.getTime()).toBeLessThanOrEqual(now.getTime());
      } else expect(i.closedAt).toBeNull();
      if (i.status === "in_progress") expect(i.assignee).not.toBeNull();
    }
    expect(new Set(insights.map((i) => i.ruleId)).size).toBeGreaterThan(10);
    expect(new Set(insights.map((i) => i.severity)).size).toBeGreaterThanOrEqual(3);
    expect(insights.filter((i) => i.techniques.length > 0).length).toBeGreaterThan(insights.length / 2);
    expect(insights.some((i) => i.hosts.some((h) => /^(WS|srv)-/.test(h)))).toBe(true);
  });

  it("falls back to built-in detections, and --recent makes fresh new ones", async () => {
    const builtin = await generateDemoInsights({ count: 30, seed: "b", now, sigmaDir: null });
    for (const insight of builtin) expect(() => Insight.parse(insight)).not.toThrow();
    expect(builtin.some((i) => i.techniques.includes("T1003.001"))).toBe(true);
    const recent = await generateDemoInsights({ count: 10, now, sigmaDir: null, recent: true });
    for (const insight of recent) {
      expect(insight.status).toBe("new");
      expect(now.getTime() - insight.createdAt.getTime()).toBeLessThanOrEqual(5 * 60 * 1000);
    }
  });
});
