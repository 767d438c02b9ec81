import { readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { createAdaptorServer } from "@hono/node-server";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { MAX_PAIRING_TTL_SECONDS } from "@canopy/api";
import { DEFAULT_HEARTBEAT_MS, DEFAULT_RPC_TIMEOUT_MS, HANDSHAKE_TIMEOUT_MS } from "@canopy/protocol";
import type { PostgresDatabase, Store } from "@canopy/store";
import { webRoot as defaultWebRoot } from "@canopy/web";
import { isoAt, systemClock, type Clock } from "./core/clock.js";
import { httpOrigin } from "./core/http-origin.js";
import { DEFAULT_PAIRING_TTL_SECONDS } from "./domain/pairing-codes.js";
import { createEmbeddedHubData } from "./domain/embedded/embedded-hub-data.js";
import { createPostgresHubData } from "./domain/postgres/postgres-hub-data.js";
import { bootstrapAdmin } from "./domain/users.js";
import { agentBudgets, type AgentBudgets } from "./gateway/agent-budgets.js";
import { createAgentTransport, type AgentTransport } from "./gateway/ws-transport.js";
import { pairedAgentCount, retireLostIdentity } from "./hub-identity.js";
import { ephemeralHubKey, loadOrCreateHubKey } from "./hub-key.js";
import type { HubEnv } from "./http/context.js";
import { createHttpApp } from "./http/create-app.js";
import { createLogger, type Logger } from "./logger.js";
import { createServices, type HubServices } from "./services.js";
import { openHubDatabaseStore } from "./store/open-hub-database.js";
import { openHubStore } from "./store/open-hub-store.js";

export interface HubOptions {
  /** Hub key and (unless `store` is given) the lowdb store under `<dataDir>/db`. Default `.canopy/hub`. */
  dataDir?: string;
  /** A store to use instead of lowdb (tests: `createMemoryStore()`). Without `dataDir` the hub key is then ephemeral. */
  store?: Store;
  /**
   * Keep the store in this PostgreSQL database (`postgres://user:pass@host:5432/canopy`) instead
   * of lowdb files; the hub key stays in `dataDir`. The schema is migrated at start.
   */
  databaseUrl?: string;
  /** ws ping interval; a socket that misses one pong is terminated. Default 15000. */
  heartbeatMs?: number;
  /** Default lifetime of pairing codes. Default 900. */
  pairingTtlSeconds?: number;
  /** First start only: the admin account created when the hub has no users. */
  adminEmail?: string;
  /** First start only; generated (and reported once by `ready()`) when absent. */
  adminPassword?: string;
  /** Default: pino on stderr at level `warn`. */
  logger?: Logger;
  /** Folder of the built UI. Default: `webRoot` of `@canopy/web`. */
  webRoot?: string;
  /** Time source (tests move it to expire codes and sessions). Default `Date.now`. */
  clock?: Clock;
  /** How long an agent has to answer the challenge. Default 10000. */
  handshakeTimeoutMs?: number;
  /** How long ping and rpc wait for the agent. Default 10000. */
  rpcTimeoutMs?: number;
  /**
   * The URL browsers use to reach the hub, when it is not the one requests arrive at (a
   * TLS-terminating proxy: `https://canopy.example.com`). Writes from pages of that origin pass
   * the same-origin check too.
   */
  publicUrl?: string;
  /**
   * The hub key file is missing although agents are paired: make a new identity anyway (they are
   * revoked and must all pair again; audited as `hub.identity.replace`). Without it, start-up
   * refuses, naming the file. Ignored while the key file is there.
   */
  newIdentity?: boolean;
  /** What one agent may cost (frames, bytes, insights per second, …); each field defaults to `DEFAULT_AGENT_BUDGETS`. */
  agentBudgets?: Partial<AgentBudgets>;
  /**
   * Real milliseconds between the hub's looks at its clock for settings' work (the daily volume
   * cap's reset at UTC midnight, retention every hour of the clock). Default 60000; tests that
   * move `clock` use a short one.
   */
  housekeepingMs?: number;
}

export interface HubStartInfo {
  adminEmail: string;
  /** Set only on the first start when the hub generated the password. Show it once. */
  generatedAdminPassword: string | null;
  /** The key agents pin (raw Ed25519, base64url). */
  hubPublicKey: string;
  /** Absolute data dir, or null when the hub keeps nothing on disk. */
  dataDir: string | null;
}

export interface HubAddress {
  /** `http://HOST:PORT` */
  url: string;
  host: string;
  port: number;
}

export interface Hub {
  /** The whole HTTP surface; `hub.app.request()` works without listening. */
  readonly app: OpenAPIHono<HubEnv>;
  /** Resolves once the store, key and first admin are ready (rejects if start-up failed). */
  ready(): Promise<HubStartInfo>;
  /** Starts accepting HTTP and agent connections. Default 127.0.0.1:8080; port 0 picks one. */
  listen(options?: { port?: number; host?: string }): Promise<HubAddress>;
  /** Agents closed with 1001, live feeds ended, server stopped, store flushed. Idempotent. */
  close(): Promise<void>;
  /** The address after `listen()`, else null. */
  readonly address: HubAddress | null;
  /** The hub's services, for tests and embedding (resolves with `ready()`). */
  services(): Promise<HubServices>;
}

interface Runtime {
  services: HubServices;
  transport: AgentTransport;
  info: HubStartInfo;
  /** Closes the store the hub opened itself (flushes; ends the database pool). */
  closeStore: () => Promise<void>;
}

interface OpenedStore {
  store: Store;
  /** Set on PostgreSQL: repositories that query rather than hold their data use it. */
  database?: PostgresDatabase;
  close: () => Promise<void>;
}

async function openStore(options: HubOptions, dataDir: string | null, logger: Logger): Promise<OpenedStore> {
  if (options.store) return { store: options.store, close: async () => {} };
  if (options.databaseUrl !== undefined) {
    const { store, database } = await openHubDatabaseStore(options.databaseUrl, logger);
    return {
      store,
      database,
      close: async () => {
        await store.close();
        await database.close();
      },
    };
  }
  const store = await openHubStore(dataDir!, logger);
  return { store, close: () => store.close() };
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version?: string };
    return pkg.version ?? "0.0.0";
  } catch {
    return "0.0.0";
  }
}

function positive(name: string, value: number | undefined, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const result = value ?? fallback;
  if (!Number.isInteger(result) || result <= 0 || result > max) throw new RangeError(`${name} must be an integer in 1..${max}`);
  return result;
}

interface Settings {
  heartbeatMs: number;
  pairingTtlSeconds: number;
  handshakeTimeoutMs: number;
  rpcTimeoutMs: number;
  agentBudgets: AgentBudgets;
  housekeepingMs: number | undefined;
}

function publicOriginOf(publicUrl: string | undefined): string | undefined {
  if (publicUrl === undefined) return undefined;
  const origin = httpOrigin(publicUrl);
  if (origin === undefined) throw new RangeError(`publicUrl must be an http(s) URL, not ${JSON.stringify(publicUrl.slice(0, 200))}`);
  return origin;
}

/** Checked before anything starts, so a bad option throws from `createHub` itself. */
function settingsFrom(options: HubOptions): Settings {
  return {
    heartbeatMs: positive("heartbeatMs", options.heartbeatMs, DEFAULT_HEARTBEAT_MS),
    pairingTtlSeconds: positive("pairingTtlSeconds", options.pairingTtlSeconds, DEFAULT_PAIRING_TTL_SECONDS, MAX_PAIRING_TTL_SECONDS),
    handshakeTimeoutMs: positive("handshakeTimeoutMs", options.handshakeTimeoutMs, HANDSHAKE_TIMEOUT_MS),
    rpcTimeoutMs: positive("rpcTimeoutMs", options.rpcTimeoutMs, DEFAULT_RPC_TIMEOUT_MS),
    agentBudgets: agentBudgets(options.agentBudgets),
    housekeepingMs: options.housekeepingMs === undefined ? undefined : positive("housekeepingMs", options.housekeepingMs, 1),
  };
}

async function start(options: HubOptions, settings: Settings, logger: Logger): Promise<Runtime> {
  const dataDir = options.dataDir !== undefined ? resolve(options.dataDir) : options.store ? null : resolve(".canopy/hub");
  if (dataDir !== null) await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const opened = await openStore(options, dataDir, logger);
  try {
    return await startOn(opened, dataDir, options, settings, logger);
  } catch (error) {
    await opened.close().catch(() => {});
    throw error;
  }
}

async function startOn(opened: OpenedStore, dataDir: string | null, options: HubOptions, settings: Settings, logger: Logger): Promise<Runtime> {
  const clock = options.clock ?? systemClock;
  const { store } = opened;
  // Tenants, agents, users…: in the database's tables on PostgreSQL, in the embedded store otherwise.
  const data = opened.database ? createPostgresHubData(opened.database, clock) : createEmbeddedHubData(store, clock);
  const loaded =
    dataDir === null ? null : await loadOrCreateHubKey(dataDir, { pairedAgents: await pairedAgentCount(data), newIdentity: options.newIdentity === true });
  const hubKey = loaded?.key ?? ephemeralHubKey();
  const { heartbeatMs } = settings;
  const services = createServices({ store, data, hubKey, clock, logger, database: opened.database, ...settings });
  await services.pushes.start();
  if (loaded?.replacedLost) await retireLostIdentity(services, loaded.path, logger);
  else if (options.newIdentity && loaded?.created === false) logger.warn({ keyFile: loaded.path }, "--new-identity ignored: the hub key file is there");
  await services.data.sessions.deleteExpired(isoAt(clock()));
  await services.pairing.prune(data.pairingCodes);
  // Embedded: the in-memory index is built from the store's insight shards after the hub listens
  // (a million take tens of seconds); what needs it waits for it, never answers from part of it.
  // PostgreSQL: nothing is read, so start does not depend on how many insights the hub holds.
  const indexStart = performance.now();
  services.insights.load().then(
    (insightCount) => {
      if (insightCount > 0) logger.info({ insights: insightCount, ms: Math.round(performance.now() - indexStart) }, "indexed the stored insights");
    },
    // The rest of the hub still serves; the list shows what could be indexed.
    (error: unknown) => logger.error({ err: error }, "could not index the stored insights"),
  );
  const adminEmail = options.adminEmail ?? "admin@canopy.local";
  const bootstrap = await bootstrapAdmin(services.data, clock, adminEmail, options.adminPassword);
  if (bootstrap) {
    logger.info({ email: bootstrap.email, generated: bootstrap.generatedPassword !== null }, "created the first admin");
  }
  await store.flush();
  const transport = createAgentTransport({
    gateway: services.gateway,
    hubKey: () => hubKey.privateKey,
    heartbeatMs,
    bytesBeforeHello: settings.agentBudgets.bytesBeforeHello,
    logger: logger.child({ component: "agent-transport" }),
  });
  return {
    services,
    transport,
    closeStore: opened.close,
    info: {
      adminEmail: bootstrap?.email ?? adminEmail.trim().toLowerCase(),
      generatedAdminPassword: bootstrap?.generatedPassword ?? null,
      hubPublicKey: hubKey.publicKey,
      dataDir,
    },
  };
}

function formatUrl(host: string, port: number): string {
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/**
 * The hub in one object: `app` for in-process requests, `listen()` for real sockets, `close()`
 * to stop. Start-up (store, key, first admin) begins at once and is awaited by whatever needs it.
 */
export function createHub(options: HubOptions = {}): Hub {
  const logger = options.logger ?? createLogger("warn");
  const publicOrigin = publicOriginOf(options.publicUrl);
  const runtime = start(options, settingsFrom(options), logger);
  // Reported by ready()/listen()/requests; never an unhandled rejection.
  runtime.catch(() => {});

  const app = createHttpApp({
    services: async () => (await runtime).services,
    webRoot: options.webRoot ?? defaultWebRoot,
    logger,
    version: packageVersion(),
    publicOrigin,
  });

  let server: Server | undefined;
  let address: HubAddress | null = null;
  let closing: Promise<void> | undefined;

  async function listen(listenOptions: { port?: number; host?: string } = {}): Promise<HubAddress> {
    const { transport } = await runtime;
    if (closing) throw new Error("the hub is closed");
    if (server) throw new Error("the hub is already listening");
    const host = listenOptions.host ?? "127.0.0.1";
    const created = createAdaptorServer({ fetch: app.fetch }) as Server;
    // Agent links are upgraded before the HTTP app: nothing of Hono's request is kept per socket.
    transport.attach(created);
    server = created;
    await new Promise<void>((resolveListen, reject) => {
      created.once("error", reject);
      created.listen(listenOptions.port ?? 8080, host, () => {
        created.off("error", reject);
        resolveListen();
      });
    });
    created.on("error", (error) => logger.error({ err: error }, "http server error"));
    const port = (created.address() as AddressInfo).port;
    address = { url: formatUrl(host, port), host, port };
    logger.info({ url: address.url }, "listening");
    return address;
  }

  async function shutdown(): Promise<void> {
    let current: Runtime;
    try {
      current = await runtime;
    } catch {
      return;
    }
    const { services, transport } = current;
    services.closing.abort();
    // Stop taking connections before telling the agents: each dials again within seconds of its
    // 1001, and one that still got in would cost this stopping hub a handshake it throws away.
    const serverClosed = server
      ? new Promise<void>((resolveClose) => server!.close(() => resolveClose()))
      : Promise.resolve();
    services.gateway.shutdown();
    await services.pushes.close();
    server?.closeAllConnections();
    await transport.close();
    await serverClosed;
    await services.gateway.settled();
    await services.store.flush();
    await current.closeStore();
    logger.info("hub closed");
  }

  return {
    app,
    ready: async () => (await runtime).info,
    services: async () => (await runtime).services,
    listen,
    close: () => (closing ??= shutdown()),
    get address() {
      return address;
    },
  };
}
