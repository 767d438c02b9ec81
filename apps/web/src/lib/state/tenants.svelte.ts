import { SvelteMap } from "svelte/reactivity";
import { errorMessage, openLiveFeed, tenantsApi, type FeedStatus, type LiveFeed, type Tenant } from "$lib/api";
import { insightActivity } from "$lib/insights/insight-activity.svelte";
import { pushActivity } from "./push-activity.svelte";
import { workingOrg } from "./working-org.svelte";
import { staysInSubtree } from "./working-subtree";

type FeedEvent = { type: "updated"; tenant: Tenant } | { type: "deleted"; id: string };

/**
 * Every tenant the signed-in user can see, kept current by the live feed. The list is loaded
 * when the feed (re)opens, because events sent while it was down are lost; events that arrive
 * while a load is in flight are replayed over its result so the newest state wins.
 */
class TenantDirectory {
  readonly #byId = new SvelteMap<string, Tenant>();
  loaded = $state(false);
  loadError = $state<string | null>(null);
  feedStatus = $state<FeedStatus>("closed");

  readonly all = $derived([...this.#byId.values()].sort((a, b) => a.name.localeCompare(b.name)));

  #feed: LiveFeed | null = null;
  #loadGeneration = 0;
  #pending: FeedEvent[][] = [];

  get(id: string): Tenant | undefined {
    return this.#byId.get(id);
  }

  /** Opens the live feed and loads the list; idempotent. */
  start(): void {
    if (this.#feed) return;
    void this.reload();
    this.#feed = openLiveFeed({
      onOpen: () => {
        void this.reload();
        insightActivity.feedOpened();
      },
      onStatus: (status) => (this.feedStatus = status),
      onTenantUpdated: (tenant) => this.#apply({ type: "updated", tenant }),
      onTenantDeleted: (id) => this.#apply({ type: "deleted", id }),
      onPushProgress: (event) => pushActivity.record(event),
      onInsightUpdated: (insight) => insightActivity.updated(insight),
      onInsightsIngested: (event) => insightActivity.ingested(event),
    });
  }

  /** Closes the feed and forgets everything (sign-out). */
  stop(): void {
    this.#feed?.close();
    this.#feed = null;
    this.#byId.clear();
    this.loaded = false;
    this.loadError = null;
  }

  async reload(): Promise<void> {
    const generation = ++this.#loadGeneration;
    const replay: FeedEvent[] = [];
    this.#pending.push(replay);
    try {
      const items = await tenantsApi.listAllTenants();
      if (generation !== this.#loadGeneration) return;
      this.#byId.clear();
      for (const tenant of items) this.#byId.set(tenant.id, tenant);
      for (const event of replay) this.#write(event, true);
      this.loaded = true;
      this.loadError = null;
    } catch (error) {
      if (generation === this.#loadGeneration) this.loadError = errorMessage(error);
    } finally {
      this.#pending = this.#pending.filter((queue) => queue !== replay);
    }
  }

  /** Applies an answer from the API (create, edit, unpair) without waiting for the feed. */
  upsert(tenant: Tenant): void {
    this.#apply({ type: "updated", tenant });
  }

  remove(id: string): void {
    this.#apply({ type: "deleted", id });
  }

  /** Patches fields we learned first-hand (e.g. a ping's RTT) onto the tenant we hold. */
  patch(id: string, fields: Partial<Tenant>): void {
    const current = this.#byId.get(id);
    if (current) this.upsert({ ...current, ...fields });
  }

  #apply(event: FeedEvent): void {
    for (const queue of this.#pending) queue.push(event);
    this.#write(event);
  }

  #write(event: FeedEvent, replayed = false): void {
    const listed = (id: string) => this.#byId.has(id);
    if (event.type === "updated" && staysInSubtree(event.tenant, { org: workingOrg.id, listed, replayed })) this.#byId.set(event.tenant.id, event.tenant);
    else this.#byId.delete(event.type === "updated" ? event.tenant.id : event.id);
  }
}

export const tenants = new TenantDirectory();
