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
