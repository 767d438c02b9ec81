import { cp, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { inPool, type Ran } from "./store-commands.js";

/**
 * Ways a store file goes bad, each with the words the refusal must use for it (black box: what
 * `@canopy/store` says, as documented in apps/hub/README.md "Data dir"). A document-level damage
 * also names the document and the field.
 */
export interface Damage {
  name: string;
  apply(text: string): { text: string; document?: string; field?: string };
  /** What the refusal says about the file. */
  says: RegExp;
}

const firstDoc = (text: string) => {
  const file = JSON.parse(text) as { version: number; docs: Record<string, Record<string, unknown>> };
  const [id, doc] = Object.entries(file.docs)[0]!;
  return { file, id, doc };
};

export const DAMAGES: Damage[] = [
  { name: "damaged JSON", apply: (text) => ({ text: text.replace('":', '" ') }), says: /not valid JSON \(.*\): the file is damaged or cut short/ },
  { name: "truncated", apply: (text) => ({ text: text.slice(0, Math.floor(text.length / 2)) }), says: /not valid JSON \(.*\): the file is damaged or cut short/ },
  { name: "empty (cut short)", apply: () => ({ text: "" }), says: /the file is empty \(cut short while it was written\?\)/ },
  { name: "wrong shape {}", apply: () => ({ text: "{}" }), says: /no version; this program reads version 1/ },
  { name: "wrong shape null", apply: () => ({ text: "null" }), says: /expected \{"version":1,"docs":\{…\}\}, found null/ },
  { name: "wrong shape: a docs list", apply: () => ({ text: '{"version":1,"docs":[]}' }), says: /"docs" must be an object of documents by id, found a list/ },
  { name: "another version", apply: () => ({ text: '{"version":2,"docs":{}}' }), says: /version 2; this program reads version 1/ },
  {
    name: "a document under another id",
    apply: (text) => {
      const { file, id, doc } = firstDoc(text);
      doc.id = `${id}-moved`;
      return { text: JSON.stringify(file), document: id, field: "id" };
    },
    says: /its id is ".*-moved", but it is filed under/,
  },
  {
    name: "a document with its fields missing",
    apply: (text) => {
      const { file, id } = firstDoc(text);
      file.docs[id] = { id };
      return { text: JSON.stringify(file), document: id };
    },
    says: /field \S+: /,
  },
];

/** The store files of a folder (`*.json`, not the `.bak` copies), sorted. */
export async function storeFiles(db: string): Promise<string[]> {
  return (await readdir(db)).filter((f) => f.endsWith(".json")).sort();
}

/** Every file of a folder with its bytes: what "nothing was changed or overwritten" compares. */
export async function snapshot(dir: string): Promise<Record<string, string>> {
  const names = (await readdir(dir)).sort();
  return Object.fromEntries(await Promise.all(names.map(async (n) => [n, await readFile(join(dir, n), "latin1")] as const)));
}

/** Puts a saved copy of the folder back over it (files of the copy only: set-aside files stay). */
export async function putBack(saved: string, db: string): Promise<void> {
  for (const name of await readdir(saved)) await cp(join(saved, name), join(db, name), { force: true });
}

/** One damaged store file and what a refusal must say about it. */
export interface Damaged {
  /** The file's name (`tenants.json`) and full path. */
  file: string;
  path: string;
  /** Its name in `store restore` (the file without `.json`: a partition is restored on its own). */
  store: string;
  damage: Damage;
  document?: string;
  field?: string;
  /** The ids in its last good copy (`.bak`), or null when it has none. */
  lastGood: string[] | null;
}

/** Damages `file` in `db` with `damage`; returns what the refusal should name. */
export async function damageFile(db: string, file: string, damage: Damage): Promise<Damaged> {
  const path = join(db, file);
  const lastGood = await lastGoodCopy(path);
  const done = damage.apply(await readFile(path, "utf8"));
  await writeFile(path, done.text);
  return {
    file,
    path,
    store: file.replace(/\.json$/, ""),
    damage,
    lastGood,
    ...(done.document !== undefined ? { document: done.document } : {}),
    ...(done.field !== undefined ? { field: done.field } : {}),
  };
}

/** Damages every file of `files`, each its own way: the kinds in turn from `offset`, so each is used. */
export async function damageAll(db: string, files: string[], offset: number): Promise<Damaged[]> {
  const damaged: Damaged[] = [];
  for (const [i, file] of files.entries()) damaged.push(await damageFile(db, file, DAMAGES[(offset + i) % DAMAGES.length]!));
  return damaged;
}

export interface SweepRun extends Damaged {
  ran: Ran;
  /** No file of the store folder was changed, added or removed by the run. */
  unchanged: boolean;
}

/**
 * Every store file with every damage, one at a time: each case starts from `source` (a data
 * folder) again, damages one file and runs `run` on it. `copies` folders work side by side.
 */
export async function sweep(options: { source: string; copies: string[]; storeOf: (dataDir: string) => string; run: (dataDir: string) => Promise<Ran> }): Promise<SweepRun[]> {
  const { source, storeOf } = options;
  for (const copy of options.copies) await cp(source, copy, { recursive: true });
  const cases = (await storeFiles(storeOf(source))).flatMap((file) => DAMAGES.map((damage) => ({ file, damage })));
  const free = [...options.copies];
  return inPool(cases, options.copies.length, async ({ file, damage }) => {
    const copy = free.pop()!;
    try {
      await putBack(storeOf(source), storeOf(copy));
      const damaged = await damageFile(storeOf(copy), file, damage);
      const before = await snapshot(storeOf(copy));
      const ran = await options.run(copy);
      const after = await snapshot(storeOf(copy));
      return { ...damaged, ran, unchanged: JSON.stringify(after) === JSON.stringify(before) };
    } finally {
      free.push(copy);
    }
  });
}

/** The ids in a file's last good copy (`<file>.bak`), or null when it has none. */
export async function lastGoodCopy(path: string): Promise<string[] | null> {
  const text = await readFile(`${path}.bak`, "utf8").catch(() => null);
  return text === null ? null : Object.keys((JSON.parse(text) as { docs: object }).docs).sort();
}

/** How many documents a store file holds. */
export async function documentCount(path: string): Promise<number> {
  return Object.keys((JSON.parse(await readFile(path, "utf8")) as { docs: object }).docs).length;
}
