import type { InsightLink } from "../gateway/insight-port.js";

/** The connected agent of each tenant, as the insight side reaches it. */
export class InsightLinks {
  readonly #byTenant = new Map<string, InsightLink>();

  connected(link: InsightLink): void {
    this.#byTenant.set(link.tenantId, link);
  }

  /** Forgets `link` unless a newer connection of the same tenant replaced it already. */
  disconnected(link: InsightLink): void {
    if (this.#byTenant.get(link.tenantId) === link) this.#byTenant.delete(link.tenantId);
  }

  get(tenantId: string): InsightLink | undefined {
    const link = this.#byTenant.get(tenantId);
    return link?.isOpen ? link : undefined;
  }

  isConnected(tenantId: string): boolean {
    return this.get(tenantId) !== undefined;
  }
}
