import { pino, type Logger, type LevelWithSilent } from "pino";

export type { Logger };

/** Structured logs on stderr (stdout is reserved for what the CLI prints). Secrets are redacted. */
export function createLogger(level: LevelWithSilent = "info"): Logger {
  return pino(
    {
      name: "canopy-hub",
      level,
      redact: {
        paths: ["password", "*.password", "token", "*.token", "authorization", "*.authorization", "cookie", "*.cookie"],
        censor: "[redacted]",
      },
    },
    pino.destination({ dest: 2, sync: true }),
  );
}
