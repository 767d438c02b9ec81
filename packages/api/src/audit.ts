import { z } from "@hono/zod-openapi";
import { AUDIT_ACTION_MAX, AUDIT_TARGET_MAX, ID_MAX } from "./limits.js";
import { pageOf, pageQuery } from "./paging.js";

/** Who did what, to what, when; `detail` holds only non-secret particulars. */
export const AuditEntrySchema = z
  .object({
    id: z.string(),
    at: z.string().openapi({ format: "date-time" }),
    actor: z.string(),
    action: z.string(),
    target: z.string().nullable(),
    detail: z.record(z.string(), z.unknown()),
    /** The organization the change concerns; absent: the root. */
    orgId: z.string().optional(),
    /** The network address of the request that made the change. */
    address: z.string().optional(),
  })
  .openapi("AuditEntry");
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const AuditListSchema = pageOf(AuditEntrySchema).openapi("AuditList");
export type AuditList = z.infer<typeof AuditListSchema>;

/** Query of `GET /audit` (newest first). */
export const AuditQuerySchema = z.object({
  ...pageQuery,
  action: z.string().max(AUDIT_ACTION_MAX).optional(),
  target: z.string().max(AUDIT_TARGET_MAX).optional(),
  orgId: z.string().max(ID_MAX).optional().openapi({ description: "only entries about this organization (in your scope)" }),
});
export type AuditQuery = z.infer<typeof AuditQuerySchema>;
