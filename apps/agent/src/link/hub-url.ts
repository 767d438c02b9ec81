import { AGENT_CONNECT_PATH, AGENT_PAIR_PATH } from "@canopy/protocol";
import { AgentCliError } from "../core/errors.js";

/**
 * Normalises what a person typed as the hub's address: http(s) only, no query or fragment, no
 * trailing slash. A path prefix is kept, so a hub behind a reverse proxy at `/canopy` works.
 */
export function normalizeHubUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new AgentCliError("invalid_hub_url", `hub URL "${input}" is not a valid URL (expected e.g. https://hub.example.com)`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new AgentCliError("invalid_hub_url", `hub URL must start with http:// or https:// (got ${url.protocol}//)`);
  }
  if (url.username || url.password) {
    throw new AgentCliError("invalid_hub_url", "hub URL must not contain a user name or password");
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

/** `http://hub` → `http://hub/api/v1/agent/pair`. */
export function pairUrl(hubUrl: string): string {
  return `${hubUrl}${AGENT_PAIR_PATH}`;
}

/** `https://hub` → `wss://hub/agent/v1/connect`. */
export function connectUrl(hubUrl: string): string {
  return `${hubUrl.replace(/^http/, "ws")}${AGENT_CONNECT_PATH}`;
}
