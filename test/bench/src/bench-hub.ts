import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openLiveFeed, type LiveFeed } from "./live-feed.js";
import { startServer, type Server, type ServerOptions } from "./processes.js";

const HUB_BIN = fileURLToPath(new URL("../../../apps/hub/bin/canopy-hub", import.meta.url));
const EMAIL = "bench@canopy.local";
const PASSWORD = "bench-password-123";

/** A JSON call to the hub's API as the signed-in bench admin; throws on a non-2xx answer. */
export interface HubApi {
  <R>(method: string, path: string, payload?: unknown): Promise<R>;
  /** The hub's live feed, as the same admin. */
  liveFeed(): Promise<LiveFeed>;
}

/** `canopy-hub start` as its own process (so its RSS is its own), on loopback, data in `<dir>/hub`. */
/**
 * A `canopy-hub start` for a bench. CANOPY_BENCH_HUB_NODE_ARGS adds node flags to every bench hub,
 * e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it (one profile per hub process).
 */
export function startBenchHub(dir: string, port = 0, options: Omit<ServerOptions, "env"> & { databaseUrl?: string } = {}): Promise<Server> {
  const { databaseUrl, ...serverOptions } = options;
  const extraNodeArgs = process.env.CANOPY_BENCH_HUB_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
  return startServer(HUB_BIN, ["start", "--port", String(port), "--host", "127.0.0.1", "--data-dir", join(dir, "hub")], {
    ...serverOptions,
    nodeArgs: [...(serverOptions.nodeArgs ?? []), ...extraNodeArgs],
    env: { CANOPY_ADMIN_EMAIL: EMAIL, CANOPY_ADMIN_PASSWORD: PASSWORD, ...(databaseUrl ? { CANOPY_DATABASE_URL: databaseUrl } : {}) },
  });
}

/** Signs in as the bench admin (the first start created it) and returns the API caller. */
/** Signs in (default: the bench hub's admin); `accept`: first sets the password from an invitation's token. */
export async function signIn(url: string, as: { email: string; password: string; acceptToken?: string } = { email: EMAIL, password: PASSWORD }): Promise<HubApi> {
  const login = await fetch(new URL(as.acceptToken ? "/api/v1/auth/accept" : "/api/v1/auth/login", url), {
    method: "POST",
    headers: { "content-type": "application/json", origin: url.replace(/\/$/, "") },
    body: JSON.stringify(as.acceptToken ? { token: as.acceptToken, password: as.password } : { email: as.email, password: as.password }),
  });
  if (!login.ok) throw new Error(`login: ${login.status} ${(await login.text()).slice(0, 300)}`);
  const cookie = (login.headers.getSetCookie()[0] ?? "").split(";")[0]!;
  const request = (method: string, path: string, payload?: unknown) =>
    fetch(new URL(`/api/v1${path}`, url), {
      method,
      headers: { cookie, origin: url.replace(/\/$/, ""), "content-type": "application/json" },
      body: payload === undefined ? undefined : JSON.stringify(payload),
    });
  const call = async <R>(method: string, path: string, payload?: unknown): Promise<R> => {
    // A pooled keep-alive socket the server closed after 5 s idle can reset the next GET: retry reads once.
    const res = await request(method, path, payload).catch((error: unknown) => {
      if (method !== "GET") throw error;
      return request(method, path, payload);
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${(await res.text()).slice(0, 500)}`);
    // 204 (a DELETE) has no body.
    return (res.status === 204 ? undefined : await res.json()) as R;
  };
  return Object.assign(call, { liveFeed: () => openLiveFeed(url, cookie) });
}
