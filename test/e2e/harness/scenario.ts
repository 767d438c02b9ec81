import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pairWithCli, spawnAgentRun, startAgentInProcess, type InProcessAgent } from "./agents.js";
import { ApiClient, type Tenant } from "./api-client.js";
import type { Child } from "./child.js";
import { startHubProcess, type HubProcess, type HubProcessOptions } from "./hub-process.js";
import { dropHubDatabase } from "./hub-store.js";

export interface PairedAgent {
  tenant: Tenant;
  dataDir: string;
  /** Set when the agent runs as a `canopy-agent run` process. */
  child?: Child;
  /** Set when the agent runs in this process via `createAgent`. */
  agent?: InProcessAgent;
}

/**
 * One test's world: a temp folder, a real hub process on port 0, an API client logged in as
 * admin, and real agents paired through the CLI. `close()` stops all of it.
 */
export class Scenario {
  hub!: HubProcess;
  api!: ApiClient;
  readonly agents: PairedAgent[] = [];
  readonly #children: Child[] = [];
  /** Every data dir a hub ran on, for dropping their databases on PostgreSQL. */
  readonly #hubDataDirs = new Set<string>();
  #dirs = 0;

  private constructor(readonly root: string) {}

  static async start(options: Partial<HubProcessOptions> = {}): Promise<Scenario> {
    const scenario = new Scenario(await mkdtemp(join(tmpdir(), "canopy-e2e-")));
    await scenario.startHub(options);
    return scenario;
  }

  dir(name: string): string {
    return join(this.root, `${name}-${++this.#dirs}`);
  }

  get hubDataDir(): string {
    return join(this.root, "hub");
  }

  async startHub(options: Partial<HubProcessOptions> = {}): Promise<HubProcess> {
    const dataDir = options.dataDir ?? this.hubDataDir;
    this.#hubDataDirs.add(dataDir);
    this.hub = await startHubProcess({ ...options, dataDir });
    this.track(this.hub.child);
    this.api = await ApiClient.login(this.hub.url);
    return this.hub;
  }

  track(child: Child): Child {
    this.#children.push(child);
    return child;
  }

  /** Creates a tenant (`tenant`: more of its body, e.g. a parent), pairs a fresh agent data dir with the CLI, and starts the agent. */
  async addAgent(name: string, mode: "process" | "in-process" = "process", env: NodeJS.ProcessEnv = {}, tenant: Record<string, unknown> = {}): Promise<PairedAgent> {
    return this.pairAgent(await this.api.request<Tenant>("POST", "/tenants", { name, ...tenant }), mode, env);
  }

  async pairAgent(tenant: Tenant, mode: "process" | "in-process" = "process", env: NodeJS.ProcessEnv = {}): Promise<PairedAgent> {
    const name = tenant.name;
    const dataDir = this.dir("agent");
    const { code } = await this.api.pairingCode(tenant.id);
    const paired = await pairWithCli(this.hub.url, code, dataDir);
    if (paired.code !== 0) throw new Error(`pairing ${name} failed (${paired.code}): ${paired.stderr}`);
    const entry: PairedAgent = { tenant, dataDir };
    if (mode === "process") entry.child = this.track(spawnAgentRun(dataDir, env));
    else entry.agent = await startAgentInProcess(dataDir);
    this.agents.push(entry);
    return entry;
  }

  async close(): Promise<void> {
    await Promise.all(this.agents.map((a) => a.agent?.stop()));
    await Promise.all(this.#children.map((c) => c.stop(2000)));
    await Promise.all([...this.#hubDataDirs].map((dir) => dropHubDatabase(dir)));
    await rm(this.root, { recursive: true, force: true });
  }
}
