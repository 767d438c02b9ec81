import { contentApi, errorMessage, type ContentItem, type ContentPath, type ContentRevision } from "$lib/api";

/** One content item with its per-tenant sync state and its revisions, as a detail page shows it. */
export class ItemDetail<Body = unknown> {
  item = $state<ContentItem<Body> | null>(null);
  revisions = $state<ContentRevision<Body>[]>([]);
  error = $state<string | null>(null);
  notFound = $state(false);

  constructor(
    readonly kind: ContentPath,
    readonly id: string,
  ) {}

  async load(): Promise<void> {
    try {
      const [item, revisions] = await Promise.all([
        contentApi.getContent<Body>(this.kind, this.id),
        contentApi.listRevisions<Body>(this.kind, this.id),
      ]);
      this.item = item;
      this.revisions = revisions;
      this.error = null;
    } catch (caught) {
      this.notFound = (caught as { status?: number }).status === 404;
      this.error = errorMessage(caught);
    }
  }

  /** After a save: the answer is the item; its revisions list grew. */
  async saved(item: ContentItem<Body>): Promise<void> {
    this.item = item;
    await this.load();
  }
}
