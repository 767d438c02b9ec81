import type { ApplyItem } from "@canopy/protocol";
import type { AdapterConfig, AdapterType } from "./adapter-config.js";
import type { ContentLocations } from "./content-locations.js";
import { createFilesystemAdapter, type FileChecker } from "./filesystem-adapter.js";
import type { ManifestDoc } from "./manifest.js";
import { createWebhookAdapter } from "./webhook-adapter.js";

/** Where an applied item ended up, recorded in the manifest. */
export interface AppliedItem {
  /** filesystem: the file relative to the content dir; webhook: the URL it was posted to. */
  location?: string;
  /** filesystem: `sha256:` of the bytes written, the reference for drift detection. */
  fileHash?: string;
}

/** What the tenant holds now compared with what was applied; `localHash` is null when it is gone. */
export interface DriftCheck {
  state: "ok" | "changed" | "missing";
  localHash: string | null;
}

/**
 * How content reaches the tenant's tools. `apply` replaces the item with the same kind and name,
 * or creates it; it throws with a message fit for the push history when it cannot. `check`, when
 * an adapter can tell, says whether an applied item was changed on the tenant since.
 */
export interface ContentAdapter {
  readonly type: AdapterType;
  /** How many items of a batch it may apply at once (default 1: one after the other, in order). */
  readonly concurrency?: number;
  apply(item: ApplyItem, options?: { signal?: AbortSignal }): Promise<AppliedItem>;
  /**
   * Deletes a held item from the tenant (it left the desired state: deleted or renamed at the
   * hub). Nothing there any more is not an error. Throws, like `apply`, when it cannot.
   */
  remove(entry: ManifestDoc, options?: { signal?: AbortSignal }): Promise<void>;
  check?(entry: ManifestDoc): Promise<DriftCheck>;
}

export interface AdapterContext {
  contentDir: string;
  /** Shared across batches so unchanged files are not hashed again on every drift scan. */
  checker: FileChecker;
  /** Where each item's file is: kept across batches, so items of one batch never share a file. */
  locations: ContentLocations;
}

export function createContentAdapter(config: AdapterConfig, context: AdapterContext): ContentAdapter {
  switch (config.type) {
    case "filesystem":
      return createFilesystemAdapter(context.contentDir, context.checker, context.locations);
    case "webhook":
      return createWebhookAdapter(config);
  }
}
