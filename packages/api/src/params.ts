import { z } from "@hono/zod-openapi";
import { ID_MAX } from "./limits.js";

/** `{id}` in a path, e.g. `/tenants/{id}`. */
export const IdParamSchema = z.object({
  id: z.string().min(1).max(ID_MAX).openapi({ param: { name: "id", in: "path" } }),
});
export type IdParam = z.infer<typeof IdParamSchema>;
