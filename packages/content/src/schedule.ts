import { CronPattern } from "croner";

/**
 * Why `schedule` is not a cron expression a SIEM could run, or undefined when it is one: 5
 * fields (minute hour day month weekday), or 6 with seconds first, or a macro (`@yearly` /
 * `@annually`, `@monthly`, `@weekly`, `@daily` / `@midnight`, `@hourly`). Month and day names,
 * `?`, `L`, `W` and `#` are understood. croner parses it and gives the reason ("Invalid value
 * for minute: 99"); only a wrong count of fields and an unknown macro are said here, since
 * croner's message for those offers the 7 fields we do not take.
 */
export function scheduleProblem(schedule: string): string | undefined {
  const fields = schedule.trim().split(/\s+/).filter(Boolean);
  const macro = schedule.trim().startsWith("@");
  if (!macro && fields.length !== 5 && fields.length !== 6) {
    return `it has ${fields.length} ${fields.length === 1 ? "field" : "fields"}; a cron expression has 5 (minute hour day month weekday), or 6 with seconds first`;
  }
  try {
    new CronPattern(schedule, undefined, { mode: "5-or-6-parts" });
    return undefined;
  } catch (error) {
    if (macro) return `the macros are ${MACROS.join(", ")}`;
    const reason = error instanceof Error ? error.message : String(error);
    return reason.replace(/^CronPattern: /, "").replace(/\.$/, "");
  }
}

const MACROS = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];

/** A 5-field (or 6-field, with seconds) cron expression or a macro such as "@daily". */
export function isCron(schedule: string): boolean {
  return scheduleProblem(schedule) === undefined;
}
