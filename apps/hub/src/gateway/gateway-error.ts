import type { ErrorCode, HubMessage } from "@canopy/protocol";

const MAX_ERROR_MESSAGE = 1024;

/** The `error` frame telling an agent what went wrong with what it sent (the protocol caps the message). */
export function errorFrame(code: ErrorCode, message: string, ref?: string): HubMessage<"error"> {
  return { type: "error", code, message: message.slice(0, MAX_ERROR_MESSAGE), ...(ref === undefined ? {} : { ref }) };
}

/** Why a request to an agent (ping, rpc) did not produce an answer. */
export class GatewayError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = "GatewayError";
    this.code = code;
  }
}
