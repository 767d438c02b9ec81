import type { KeyObject } from "node:crypto";
import type { Store } from "@canopy/store";
import type { ContentSync } from "../content/content-sync.js";
import type { AgentLogger } from "../core/logger.js";
import type { Credentials } from "../identity/credentials.js";
import type { IngestServer } from "../ingest/ingest-server.js";
import type { InsightSync } from "../insights/insight-sync.js";
import type { HubConnection } from "../link/hub-connection.js";

/** Everything one `start()` opened; dropped again when the agent ends. */
export interface Run {
  store: Store;
  credentials: Credentials;
  privateKey: KeyObject;
  connection: HubConnection;
  /** Applies content, reports the manifest, watches for drift. */
  content: ContentSync;
  /** The tenant's insights: store, outbox, board changes. */
  insights: InsightSync;
  /** The loopback ingest endpoint (`ingestPort` set); null otherwise. */
  ingest: IngestServer | null;
  logger: AgentLogger;
  startedAt: Date;
  connectedSince: Date | null;
  /** Set once the agent is ending; later events of this run are ignored. */
  ending: Promise<void> | undefined;
  /** runtime.json writes, chained so they land in order. */
  runtimeWrites: Promise<void>;
}
