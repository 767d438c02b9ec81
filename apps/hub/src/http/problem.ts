import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { StoreWriteError } from "@canopy/store";
import type { Logger } from "pino";
import { ProblemError } from "../core/problem-error.js";
import { GatewayError } from "../gateway/gateway-error.js";

const titles: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  410: "Gone",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** RFC 9457 problem details; `code` is the stable, machine-readable reason. */
export function problemResponse(c: Context, problem: ProblemError): Response {
  const body = {
    type: `urn:canopy:problem:${problem.code}`,
    title: titles[problem.status] ?? "Error",
    status: problem.status,
    detail: problem.message,
    code: problem.code,
    ...problem.extra,
  };
  return c.newResponse(JSON.stringify(body), problem.status as ContentfulStatusCode, {
    "Content-Type": "application/problem+json",
    ...problem.headers,
  });
}

const exceptionCodes: Record<number, string> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  413: "payload_too_large",
  415: "unsupported_media_type",
};

/** Maps anything thrown by a route to a problem; unknown errors are logged, never shown. */
export function toProblem(error: unknown, logger: Logger): ProblemError {
  if (error instanceof ProblemError) return error;
  if (error instanceof GatewayError) {
    if (error.code === "not_connected") return new ProblemError(409, "tenant_offline", "the tenant's agent is not connected");
    if (error.code === "rpc_timeout") return new ProblemError(504, "agent_timeout", "the tenant's agent did not answer in time");
    return new ProblemError(502, "agent_error", `the tenant's agent could not answer (${error.code}): ${error.message}`);
  }
  if (error instanceof StoreWriteError) {
    // The change was rolled back in memory: nothing of it is visible, nothing was announced.
    logger.error({ err: error, file: error.file, errno: error.errno }, "a change could not be saved");
    return new ProblemError(503, "store_unavailable", `the hub could not save this change: ${error.reason}; nothing was changed`);
  }
  if (error instanceof HTTPException && error.status < 500) {
    return new ProblemError(error.status, exceptionCodes[error.status] ?? "bad_request", error.message || (titles[error.status] ?? "Bad Request"));
  }
  logger.error({ err: error }, "unhandled error in request");
  return new ProblemError(500, "internal", "the hub hit an unexpected error; it has been logged");
}
