import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";

/** One document of the agent's manifest (segments `state/content.<n>.json`; `content.json` in older versions). */
export interface ManifestDoc {
  kind: string;
  name: string;
  hash: string;
  location?: string;
  fileHash?: string;
}

/** The agent's manifest as it is on disk: what it has recorded as applied. */
export async function readManifestFile(dataDir: string): Promise<ManifestDoc[]> {
  const state = join(dataDir, "state");
  const docs: ManifestDoc[] = [];
  for (const name of (await readdir(state)).filter((f) => /^content(\.\d+)?\.json$/.test(f))) {
    const file = JSON.parse(await readFile(join(state, name), "utf8")) as { docs?: Record<string, ManifestDoc> };
    docs.push(...Object.values(file.docs ?? {}));
  }
  return docs;
}

/** Every file under `dir`, as paths relative to it. */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)));
}

/** An atomic write's temp file (`.<name>.<hex>.tmp`), left behind when the process died mid-write. */
export const isTempFile = (path: string) => /(^|\/)\.[^/]*\.tmp$/.test(path);

export const sha256 = (bytes: Buffer) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

export interface ContentAudit {
  files: number;
  /** Files whose bytes do not hash to the manifest's `fileHash`: a half-written or foreign item. */
  mismatched: string[];
  /** Manifest entries whose file is missing. */
  missing: string[];
  /** Files no manifest entry accounts for (not temp files). */
  orphans: string[];
  /** `.*.tmp` files: debris of an interrupted atomic write. */
  temp: string[];
}

/** Compares every file under `<dataDir>/content` with the manifest's record of it. */
export async function auditContentFolder(dataDir: string): Promise<ContentAudit> {
  const contentDir = join(dataDir, "content");
  const files = await filesUnder(contentDir);
  const manifest = (await readManifestFile(dataDir)).filter((d) => d.location && d.fileHash);
  const byLocation = new Map(manifest.map((d) => [d.location!, d]));
  const audit: ContentAudit = { files: files.length, mismatched: [], missing: [], orphans: [], temp: [] };
  const present = new Set(files);
  for (const file of files) {
    if (isTempFile(file)) audit.temp.push(file);
    else if (!byLocation.has(file)) audit.orphans.push(file);
  }
  for (const doc of manifest) {
    if (!present.has(doc.location!)) {
      audit.missing.push(doc.location!);
      continue;
    }
    if (sha256(await readFile(join(contentDir, doc.location!))) !== doc.fileHash) audit.mismatched.push(doc.location!);
  }
  return audit;
}
