/**
 * Parses JSON typed by a person; on a syntax error says where (line and column) when the engine
 * tells (`position N` or `line N column M`; older engines only quote the text).
 */
export function parseJsonText(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const lineColumn = /line (\d+) column (\d+)/.exec(message);
    if (lineColumn) return { ok: false, message: `Not valid JSON at line ${lineColumn[1]}, column ${lineColumn[2]}: ${message.replace(/ \(line.*$/, "")}` };
    const position = /position (\d+)/.exec(message);
    if (!position) return { ok: false, message: `Not valid JSON: ${message}` };
    const before = text.slice(0, Number(position[1]));
    const line = before.split("\n").length;
    const column = before.length - before.lastIndexOf("\n");
    return { ok: false, message: `Not valid JSON at line ${line}, column ${column}: ${message.replace(/ in JSON at position \d+.*$/, "")}` };
  }
}

export const prettyJson = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
