/**
 * A Sigma rule built to make a backtracking matcher hang (issue 10): its condition names a
 * wildcard token `*a*a…` that matches none of the detection's search identifiers, and one of those
 * identifiers is a long run of `a`. Turned into `^.*a.*a…b$`, the regex tries every way of placing
 * the stars in that run before it fails: C(50, 16) ways for a 33-character token (seconds), and
 * C(50, 35) for a 70-character one (hours). Real rules never look like this, but a community rule
 * set is exactly what users import unread.
 */
export function redosToken(length: number): string {
  // `*a` repeated, then `b` (odd length) or `*b` (even): never matches a name without a `b`.
  const pairs = Math.floor((length - 1) / 2);
  const token = "*a".repeat(pairs) + (length % 2 === 1 ? "b" : "*b");
  if (token.length !== length) throw new Error(`redosToken(${length}) made ${token.length} characters`);
  return token;
}

export function redosRule(title: string, tokenLength: number): string {
  const identifier = "a".repeat(50);
  return [
    `title: ${title}`,
    "status: experimental",
    "logsource:",
    "  product: windows",
    "  category: process_creation",
    "detection:",
    `  ${identifier}:`,
    "    Image|endswith: '\\cmd.exe'",
    "  selection:",
    "    CommandLine|contains: 'whoami'",
    `  condition: selection and not ${redosToken(tokenLength)}`,
    "level: low",
  ].join("\n");
}
