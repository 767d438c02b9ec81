import { homedir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { DEFAULT_RECONNECT_MAX_MS } from "../link/backoff.js";
import { AgentCliError } from "../core/errors.js";
import { DEFAULT_DRIFT_SCAN_MS } from "../core/types.js";

/** Unset and empty are the same thing for an environment variable. */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === "" ? undefined : value), schema.optional());

const EnvSchema = z.object({
  CANOPY_DATA_DIR: optional(z.string()),
  CANOPY_RECONNECT_MAX_MS: optional(z.coerce.number().int().positive()),
  CANOPY_DRIFT_SCAN_MS: optional(z.coerce.number().int().nonnegative()),
  CANOPY_LOG_LEVEL: optional(z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])),
  CANOPY_INGEST_PORT: optional(z.coerce.number().int().min(0).max(65535)),
});

export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

export interface AgentEnv {
  /** CANOPY_DATA_DIR, if set; `--data-dir` wins over it. */
  dataDir: string | undefined;
  reconnectMaxMs: number;
  /** Between drift scans of applied files; 0: only on start and after each welcome. */
  driftScanMs: number;
  /** CANOPY_LOG_LEVEL, if set; each command has its own default. */
  logLevel: LogLevel | undefined;
  /** The loopback ingest port of `run`; 0 (default): any free port, recorded in runtime.json. */
  ingestPort: number;
}

/** The one place that reads `process.env` (validated; a bad value is a one-line error). */
export function readEnv(source: NodeJS.ProcessEnv = process.env): AgentEnv {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? "environment");
    const expected: Record<string, string> = {
      CANOPY_RECONNECT_MAX_MS: "a positive whole number of milliseconds",
      CANOPY_DRIFT_SCAN_MS: "a whole number of milliseconds (0: scan only on start and reconnect)",
      CANOPY_LOG_LEVEL: "one of fatal, error, warn, info, debug, trace, silent",
      CANOPY_INGEST_PORT: "a port number from 0 to 65535 (0: any free port)",
    };
    throw new AgentCliError("invalid_environment", `${name} must be ${expected[name] ?? "valid"}`);
  }
  const env = parsed.data;
  return {
    dataDir: env.CANOPY_DATA_DIR,
    reconnectMaxMs: env.CANOPY_RECONNECT_MAX_MS ?? DEFAULT_RECONNECT_MAX_MS,
    driftScanMs: env.CANOPY_DRIFT_SCAN_MS ?? DEFAULT_DRIFT_SCAN_MS,
    logLevel: env.CANOPY_LOG_LEVEL,
    ingestPort: env.CANOPY_INGEST_PORT ?? 0,
  };
}

/** `--data-dir` > CANOPY_DATA_DIR > `~/.canopy/agent`. */
export function resolveDataDir(flag: string | undefined, env: AgentEnv): string {
  return flag ?? env.dataDir ?? join(homedir(), ".canopy", "agent");
}
