import { z } from "@hono/zod-openapi";
import { PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX } from "./limits.js";

/** Every list answers one page; pass `nextCursor` as `?cursor=` for the next (null on the last). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

/** The query parameters every paged list takes; spread into the list's own query schema. */
export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(PAGE_LIMIT_MAX).default(PAGE_LIMIT_DEFAULT),
  cursor: z.string().min(1).optional(),
};
