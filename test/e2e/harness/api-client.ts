import { ADMIN_EMAIL, ADMIN_PASSWORD } from "./hub-process.js";
import { waitFor } from "./wait.js";

export interface Tenant {
  id: string;
  name: string;
  description: string;
  tags: string[];
  status: "unpaired" | "online" | "offline";
  lastSeenAt: string | null;
  agentVersion: string | null;
  rttMs: number | null;
  hostname: string | null;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}: ${JSON.stringify(body)}`);
  }
}

/** The public HTTP API as a script would use it: session cookie from login, JSON both ways. */
export class ApiClient {
  #cookie = "";
  constructor(readonly baseUrl: string) {}

  static async login(baseUrl: string, email = ADMIN_EMAIL, password = ADMIN_PASSWORD): Promise<ApiClient> {
    const client = new ApiClient(baseUrl);
    const res = await fetch(new URL("/api/v1/auth/login", baseUrl), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password }),
    });
    if (res.status !== 200) throw new ApiError(res.status, await res.text());
    client.#cookie = (res.headers.getSetCookie()[0] ?? "").split(";")[0]!;
    return client;
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(new URL(`/api/v1${path}`, this.baseUrl), {
      method,
      headers: {
        cookie: this.#cookie,
        origin: this.baseUrl.replace(/\/$/, ""),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const parsed = text ? JSON.parse(text) : undefined;
    if (!res.ok) throw new ApiError(res.status, parsed);
    return parsed as T;
  }

  createTenant(name: string, extra: { tags?: string[]; description?: string } = {}): Promise<Tenant> {
    return this.request("POST", "/tenants", { name, ...extra });
  }

  getTenant(id: string): Promise<Tenant> {
    return this.request("GET", `/tenants/${id}`);
  }

  async listTenants(): Promise<Tenant[]> {
    const items: Tenant[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Tenant[]; nextCursor: string | null } = await this.request(
        "GET",
        `/tenants?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  }

  pairingCode(tenantId: string, ttlSeconds?: number): Promise<{ code: string; expiresAt: string; command: string }> {
    return this.request("POST", `/tenants/${tenantId}/pairing-codes`, ttlSeconds ? { ttlSeconds } : {});
  }

  ping(tenantId: string): Promise<{ rttMs: number; agentVersion: string }> {
    return this.request("POST", `/tenants/${tenantId}/ping`, {});
  }

  unpair(tenantId: string): Promise<Tenant> {
    return this.request("POST", `/tenants/${tenantId}/unpair`, {});
  }

  // --- content and pushes (issue 4) ---

  createContent(kind: ContentPath, body: unknown): Promise<ContentItem> {
    return this.request("POST", `/content/${kind}`, body);
  }

  updateContent(kind: ContentPath, id: string, body: unknown): Promise<ContentItem> {
    return this.request("PUT", `/content/${kind}/${id}`, body);
  }

  getContent(kind: ContentPath, id: string): Promise<ContentItem> {
    return this.request("GET", `/content/${kind}/${id}`);
  }

  /** Deletes a catalogue item; the tenants that hold it have it removed by a push of removals. */
  deleteContent(kind: ContentPath, id: string): Promise<void> {
    return this.request("DELETE", `/content/${kind}/${id}`);
  }

  /** The newest pushes that name a catalogue item (its deliveries and its removals), newest first. */
  async pushesOf(itemId: string): Promise<{ id: string; title: string }[]> {
    return (await this.request<{ items: { id: string; title: string }[] }>("GET", `/pushes?itemId=${itemId}&limit=20`)).items;
  }

  importContent(body: unknown): Promise<{ created: ContentItem[]; updated: ContentItem[]; refused: { reason: string }[] }> {
    return this.request("POST", "/content/import", body);
  }

  push(body: PushRequest): Promise<{ id: string }> {
    return this.request("POST", "/pushes", body);
  }

  dryRun(body: PushRequest): Promise<DryRunPlan> {
    return this.request("POST", "/pushes", { ...body, dryRun: true });
  }

  getPush(id: string): Promise<Push> {
    return this.request("GET", `/pushes/${id}`);
  }

  retryPush(id: string): Promise<unknown> {
    return this.request("POST", `/pushes/${id}/retry`, {});
  }

  rollback(kind: ContentPath, id: string, body: { revision: number; tenants?: string[] }): Promise<{ id: string }> {
    return this.request("POST", `/content/${kind}/${id}/rollback`, body);
  }

  /** Waits until the push has no pending result and is no longer running. */
  waitForPush(id: string, timeoutMs = 30_000): Promise<Push> {
    return waitFor(
      `push ${id} to finish`,
      async () => {
        const push = await this.getPush(id);
        return push.state !== "running" && push.progress.pending === 0 ? push : undefined;
      },
      { timeoutMs, intervalMs: 100 },
    );
  }

  waitForStatus(tenantId: string, status: Tenant["status"], timeoutMs = 10_000): Promise<Tenant> {
    return waitFor(
      `tenant ${tenantId} to be ${status}`,
      async () => {
        const tenant = await this.getTenant(tenantId);
        return tenant.status === status ? tenant : undefined;
      },
      { timeoutMs },
    );
  }
}

export type ContentPath = "playbooks" | "custom-fields" | "siem-rules" | "tuning-expressions" | "library";

export interface ContentItem {
  id: string;
  kind: string;
  name: string;
  revision: number;
  hash: string;
  body?: unknown;
  sync: {
    synchronized: boolean;
    total: number;
    applied: number;
    pending: number;
    failed: number;
    drifted: number;
    /** Per-tenant detail, on GET of one item. */
    tenants?: { tenantId: string; tenantName: string; state: "applied" | "pending" | "failed" | "drifted"; revision: number; error?: string }[];
  };
}

export interface PushRequest {
  items: { kind: ContentPath | string; id: string }[];
  targets: { all: true; exclude?: string[] } | { tenants: string[] } | { tags: string[] };
  options?: { includeAssociatedRules?: boolean; scheduledSearches?: "include" | "ignore"; scheduledReports?: "include" | "ignore" };
}

export interface PushResult {
  tenantId: string;
  kind: string;
  name: string;
  status: string;
  error?: string;
  /** A removal (the item left the tenant's desired state). */
  remove?: true;
}

export interface Push {
  id: string;
  state: "running" | "completed" | "completed_with_errors" | "stopped";
  createdBy: string;
  createdAt: string;
  progress: { total: number; applied: number; unchanged: number; failed: number; pending: number };
  items: { kind: string; id: string; name: string; revision: number; remove?: true }[];
  results: PushResult[];
}

export interface DryRunPlan {
  dryRun: true;
  plan: { tenantId: string; tenantName: string; kind: string; name: string; action: "create" | "replace" | "unchanged" }[];
  missingDependencies: { kind: string; name: string; requiredBy: string }[];
}
