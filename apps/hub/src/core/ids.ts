import { randomBytes } from "node:crypto";

/**
 * Server-assigned ids in the protocol's `Id` shape: `<prefix>_<random base64url>`.
 * 12 random bytes (96 bits) make collisions a non-issue at any Canopy scale.
 */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString("base64url")}`;
}

let lastMs = 0;
let sequence = 0;

/**
 * An id whose string order is creation order (time, then a per-process sequence), so lists can
 * page by id without a separate sort key.
 */
export function newSortableId(prefix: string, nowMs: number): string {
  if (nowMs === lastMs) sequence++;
  else {
    lastMs = nowMs;
    sequence = 0;
  }
  const time = Math.max(0, Math.floor(nowMs)).toString(36).padStart(9, "0");
  const seq = sequence.toString(36).padStart(4, "0");
  return `${prefix}_${time}${seq}${randomBytes(6).toString("base64url")}`;
}
