import { z } from "zod";

/** Typed error codes carried by `error` frames and `rpc.res` failures. */
export const ErrorCode = z.enum([
  "frame_too_large",
  "bad_encoding",
  "bad_signature",
  "invalid_message",
  "unknown_type",
  "unexpected_message",
  "auth_failed",
  "revoked",
  "replaced",
  "unsupported_version",
  "unknown_method",
  "rpc_timeout",
  "not_connected",
  "rate_limited",
  "store_unavailable",
  "internal",
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** A frame that failed one decoding layer. `fatal` errors close the connection. */
export class ProtocolError extends Error {
  readonly code: ErrorCode;
  readonly fatal: boolean;
  readonly ref: string | undefined;

  constructor(code: ErrorCode, message: string, options: { fatal?: boolean; ref?: string } = {}) {
    super(message);
    this.name = "ProtocolError";
    this.code = code;
    this.fatal = options.fatal ?? true;
    this.ref = options.ref;
  }
}
