/** A request body split into values, with the positions of the parts that are not JSON. */
export interface IngestBody {
  values: { index: number; value: unknown }[];
  failed: { index: number; error: string }[];
}

/**
 * One insight as a JSON object, an array of them, or NDJSON (one per line). Positions are the
 * array index, or the 0-based line number for NDJSON (blank lines count, but are skipped).
 */
export function parseIngestBody(text: string): IngestBody {
  const trimmed = text.trim();
  if (trimmed.length === 0) return { values: [], failed: [] };
  try {
    const whole: unknown = JSON.parse(trimmed);
    if (Array.isArray(whole)) return { values: whole.map((value, index) => ({ index, value })), failed: [] };
    return { values: [{ index: 0, value: whole }], failed: [] };
  } catch {
    // Not one JSON document: NDJSON.
  }
  const body: IngestBody = { values: [], failed: [] };
  text.split("\n").forEach((line, index) => {
    if (line.trim().length === 0) return;
    try {
      body.values.push({ index, value: JSON.parse(line) });
    } catch {
      body.failed.push({ index, error: "not valid JSON" });
    }
  });
  return body;
}
