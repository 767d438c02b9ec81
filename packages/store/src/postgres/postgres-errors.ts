/** Why PostgreSQL refused a write, in words a user can act on, by SQLSTATE (exact, then class). */
const SQLSTATE_REASONS: Record<string, string> = {
  "53100": "its database's disk is full",
  "53": "its database is out of resources",
  "25006": "its database is read-only",
  "42501": "it is not allowed to write its database",
  "08": "its database cannot be reached",
  "57P01": "its database is shutting down",
  "57P03": "its database is not accepting connections yet",
  "40001": "its database refused the write under contention",
  "40P01": "its database refused the write under contention",
};

/** Node's errors for a server that is gone. */
const UNREACHABLE = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH"]);

/**
 * `{errno, reason}` for StoreWriteError from whatever `pg` threw: a server error carries a
 * five-character SQLSTATE, a lost connection a Node errno or only a message. Never the query or
 * its values (they may hold secrets or agent data).
 */
export function describePostgresError(error: unknown): { errno: string; reason: string } | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === "string" && UNREACHABLE.has(code)) return { errno: code, reason: `its database cannot be reached (${code})` };
  // Any other errno (a local fault such as a test's EROFS) is described as the disk's would be.
  if (typeof code === "string" && /^E[A-Z]+$/.test(code)) return undefined;
  // No SQLSTATE class begins with E, so the errnos above never reach this.
  if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) {
    const reason = SQLSTATE_REASONS[code] ?? SQLSTATE_REASONS[code.slice(0, 2)] ?? "its database refused the write";
    return { errno: code, reason: `${reason} (SQLSTATE ${code})` };
  }
  return { errno: "EUNKNOWN", reason: "its database could not be written (the connection failed)" };
}
