import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ContentLocations } from "./content-locations.js";
import { createFilesystemAdapter, FileChecker, renderContent, sha256, writeAtomically } from "./filesystem-adapter.js";

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

  it("writes a Sigma rule without its original text as block YAML that reads back as the rule", async () => {
    const text = await renderContent({ kind: "siem-rule", body: rule });
    expect(text).toContain("tags:\n  - attack.t1110\n  - attack.credential_access\n");
    expect(text).toContain("detection:\n  selection:\n    EventID: 4625\n");
    // Sigma tooling reads YAML 1.1, where `yes` is true and a bare date is a date: those stay strings.
    expect(text).toContain('literal: "yes"\n');
    expect(text).toContain('date: "2024-01-01"\n');
    expect(parse(text)).toEqual(rule);
    expect(parse(text, { version: "1.1" })).toEqual(rule);
  });

  it("keeps a Sigma rule's original YAML exactly, and writes other kinds as pretty JSON", async () => {
    const raw = "title: As written   # a comment\nlevel: high\n";
    expect(await renderContent({ kind: "siem-rule", body: { ...rule, raw } })).toBe(raw);
    expect(await renderContent({ kind: "custom-field", body: { name: "Tier", type: "text" } })).toBe('{\n  "name": "Tier",\n  "type": "text"\n}\n');
  });
});

describe("writeAtomically", () => {
  it("makes a missing folder on the first write, writes into it after, and leaves no temp file behind", async () => {
    const dir = await mkdtemp(join(tmpdir(), "canopy-write-"));
    try {
      const path = join(dir, "siem-rule", "nested", "rule.yml");
      await writeAtomically(path, Buffer.from("one"));
      await writeAtomically(join(dir, "siem-rule", "nested", "other.yml"), Buffer.from("two"));
      await writeAtomically(path, Buffer.from("three"));
      expect(await readFile(path, "utf8")).toBe("three");
      expect((await readdir(join(dir, "siem-rule", "nested"))).sort()).toEqual(["other.yml", "rule.yml"]);
      // A folder that cannot be made (a file is in its place) fails the write and leaves nothing.
      await writeFile(join(dir, "blocked"), "a file");
      await expect(writeAtomically(join(dir, "blocked", "rule.yml"), Buffer.from("x"))).rejects.toThrow();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("FileChecker", () => {
  it("knows a file the adapter wrote by its stat (no read), and still sees it edited or deleted afterwards", async () => {
    const dir = await mkdtemp(join(tmpdir(), "canopy-check-"));
    try {
      const checker = new FileChecker(dir);
      const adapter = createFilesystemAdapter(dir, checker, new ContentLocations());
      const raw = "title: Written\n";
      const { location, fileHash } = await adapter.apply({ kind: "siem-rule", name: "Written", revision: 1, hash: sha256(raw), body: { raw }, dependsOn: [] }, { signal: new AbortController().signal });
      expect(fileHash).toBe(sha256(raw));
      expect(await checker.check({ location, fileHash })).toEqual({ state: "ok", localHash: fileHash });
      // Told another hash for the same untouched file, it answers from what it was told: the file was not read again.
      await checker.written(join(dir, location!), sha256("told"));
      expect(await checker.check({ location, fileHash })).toEqual({ state: "changed", localHash: sha256("told") });
      await writeFile(join(dir, location!), "title: Edited on the tenant\n");
      expect(await checker.check({ location, fileHash })).toEqual({ state: "changed", localHash: sha256("title: Edited on the tenant\n") });
      await rm(join(dir, location!));
      expect(await checker.check({ location, fileHash })).toEqual({ state: "missing", localHash: null });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
