import { z } from "@hono/zod-openapi";

/** RFC 9457 problem details: every error answers with this (`application/problem+json`). */
export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().openapi({ example: "invalid_request" }),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .openapi({ description: "Field errors (422 only)" }),
  })
  .openapi("Problem");
export type Problem = z.infer<typeof ProblemSchema>;

/** One invalid field of a 422: `path` is dotted (`tags.2`), empty for the whole body. */
export type FieldError = NonNullable<Problem["errors"]>[number];
