import type { ErrorCode } from "@canopy/protocol";

/** Why a request to an agent (ping, rpc) did not produce an answer. */
export class GatewayError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = "GatewayError";
    this.code = code;
  }
}
