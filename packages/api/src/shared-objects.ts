import { z } from "@hono/zod-openapi";

/**
 * Whose a shared object (a dashboard, a saved search) is, as its viewers are told: the
 * organization it belongs to and who made it. null on one's own objects.
 */
export const SharedBySchema = z
  .object({
    orgId: z.string(),
    orgName: z.string(),
    /** The owner as the audit names them: a user's email, or `api-key:<name>`. */
    owner: z.string(),
  })
  .openapi("SharedBy");
export type SharedBy = z.infer<typeof SharedBySchema>;

/** What every shareable object says about its sharing, to its owner and its viewers alike. */
export const sharingFields = {
  /** On: the users of its organization, and of the organizations that take shared objects from it, may read it. */
  shared: z.boolean(),
  /** The organization it belongs to: the one its owner worked in when they made it. */
  orgId: z.string(),
  /** null: it is the caller's own. */
  sharedBy: SharedBySchema.nullable(),
  /** Someone else's: it can be read and used, never changed or deleted. */
  readOnly: z.boolean(),
};
