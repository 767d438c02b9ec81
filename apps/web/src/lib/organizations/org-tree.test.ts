import type { OrgNode } from "@canopy/api";
import { describe, expect, it } from "vitest";
import { capabilitiesOf, capabilityErrors, defaultDraft, draftOf, offersOf } from "./capability-draft";
import { canHaveChildren, daysUntil, expiryOf, expiryWarnings, flatten } from "./org-tree";

const NOW = Date.parse("2026-12-06T10:00:00Z");
const node = (id: string, capabilities: OrgNode["capabilities"], children: OrgNode[] = []): OrgNode => ({
  id,
  name: id,
  kind: id === "org_root" ? "root" : "tenant",
  capabilities,
  needsOwner: false,
  children,
});

describe("the organization tree", () => {
  it("lists nodes depth first with their parents, and takes customers only at the root or under msp", () => {
    const customer = node("customer", []);
    const msp = node("msp", [{ name: "msp", expiresAt: null }], [customer]);
    const root = node("org_root", [], [msp]);
    expect(flatten(root).map((entry) => [entry.node.id, entry.parent?.id, entry.depth])).toEqual([
      ["org_root", undefined, 0],
      ["msp", "org_root", 1],
      ["customer", "msp", 2],
    ]);
    expect([root, msp, customer].map(canHaveChildren)).toEqual([true, true, false]);
  });

  it("counts days as the calendar does and warns within 14 days, soonest first", () => {
    expect(daysUntil("2026-12-16T23:59:59.999Z", NOW)).toBe(10);
    expect(daysUntil("2026-12-06T23:00:00Z", NOW)).toBe(0);
    const warnings = expiryWarnings(
      [
        { name: "soar", expiresAt: "2026-12-15T23:59:59.999Z" },
        { name: "siem", expiresAt: "2026-12-21T00:00:00Z" },
        { name: "library", expiresAt: "2026-12-07T12:00:00Z" },
        { name: "msp", expiresAt: null },
      ],
      NOW,
    );
    expect(warnings.map((warning) => warning.text)).toEqual(["library expires tomorrow", "soar expires in 9 days"]);
  });

  it("ends a picked date with the day, or with the parent's own expiry on the parent's last day", () => {
    expect(expiryOf("2026-12-10", null)).toBe("2026-12-10T23:59:59.999Z");
    expect(expiryOf("2026-12-16", "2026-12-16T10:00:00.000Z")).toBe("2026-12-16T10:00:00.000Z");
    expect(expiryOf("2026-12-12", "2026-12-16T10:00:00.000Z")).toBe("2026-12-12T23:59:59.999Z");
  });
});

describe("capabilities a parent gives", () => {
  const msp = node("Northwind MSP", [
    { name: "soar", expiresAt: "2026-12-16T23:59:59.999Z" },
    { name: "siem", expiresAt: null },
  ]);

  it("offers only what the parent holds, msp only from the root, and says why not", () => {
    const offers = offersOf(msp);
    expect(offers.map((offer) => [offer.name, offer.refusal])).toEqual([
      ["soar", null],
      ["siem", null],
      ["library", "Northwind MSP does not hold library."],
      ["msp", "Only the root organization gives msp."],
    ]);
    expect(offersOf(node("org_root", [{ name: "msp", expiresAt: null }])).find((offer) => offer.name === "msp")?.refusal).toBeNull();
    const draft = defaultDraft(offers);
    expect([draft.soar.on, draft.siem.on, draft.library.on, draft.msp.on]).toEqual([true, true, false, false]);
  });

  it("sends the ticked ones in order and puts the hub's refusals back on the capability they name", () => {
    const offers = offersOf(msp);
    const draft = draftOf([{ name: "siem", expiresAt: null }]);
    draft.soar = { on: true, date: "2026-12-16" };
    const sent = capabilitiesOf(draft, offers);
    expect(sent).toEqual([
      { name: "soar", expiresAt: "2026-12-16T23:59:59.999Z" },
      { name: "siem", expiresAt: null },
    ]);
    const errors = capabilityErrors(
      [
        { path: "capabilities.1", message: '"Northwind MSP" does not hold siem, so it cannot give it' },
        { path: "capabilities.0.expiresAt", message: "is in the past" },
        { path: "name", message: "must not be empty" },
      ],
      sent,
    );
    expect(errors).toEqual({ siem: '"Northwind MSP" does not hold siem, so it cannot give it', soar: "Expiry is in the past" });
  });
});
