import { describe, expect, it } from "vitest";
import { InsightSeveritySchema, InsightStatusSchema } from "@canopy/api";
import { SEVERITIES, STATUSES, tacticLabel, techniqueUrl } from "./labels";

describe("insight labels", () => {
  it("list exactly the hub's statuses and severities (most severe first)", () => {
    expect(STATUSES).toEqual(InsightStatusSchema.options);
    expect([...SEVERITIES].reverse()).toEqual(InsightSeveritySchema.options);
    expect(SEVERITIES[0]).toBe("critical");
  });

  it("name tactics and link techniques to ATT&CK", () => {
    expect(tacticLabel("credential-access")).toBe("Credential Access");
    expect(tacticLabel("command-and-control")).toBe("Command and Control");
    expect(techniqueUrl("T1003.001")).toBe("https://attack.mitre.org/techniques/T1003/001/");
    expect(techniqueUrl("t1059")).toBe("https://attack.mitre.org/techniques/T1059/");
    expect(techniqueUrl("S0002")).toBeNull();
  });
});
