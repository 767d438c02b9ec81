import type { ApiClient, ContentItem } from "@canopy/test-e2e/harness";

/** Every item of a kind with its sync state (`GET /content/:kind`, all pages). */
export async function listContentItems(api: ApiClient, kind: string): Promise<ContentItem[]> {
  const items: ContentItem[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: ContentItem[]; nextCursor: string | null } = await api.request(
      "GET",
      `/content/${kind}?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    );
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}
