import { z } from "@hono/zod-openapi";
import { MAX_PAIRING_TTL_SECONDS } from "./limits.js";

/**
 * `POST /agent/pair` is part of this API too, but the agent speaks it, so its contract lives in
 * @canopy/protocol; re-exported here so the whole HTTP surface is importable from one place.
 */
export { PairErrorCode, PairRequest, PairResponse } from "@canopy/protocol";

/** Body of `POST /tenants/{id}/pairing-codes`; without `ttlSeconds` the hub's default applies. */
export const PairingCodeCreateSchema = z
  .object({ ttlSeconds: z.number().int().min(1).max(MAX_PAIRING_TTL_SECONDS).optional() })
  .openapi("PairingCodeCreate");
export type PairingCodeCreate = z.input<typeof PairingCodeCreateSchema>;

/** A fresh one-time pairing code: shown only in this answer. */
export const PairingCodeSchema = z
  .object({
    code: z.string().openapi({ example: "ABCD-EFGH" }),
    expiresAt: z.string().openapi({ format: "date-time" }),
    command: z.string().openapi({ example: "canopy-agent pair --hub https://hub.example --code ABCD-EFGH" }),
  })
  .openapi("PairingCode");
export type PairingCode = z.infer<typeof PairingCodeSchema>;
