import type { ContentKind, ContentPath } from "$lib/api";

export interface KindInfo {
  path: ContentPath;
  kind: ContentKind;
  /** Plural, as in the navigation. */
  label: string;
  /** "custom field", for sentences. */
  singular: string;
}

// Written out rather than imported from @canopy/content, whose runtime module brings zod into the
// bundle; the record type makes the compiler insist on every path the API knows.
const INFO: Record<ContentPath, Omit<KindInfo, "path">> = {
  playbooks: { kind: "playbook", label: "Playbooks", singular: "playbook" },
  "custom-fields": { kind: "custom-field", label: "Custom Fields", singular: "custom field" },
  "siem-rules": { kind: "siem-rule", label: "SIEM Rules", singular: "SIEM rule" },
  "tuning-expressions": { kind: "tuning-expression", label: "Tuning Expressions", singular: "tuning expression" },
  library: { kind: "library", label: "Library", singular: "library item" },
};

/** In navigation order. */
export const KINDS: readonly KindInfo[] = Object.entries(INFO).map(([path, info]) => ({ path: path as ContentPath, ...info }));

const byPath = new Map(KINDS.map((info) => [info.path, info]));
const byKind = new Map(KINDS.map((info) => [info.kind, info]));

export function kindInfo(pathOrKind: string): KindInfo | undefined {
  return byPath.get(pathOrKind as ContentPath) ?? byKind.get(pathOrKind as ContentKind);
}

export function isContentPath(value: string): value is ContentPath {
  return byPath.has(value as ContentPath);
}

/** "custom field" for `custom-field` or `custom-fields`; the raw value for anything unknown. */
export function singularOf(pathOrKind: string): string {
  return kindInfo(pathOrKind)?.singular ?? pathOrKind;
}

/** The list page of a kind, and the page of one item. */
export const listHref = (path: ContentPath) => `/content/${path}`;
export const itemHref = (pathOrKind: string, id: string) => `/content/${kindInfo(pathOrKind)?.path ?? pathOrKind}/${encodeURIComponent(id)}`;
