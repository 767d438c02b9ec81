/**
 * Whether `text` matches `pattern`, where `*` stands for any run of characters (also none) and
 * every other character only for itself: how Sigma conditions name search identifiers
 * (`1 of selection_*`).
 *
 * No RegExp: a pattern turned into `^a.*b.*c$` makes the engine backtrack over every way of
 * splitting the text, so a few dozen stars against a near miss blocked the event loop for hours.
 * Here the pieces between stars are found left to right, each at its first place after the
 * previous one. Taking the leftmost place is never wrong (it leaves the most text for the pieces
 * that follow), so nothing is ever retried and the text is scanned once.
 */
export function matchesWildcard(pattern: string, text: string): boolean {
  const pieces = pattern.split("*");
  if (pieces.length === 1) return pattern === text;
  const head = pieces[0]!;
  const tail = pieces[pieces.length - 1]!;
  if (head.length + tail.length > text.length || !text.startsWith(head) || !text.endsWith(tail)) return false;
  const end = text.length - tail.length;
  let from = head.length;
  for (const piece of pieces.slice(1, -1)) {
    if (piece === "") continue;
    const found = text.indexOf(piece, from);
    if (found === -1 || found + piece.length > end) return false;
    from = found + piece.length;
  }
  return true;
}
