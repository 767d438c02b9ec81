import { describe, expect, it } from "vitest";
import { InsightListQuerySchema } from "@canopy/api";
import { insightQueryString } from "$lib/api/insights";
import { activeFilterCount, emptyFilters, filterParams, filterSearch, insightQuery, isoToLocalInput, localInputToIso, parseFilters } from "./filters";

const NOW = Date.parse("2025-06-01T12:00:00.000Z");

describe("insight filters in the address", () => {
  it("reads lists, text, range and sort, dropping values the hub would refuse", () => {
    const filters = parseFilters(
      new URLSearchParams("tenant=t1,t2&status=new,bogus&severity=high,critical,extreme&tactic=execution&q=mimikatz&range=7d&time=updatedAt&sort=severity&order=asc"),
    );
    expect(filters).toEqual({
      ...emptyFilters(),
      tenants: ["t1", "t2"],
      statuses: ["new"],
      severities: ["high", "critical"],
      tactic: "execution",
      q: "mimikatz",
      range: "7d",
      timeField: "updatedAt",
      sort: "severity",
      order: "asc",
    });
  });

  it("falls back to defaults for unknown range, sort and order", () => {
    expect(parseFilters(new URLSearchParams("range=1y&sort=title&order=sideways&from=yesterday"))).toEqual(emptyFilters());
  });

  it("writes back what it read, leaving defaults out, so a shared link gives the same view", () => {
    const search = "?tenant=t1%2Ct2&status=new&severity=critical&q=lsass&range=24h&sort=updatedAt";
    const filters = parseFilters(new URLSearchParams(search));
    expect(filterSearch(filters)).toBe(search);
    expect(filterSearch(emptyFilters())).toBe("");
    expect(filterParams(emptyFilters()).order).toBe("");
  });

  it("keeps a custom range's bounds and drops them for a preset", () => {
    const custom = parseFilters(new URLSearchParams("range=custom&from=2025-05-01T00:00:00.000Z&to=2025-05-02T00:00:00Z"));
    expect(filterParams(custom)).toMatchObject({ range: "custom", from: "2025-05-01T00:00:00.000Z", to: "2025-05-02T00:00:00.000Z" });
    expect(filterParams({ ...custom, range: "7d" })).toMatchObject({ from: "", to: "" });
  });

  it("counts the filters that narrow the view, not the sort", () => {
    expect(activeFilterCount({ ...emptyFilters(), sort: "severity" })).toBe(0);
    expect(activeFilterCount({ ...emptyFilters(), tenants: ["a"], severities: ["low"], q: " x " })).toBe(3);
  });
});

describe("the GET /insights query", () => {
  it("measures a relative range back from now, on the chosen time field", () => {
    const query = insightQuery({ ...emptyFilters(), range: "24h", timeField: "closedAt" }, NOW);
    expect(query).toMatchObject({ from: "2025-05-31T12:00:00.000Z", timeField: "closedAt" });
    expect(query.to).toBeUndefined();
  });

  it("normalises tactics and techniques as typed into the short names and ids the hub holds", () => {
    const query = insightQuery({ ...emptyFilters(), tactic: "Credential Access, execution", technique: "t1003.001  T1059" }, NOW);
    expect(query.tactic).toEqual(["credential-access", "execution"]);
    expect(query.technique).toEqual(["T1003.001", "T1059"]);
  });

  it("is accepted by the hub's own query schema", () => {
    const filters = parseFilters(new URLSearchParams("tenant=a,b&status=new,in_progress&severity=high&tactic=execution&technique=T1059&q=powershell&range=30d&sort=severity&order=asc"));
    const text = insightQueryString({ ...insightQuery(filters, NOW), limit: 50 });
    const parsed = InsightListQuerySchema.safeParse(Object.fromEntries(new URLSearchParams(text)));
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(parsed.data).toMatchObject({
      tenantId: ["a", "b"],
      status: ["new", "in_progress"],
      severity: ["high"],
      tactic: ["execution"],
      technique: ["T1059"],
      q: "powershell",
      sort: "severity",
      order: "asc",
      limit: 50,
      timeField: "createdAt",
    });
  });
});

describe("datetime-local values", () => {
  it("round-trip through ISO in the browser's time zone", () => {
    const iso = localInputToIso("2025-03-04T05:06");
    expect(iso).not.toBe("");
    expect(isoToLocalInput(iso)).toBe("2025-03-04T05:06");
    expect(localInputToIso("")).toBe("");
    expect(isoToLocalInput("not a date")).toBe("");
  });
});
