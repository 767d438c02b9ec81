/**
 * What a form says before it is sent, by field: `{ name: !name.trim() && "Enter a name." }` gives
 * `{ name: "Enter a name." }` when the name is blank, nothing for a field that is fine.
 */
export function formProblems(checks: Record<string, string | false>): Record<string, string> {
  return Object.fromEntries(Object.entries(checks).filter((entry): entry is [string, string] => entry[1] !== false));
}
