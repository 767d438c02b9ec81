import { randomBytes } from "node:crypto";
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { z } from "zod";
import type { AgentState } from "./types.js";

/**
 * What a running agent tells other processes (`canopy-agent status`) about itself. Written only
 * when the connection comes or goes, or the hub starts or stops holding insights back; never per message.
 */
export const RuntimeRecord = z.object({
  pid: z.number().int().positive(),
  state: z.enum(["connecting", "online", "offline", "stopped", "unpaired", "replaced"]),
  since: z.string(),
  hubUrl: z.string(),
  /** The loopback ingest port (`run` only): where `insights import` sends instead of writing the store. */
  ingestPort: z.number().int().min(1).max(65535).optional(),
  /** Set while the hub refuses the tenant's insights (its daily volume cap): they wait in the outbox. */
  insightsHeld: z.object({ reason: z.string(), message: z.string(), since: z.string(), retryAt: z.string() }).optional(),
});
export type RuntimeRecord = z.infer<typeof RuntimeRecord> & { state: AgentState };

/** Temp file + rename, so a reader never sees half a record. */
export async function writeRuntimeRecord(path: string, record: RuntimeRecord): Promise<void> {
  const temp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    await writeFile(temp, `${JSON.stringify(record)}\n`, { mode: 0o600 });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** The last record written, or null when there is none or it is unreadable. */
export async function readRuntimeRecord(path: string): Promise<RuntimeRecord | null> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return null;
  }
  try {
    const parsed = RuntimeRecord.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

const ENDED = new Set(["stopped", "unpaired", "replaced"]);

/** The record of an agent that is running for this data dir right now, or null. */
export async function liveRuntimeRecord(path: string): Promise<RuntimeRecord | null> {
  const record = await readRuntimeRecord(path);
  return record && !ENDED.has(record.state) && isProcessAlive(record.pid) ? record : null;
}

/** Whether a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function isProcessAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
