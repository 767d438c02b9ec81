import { MAX_MANIFEST_ITEMS, type AgentMessage, type ManifestEntry } from "@canopy/protocol";

export type ManifestStep =
  /** The final part arrived: the whole manifest, in the order sent. */
  | { type: "complete"; items: ManifestEntry[] }
  /** More parts follow. */
  | { type: "partial" }
  /** Out of order or over the bound: what was gathered is dropped (the state reported before stays). */
  | { type: "refused"; reason: string };

/**
 * Gathers one connection's `content.manifest` parts (numbered from 0, the last `final`) into the
 * whole manifest. Nothing of it counts until the final part: the reported state is replaced, and
 * delivery starts, only then, so a connection that drops mid-manifest leaves what was reported
 * before. At most `maxItems` entries are held, whatever the agent sends.
 */
export class ManifestParts {
  readonly #maxItems: number;
  #items: ManifestEntry[] = [];
  #next = 0;

  constructor(maxItems = MAX_MANIFEST_ITEMS) {
    this.#maxItems = maxItems;
  }

  /** Items gathered from the parts so far. */
  get gathered(): number {
    return this.#items.length;
  }

  add(message: AgentMessage<"content.manifest">): ManifestStep {
    const part = message.part ?? 0;
    // A part 0 starts over: an agent that began a manifest again (a newer welcome's) is believed.
    if (part === 0) this.#reset();
    else if (part !== this.#next) return this.#refuse(`manifest part ${part} arrived where part ${this.#next} was expected`);
    if (this.#items.length + message.items.length > this.#maxItems) return this.#refuse(`the manifest holds more than ${this.#maxItems} items`);
    for (const item of message.items) this.#items.push(item);
    this.#next = part + 1;
    if (message.final === false) return { type: "partial" };
    const items = this.#items;
    this.#reset();
    return { type: "complete", items };
  }

  #refuse(reason: string): ManifestStep {
    this.#reset();
    return { type: "refused", reason };
  }

  #reset(): void {
    this.#items = [];
    this.#next = 0;
  }
}
