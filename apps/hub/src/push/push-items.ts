import type { PushOptions as ApiPushOptions } from "@canopy/api";
import {
  DEFAULT_PUSH_OPTIONS,
  associatedRules,
  canonicalHash,
  libraryDescendants,
  transformForPush,
  type ContentBodyByKind,
  type ContentKind,
  type LibraryItem,
  type PushOptions as TransformOptions,
  type TuningExpression,
} from "@canopy/content";
import type { ContentRef } from "@canopy/protocol";
import type { ContentRepository } from "../content/content-repository.js";
import type { ContentItemRecord } from "../content/content-records.js";
import { itemKey, type ItemKey } from "./push-records.js";

/** The catalogue as the push engine reads it (the content repository). */
export type CatalogueReads = Pick<ContentRepository, "get" | "getByName" | "all" | "revision" | "revisionsOf">;

/** One item as a tenant will receive it. */
export interface ResolvedItem {
  key: ItemKey;
  kind: ContentKind;
  name: string;
  itemId: string;
  revision: number;
  hash: string;
  body: unknown;
  dependsOn: ContentRef[];
}

export interface MissingDependency {
  kind: ContentKind;
  name: string;
  requiredBy: string;
}

export interface Expansion {
  items: ResolvedItem[];
  missingDependencies: MissingDependency[];
  /** Positions in the request whose item does not exist. */
  unknown: { index: number; kind: ContentKind; id: string }[];
}

/** Longest name the protocol carries (`ContentRef.name`). */
export const MAX_PUSHED_NAME = 512;

export function transformOptions(options: ApiPushOptions): TransformOptions {
  return {
    scheduledSearches: options.scheduledSearches ?? DEFAULT_PUSH_OPTIONS.scheduledSearches,
    scheduledReports: options.scheduledReports ?? DEFAULT_PUSH_OPTIONS.scheduledReports,
  };
}

/**
 * An item body as delivered. Only library items change in the transform; for the other kinds
 * the stored hash is reused rather than hashing thousands of bodies again.
 */
export function deliveredItem(
  source: { kind: ContentKind; itemId: string; revision: number; hash: string; body: unknown },
  options: TransformOptions,
  dependsOn: ContentRef[] = [],
): ResolvedItem {
  const pushed = transformForPush(source.kind, source.body as ContentBodyByKind[ContentKind], options);
  const hash = pushed.body === source.body ? source.hash : canonicalHash(pushed.body);
  return { key: itemKey(source.kind, pushed.name), kind: source.kind, name: pushed.name, itemId: source.itemId, revision: source.revision, hash, body: pushed.body, dependsOn };
}

const parentPath = (path: string): string => path.split("/").slice(0, -1).join("/");

/**
 * What a push request names, expanded: a tuning expression brings its rules when
 * `includeAssociatedRules` is set (a rule the catalogue lacks is a missing dependency), a
 * library folder brings everything below it. Dependencies come before the items that need them
 * and each item is listed once. Only reads the catalogue.
 */
export async function expandItems(catalogue: CatalogueReads, refs: readonly { kind: ContentKind; id: string }[], options: ApiPushOptions): Promise<Expansion> {
  const transform = transformOptions(options);
  const items: ResolvedItem[] = [];
  const seen = new Set<ItemKey>();
  const missingDependencies: MissingDependency[] = [];
  const unknown: Expansion["unknown"] = [];
  // Library paths already in this push, for a child's dependency on its folder.
  const libraryKeys = new Map<string, ContentRef>();
  let library: Map<string, ContentItemRecord<"library">> | undefined;

  const add = (record: ContentItemRecord, dependsOn: ContentRef[] = []): ContentRef => {
    const item = deliveredItem({ kind: record.kind, itemId: record.id, revision: record.revision, hash: record.hash, body: record.body }, transform, dependsOn);
    if (!seen.has(item.key)) {
      seen.add(item.key);
      items.push(item);
    }
    return { kind: item.kind, name: item.name };
  };

  const addLibrary = (record: ContentItemRecord<"library">): void => {
    const path = (record.body as LibraryItem).path;
    const parent = libraryKeys.get(parentPath(path));
    libraryKeys.set(path, add(record, parent ? [parent] : []));
  };

  for (const [index, ref] of refs.entries()) {
    const record = await catalogue.get(ref.kind, ref.id);
    if (!record) {
      unknown.push({ index, ...ref });
      continue;
    }
    if (record.kind === "tuning-expression" && options.includeAssociatedRules) {
      const rules: ContentRef[] = [];
      for (const name of associatedRules(record.body as TuningExpression)) {
        const rule = await catalogue.getByName("siem-rule", name);
        if (rule) rules.push(add(rule));
        else missingDependencies.push({ kind: "siem-rule", name, requiredBy: record.name });
      }
      add(record, rules);
      continue;
    }
    if (record.kind === "library") {
      const body = record.body as LibraryItem;
      addLibrary(record as ContentItemRecord<"library">);
      if (body.type !== "folder") continue;
      library ??= new Map((await catalogue.all("library")).map((item) => [(item.body as LibraryItem).path, item]));
      const bodies = Array.from(library.values(), (item) => item.body as LibraryItem);
      for (const child of libraryDescendants(bodies, body.path)) addLibrary(library.get(child.path)!);
      continue;
    }
    add(record);
  }
  return { items, missingDependencies, unknown };
}
