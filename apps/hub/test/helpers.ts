/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are whatever JSON the hub sent; the tests assert their shape. */
import type { Role } from "@canopy/api";
import { createMemoryStore, type Store } from "@canopy/store";
import { pino } from "pino";
import { newUser } from "../src/domain/users.js";
import { createHub, type Hub, type HubOptions } from "../src/hub.js";
import { until } from "./until.js";

export const ADMIN = { email: "admin@test.local", password: "admin password 1" };
export const ORIGIN = "http://localhost";

export const silentLogger = pino({ level: "silent" });

/** A clock tests can move. */
export function manualClock(start = Date.parse("2030-01-15T12:00:00Z")) {
  let now = start;
  const clock = () => now;
  clock.advance = (ms: number) => {
    now += ms;
  };
  return clock;
}

export interface TestHub {
  hub: Hub;
  store: Store;
}

/** A hub on the memory store with a known admin; nothing listens. */
export async function createTestHub(options: HubOptions = {}): Promise<TestHub> {
  const store = options.store ?? createMemoryStore();
  const hub = createHub({
    store,
    adminEmail: ADMIN.email,
    adminPassword: ADMIN.password,
    logger: silentLogger,
    webRoot: "/nonexistent/canopy-web-build",
    ...options,
  });
  await hub.ready();
  return { hub, store };
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** One caller of `hub.app`: a session cookie or a bearer key, JSON both ways. */
export class Caller {
  constructor(
    readonly hub: Hub,
    readonly auth: { cookie?: string; bearer?: string } = {},
  ) {}

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const res = await this.hub.app.request(path.startsWith("/api/") ? path : `/api/v1${path}`, {
      method,
      headers: {
        ...(this.auth.cookie ? { cookie: this.auth.cookie } : {}),
        ...(this.auth.bearer ? { authorization: `Bearer ${this.auth.bearer}` } : {}),
        ...(method !== "GET" ? { origin: ORIGIN } : {}),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // leave as text
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get = <T = any>(path: string, headers?: Record<string, string>) => this.request<T>("GET", path, undefined, headers);
  post = <T = any>(path: string, body?: unknown, headers?: Record<string, string>) => this.request<T>("POST", path, body, headers);
  patch = <T = any>(path: string, body?: unknown, headers?: Record<string, string>) => this.request<T>("PATCH", path, body, headers);
  delete = <T = any>(path: string, headers?: Record<string, string>) => this.request<T>("DELETE", path, undefined, headers);
}

/** Logs in through the API and returns a caller holding the session cookie. */
export async function login(hub: Hub, email = ADMIN.email, password = ADMIN.password): Promise<Caller> {
  const res = await new Caller(hub).post("/api/v1/auth/login", { email, password });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0]!;
  return new Caller(hub, { cookie });
}

/** Adds a staff user with `role` (there is no user-management API yet) and logs them in. */
export async function loginAs(hub: Hub, role: Role): Promise<Caller> {
  const email = `${role}-${Math.random().toString(36).slice(2)}@test.local`;
  await addUser(hub, email, "role password", role);
  return login(hub, email, "role password");
}

/** Adds a staff user straight to the hub's users (there is no user-management API yet). */
export async function addUser(hub: Hub, email: string, password: string, role: Role): Promise<void> {
  const services = await hub.services();
  const user = await newUser(email, password, role, services.clock);
  await services.data.write((tx) => tx.users.insert(user));
}

/**
 * `probe`'s first defined value, looked at now and again after each of the hub's live events:
 * every change a user could see (a tenant's status, an insight acknowledged) is announced there.
 */
export async function untilLive<T>(hub: Hub, what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const { bus } = await hub.services();
  return until(what, probe, (changed) => bus.subscribe(changed), timeoutMs);
}

/** Accepts a one-time link (`…/accept#token=…`) as its user would, setting `password`; a caller signed in as them. */
export async function acceptInvite(hub: Hub, url: string, password = "a long password 1"): Promise<Caller> {
  const token = new URL(url).hash.replace(/^#token=/, "");
  const res = await new Caller(hub).post("/auth/accept", { token, password });
  if (res.status !== 200) throw new Error(`accept failed: ${res.status} ${JSON.stringify(res.body)}`);
  return new Caller(hub, { cookie: (res.headers.get("set-cookie") ?? "").split(";")[0]! });
}

/** Invites a user of `orgId` with `roles` through the API and accepts the invitation: a caller signed in as them. */
export async function inviteAndAccept(hub: Hub, by: Caller, orgId: string, roles: string[], email = `u-${Math.random().toString(36).slice(2)}@test.local`): Promise<Caller & { userId: string }> {
  const invited = await by.post("/users", { email, orgId, roles });
  if (invited.status !== 201) throw new Error(`invite failed: ${invited.status} ${JSON.stringify(invited.body)}`);
  return Object.assign(await acceptInvite(hub, invited.body.inviteUrl), { userId: invited.body.id as string });
}
