import { SvelteSet } from "svelte/reactivity";
import type { PushChoices, PushItemChoice, DestinationMode } from "./push-request";

/** What the Push dialog's user has chosen so far; the request is built from it by push-request.ts. */
export class PushDraft implements PushChoices {
  items = $state<PushItemChoice[]>([]);
  mode = $state<DestinationMode>("all");
  one = $state("");
  readonly many = new SvelteSet<string>();
  readonly exclude = new SvelteSet<string>();
  readonly tags = new SvelteSet<string>();
  includeAssociatedRules = $state(true);
  scheduledSearches = $state<"include" | "ignore">("include");
  scheduledReports = $state<"include" | "ignore">("include");

  constructor(items: readonly PushItemChoice[]) {
    this.items = [...items];
  }

  has(item: Pick<PushItemChoice, "kind" | "id">): boolean {
    return this.items.some((chosen) => chosen.kind === item.kind && chosen.id === item.id);
  }

  add(item: PushItemChoice): void {
    if (!this.has(item)) this.items.push(item);
  }

  remove(item: Pick<PushItemChoice, "kind" | "id">): void {
    this.items = this.items.filter((chosen) => !(chosen.kind === item.kind && chosen.id === item.id));
  }
}
