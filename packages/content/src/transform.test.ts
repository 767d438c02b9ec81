import { describe, expect, it } from "vitest";
import { type LibraryItem, transformForPush, validateContent } from "./index.js";

const scheduledSearch: LibraryItem = {
  type: "scheduled-search",
  path: "SOC/Windows/Failed logons",
  description: "Every hour",
  query: "EventID=4625 | stats count by user",
  connection: "Slack #soc",
  schedule: "0 * * * *",
};
const scheduledReport: LibraryItem = { type: "scheduled-report", path: "SOC/Weekly summary", query: "*", schedule: "0 6 * * 1" };

describe("transformForPush", () => {
  it("puts library items under Admin Recommended", () => {
    expect(transformForPush("library", { type: "folder", path: "SOC/Windows" })).toEqual({
      kind: "library",
      name: "Admin Recommended/SOC/Windows",
      body: { type: "folder", path: "Admin Recommended/SOC/Windows" },
    });
  });

  it("turns an ignored scheduled search into a saved search without schedule or connection", () => {
    const pushed = transformForPush("library", scheduledSearch, { scheduledSearches: "ignore", scheduledReports: "include" });
    expect(pushed).toEqual({
      kind: "library",
      name: "Admin Recommended/SOC/Windows/Failed logons",
      body: {
        type: "saved-search",
        path: "Admin Recommended/SOC/Windows/Failed logons",
        description: "Every hour",
        query: "EventID=4625 | stats count by user",
      },
    });
    expect(validateContent("library", pushed.body).ok).toBe(true);
  });

  it("turns an ignored scheduled report into a saved report", () => {
    const pushed = transformForPush("library", scheduledReport, { scheduledSearches: "include", scheduledReports: "ignore" });
    expect(pushed.body).toEqual({ type: "saved-report", path: "Admin Recommended/SOC/Weekly summary", query: "*" });
    expect(validateContent("library", pushed.body).ok).toBe(true);
  });

  it("keeps scheduled items as they are when included (the default)", () => {
    const options = { scheduledSearches: "include", scheduledReports: "include" } as const;
    expect(transformForPush("library", scheduledSearch, options).body).toEqual({ ...scheduledSearch, path: "Admin Recommended/SOC/Windows/Failed logons" });
    expect(transformForPush("library", scheduledReport, options).body).toEqual({ ...scheduledReport, path: "Admin Recommended/SOC/Weekly summary" });
    expect(transformForPush("library", scheduledSearch).body.type).toBe("scheduled-search");
  });

  it("does not touch the stored item, and leaves other kinds unchanged", () => {
    const stored = structuredClone(scheduledSearch);
    transformForPush("library", stored, { scheduledSearches: "ignore", scheduledReports: "ignore" });
    expect(stored).toEqual(scheduledSearch);
    const field = { name: "Ticket", type: "text" as const, appliesTo: "incident" as const };
    expect(transformForPush("custom-field", field, { scheduledSearches: "ignore", scheduledReports: "ignore" })).toEqual({
      kind: "custom-field",
      name: "Ticket",
      body: field,
    });
  });
});
