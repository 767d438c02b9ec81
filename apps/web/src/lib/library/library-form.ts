import type { LibraryItem } from "@canopy/content";
import type { LibraryType } from "./tree";

export interface LibraryDraft {
  type: LibraryType;
  path: string;
  description: string;
  query: string;
  connection: string;
  schedule: string;
  panels: string;
}

type Field = "query" | "connection" | "schedule" | "panels";

/** Which fields each type shows (the hub refuses the others); mirrors @canopy/content's rules. */
export const FIELDS_BY_TYPE: Record<LibraryType, readonly Field[]> = {
  folder: [],
  "saved-search": ["query"],
  dashboard: ["panels"],
  "scheduled-search": ["query", "connection", "schedule"],
  "scheduled-report": ["query", "schedule"],
  "saved-report": ["query"],
};

export function emptyLibraryDraft(folderPath = ""): LibraryDraft {
  return { type: "saved-search", path: folderPath ? `${folderPath}/` : "", description: "", query: "", connection: "", schedule: "", panels: "" };
}

/** The item as the hub takes it: only the fields of its type, trimmed, empty ones left out. */
export function libraryBody(draft: LibraryDraft): LibraryItem {
  const body: LibraryItem = { type: draft.type, path: draft.path.trim().replace(/\/+$/, "") };
  if (draft.description.trim()) body.description = draft.description.trim();
  const fields = FIELDS_BY_TYPE[draft.type];
  if (fields.includes("query") && draft.query.trim()) body.query = draft.query.trim();
  if (fields.includes("connection") && draft.connection.trim()) body.connection = draft.connection.trim();
  if (fields.includes("schedule") && draft.schedule.trim()) body.schedule = draft.schedule.trim();
  if (fields.includes("panels")) {
    const titles = draft.panels.split("\n").map((line) => line.trim()).filter(Boolean);
    if (titles.length > 0) body.panels = titles.map((title) => ({ title }));
  }
  return body;
}
