import { describe, expect, it } from "vitest";
import { validateContent } from "./index.js";
import { isCron, scheduleProblem } from "./schedule.js";

const report = { type: "scheduled-report", path: "SOC/Weekly", query: "severity:high" };

describe("schedules", () => {
  it("accepts cron expressions with 5 or 6 fields, names, and the macros users write", () => {
    for (const schedule of ["0 6 * * 1", "*/15 * * * *", "0 0 6 ? * MON-FRI", "30 2 1 JAN *", "0 0 L * *", "0 9 * * 5#2"]) {
      expect(scheduleProblem(schedule), schedule).toBeUndefined();
    }
    for (const macro of ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"]) expect(isCron(macro), macro).toBe(true);
  });

  it("refuses prose, values out of range and the wrong number of fields, saying why", () => {
    expect(scheduleProblem("hello world foo bar baz")).toBe("configuration entry 1 (hello) contains illegal characters");
    expect(scheduleProblem("99 99 * * *")).toBe("Invalid value for minute: 99");
    expect(scheduleProblem("0 25 * * *")).toBe("Invalid value for hour: 25");
    expect(scheduleProblem("0 6 * * 1 2030 x")).toBe("it has 7 fields; a cron expression has 5 (minute hour day month weekday), or 6 with seconds first");
    expect(scheduleProblem("0 6 * *")).toBe("it has 4 fields; a cron expression has 5 (minute hour day month weekday), or 6 with seconds first");
    expect(scheduleProblem("@sometimes")).toBe("the macros are @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly");
    for (const schedule of ["@sometimes", "@reboot", ""]) expect(isCron(schedule), schedule).toBe(false);
  });

  it("refuses a scheduled report or search whose schedule is not cron, at the path `schedule`, with the reason", () => {
    expect(validateContent("library", { ...report, schedule: "99 99 * * *" })).toEqual({
      ok: false,
      issues: [{ path: "schedule", message: '"99 99 * * *" is not a cron expression: Invalid value for minute: 99 (write one like "0 6 * * 1" or "@daily")' }],
    });
    const search = { type: "scheduled-search", path: "SOC/Nightly", query: "event.code:4625", connection: "splunk" };
    const refused = validateContent("library", { ...search, schedule: "hello world foo bar baz" });
    expect(refused.ok ? [] : refused.issues.map((found) => found.path)).toEqual(["schedule"]);
    expect(validateContent("library", { ...search, schedule: "@daily" }).ok).toBe(true);
  });
});
