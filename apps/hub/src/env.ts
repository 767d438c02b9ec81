import { z } from "zod";
import { httpOrigin } from "./core/http-origin.js";

export const DATABASE_URL_MESSAGE = "must be a PostgreSQL URL, such as postgres://canopy:secret@db.example.com:5432/canopy";

export const PUBLIC_URL_MESSAGE = "must be the http(s) URL browsers use, such as https://canopy.example.com";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const EnvSchema = z.object({
  CANOPY_DATA_DIR: z.string().min(1).default(".canopy/hub"),
  CANOPY_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  CANOPY_HOST: z.string().min(1).default("127.0.0.1"),
  CANOPY_ADMIN_EMAIL: z.string().regex(/^[^\s@]+@[^\s@]+$/, "must be an email address").default("admin@canopy.local"),
  CANOPY_ADMIN_PASSWORD: z.string().min(1).optional(),
  CANOPY_HEARTBEAT_MS: z.coerce.number().int().min(50).max(600_000).default(15_000),
  CANOPY_PAIRING_TTL_SECONDS: z.coerce.number().int().min(1).max(7 * 24 * 60 * 60).default(900),
  CANOPY_LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  CANOPY_PUBLIC_URL: z.string().refine((value) => httpOrigin(value) !== undefined, PUBLIC_URL_MESSAGE).optional(),
  CANOPY_DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\/\S+$/, DATABASE_URL_MESSAGE).optional(),
});

export interface HubEnvironment {
  dataDir: string;
  port: number;
  host: string;
  adminEmail: string;
  adminPassword: string | undefined;
  heartbeatMs: number;
  pairingTtlSeconds: number;
  logLevel: (typeof LOG_LEVELS)[number];
  publicUrl: string | undefined;
  /** Keep the store in PostgreSQL instead of lowdb files under the data dir. */
  databaseUrl: string | undefined;
}

export class EnvError extends Error {
  override name = "EnvError";
}

/**
 * The only place the hub reads `process.env`. Empty variables count as unset (a common shell
 * accident); anything invalid is refused with the variable's name.
 */
export function readEnvironment(env: NodeJS.ProcessEnv = process.env): HubEnvironment {
  const present = Object.fromEntries(Object.entries(env).filter(([key, value]) => key.startsWith("CANOPY_") && value !== ""));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new EnvError(`${issue.path.join(".")}: ${issue.message}`);
  }
  const e = parsed.data;
  return {
    dataDir: e.CANOPY_DATA_DIR,
    port: e.CANOPY_PORT,
    host: e.CANOPY_HOST,
    adminEmail: e.CANOPY_ADMIN_EMAIL,
    adminPassword: e.CANOPY_ADMIN_PASSWORD,
    heartbeatMs: e.CANOPY_HEARTBEAT_MS,
    pairingTtlSeconds: e.CANOPY_PAIRING_TTL_SECONDS,
    logLevel: e.CANOPY_LOG_LEVEL,
    publicUrl: e.CANOPY_PUBLIC_URL,
    databaseUrl: e.CANOPY_DATABASE_URL,
  };
}
