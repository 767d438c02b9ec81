import type { PairErrorCode } from "@canopy/protocol";

/** Why a CLI-level operation (pair, unpair, start) refused or failed. */
export type AgentCliErrorCode =
  | "not_paired"
  | "already_paired"
  | "invalid_code"
  | "invalid_hub_url"
  | "invalid_environment"
  | "invalid_argument"
  | "hub_unreachable"
  | "hub_refused"
  | "invalid_response"
  | "damaged_state"
  | "ingest_unavailable";

/**
 * An error meant for a person at a terminal: `message` is one line that says what went wrong
 * and, where there is one, what to do next. The CLI prints it as `error: <message>`.
 */
export class AgentCliError extends Error {
  readonly code: AgentCliErrorCode;
  /** The hub's problem+json `code` when the hub refused a pairing. */
  readonly pairErrorCode: PairErrorCode | undefined;

  constructor(code: AgentCliErrorCode, message: string, options: { pairErrorCode?: PairErrorCode; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AgentCliError";
    this.code = code;
    this.pairErrorCode = options.pairErrorCode;
  }
}
