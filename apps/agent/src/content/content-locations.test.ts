import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ContentLocations } from "./content-locations.js";
import type { ManifestDoc } from "./manifest.js";

const suffix = (name: string, chars = 8) => createHash("sha256").update(name).digest("hex").slice(0, chars);

function held(kind: ManifestDoc["kind"], name: string, location: string, adapter: ManifestDoc["adapter"] = "filesystem"): ManifestDoc {
  return { id: `${kind}:${name}`, kind, name, revision: 1, hash: `sha256:${"0".repeat(64)}`, pushId: null, appliedAt: "", adapter, location, drifted: false };
}

describe("ContentLocations", () => {
  it("gives names that differ only in case their own files, the first one keeping the plain name", () => {
    const locations = new ContentLocations();
    expect(locations.locate("custom-field", "Rule A")).toBe("custom-field/Rule A.json");
    expect(locations.locate("custom-field", "rule a")).toBe(`custom-field/rule a~${suffix("rule a")}.json`);
    expect(locations.locate("custom-field", "RULE A")).toBe(`custom-field/RULE A~${suffix("RULE A")}.json`);
    // Asked again, each item keeps its file; another kind has its own folder.
    expect(locations.locate("custom-field", "rule a")).toBe(`custom-field/rule a~${suffix("rule a")}.json`);
    expect(locations.locate("custom-field", "Rule A")).toBe("custom-field/Rule A.json");
    expect(locations.locate("playbook", "rule a")).toBe("playbook/rule a.json");
  });

  it("folds whole library paths: a file in a folder of another case is the same file", () => {
    const locations = new ContentLocations();
    expect(locations.locate("library", "Admin Recommended/SOC/Logons")).toBe("library/Admin Recommended/SOC/Logons.json");
    expect(locations.locate("library", "Admin Recommended/soc/logons")).toBe(`library/Admin Recommended/soc/logons~${suffix("Admin Recommended/soc/logons")}.json`);
    expect(locations.locate("library", "Admin Recommended/soc/Other")).toBe("library/Admin Recommended/soc/Other.json");
  });

  it("keeps the locations the manifest records, so files in the field never move", () => {
    const locations = ContentLocations.fromManifest([
      // Written before device names were encoded, and before case was looked at.
      held("custom-field", "CON", "custom-field/CON.json"),
      held("custom-field", "rule a", "custom-field/rule a.json"),
      held("custom-field", "Webhooked", "https://soar.example/hook", "webhook"),
      held("custom-field", "Tampered", "custom-field/../../agent-key.pem"),
    ]);
    expect(locations.locate("custom-field", "CON")).toBe("custom-field/CON.json");
    expect(locations.locate("custom-field", "rule a")).toBe("custom-field/rule a.json");
    // The newcomer is the one that gets the suffix.
    expect(locations.locate("custom-field", "Rule A")).toBe(`custom-field/Rule A~${suffix("Rule A")}.json`);
    expect(locations.locate("custom-field", "Webhooked")).toBe("custom-field/Webhooked.json");
    expect(locations.locate("custom-field", "Tampered")).toBe("custom-field/Tampered.json");
    expect(locations.locate("custom-field", "nul")).toBe("custom-field/%6Eul.json");
  });

  it("lengthens the suffix when even the suffixed name is taken", () => {
    const taken = `custom-field/RULE A~${suffix("rule a").toUpperCase()}.json`;
    const locations = ContentLocations.fromManifest([held("custom-field", "Rule A", "custom-field/Rule A.json"), held("custom-field", "x", taken)]);
    expect(locations.locate("custom-field", "rule a")).toBe(`custom-field/rule a~${suffix("rule a", 16)}.json`);
  });
});
