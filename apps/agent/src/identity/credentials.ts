import type { KeyObject } from "node:crypto";
import { access, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { Id, loadPrivateKey, PublicKey } from "@canopy/protocol";
import type { Store } from "@canopy/store";
import { openStateStore } from "../store/agent-store.js";
import { z } from "zod";
import { AgentCliError } from "../core/errors.js";
import type { AgentPaths } from "../core/paths.js";

/** What pairing gave this agent. The private key is kept apart, in its own 0600 file. */
export const Credentials = z.object({
  agentId: Id,
  tenantId: Id,
  tenantName: z.string(),
  hubUrl: z.string().min(1),
  hubPublicKey: PublicKey,
  pairedAt: z.string(),
});
export type Credentials = z.infer<typeof Credentials>;

export const CREDENTIALS_COLLECTION = "credentials";
const CREDENTIALS_ID = "current";
/** The `credentials` collection's one document. */
export const CredentialsDoc = Credentials.extend({ id: z.literal(CREDENTIALS_ID) });
type CredentialsDoc = z.infer<typeof CredentialsDoc>;

/** Creates the data dir (and `state/`) readable by the owner only. Existing dirs are left as they are. */
export async function ensureDataDir(paths: AgentPaths): Promise<void> {
  await mkdir(paths.stateDir, { recursive: true, mode: 0o700 });
}

export function readCredentials(store: Store, paths: AgentPaths): Credentials | null {
  const doc = store.collection<CredentialsDoc>(CREDENTIALS_COLLECTION).get(CREDENTIALS_ID);
  if (!doc) return null;
  const parsed = Credentials.safeParse(doc);
  if (!parsed.success) {
    throw new AgentCliError(
      "damaged_state",
      `the credentials in ${paths.stateDir} are damaged; pair again with canopy-agent pair --force`,
    );
  }
  return parsed.data;
}

export function putCredentials(store: Store, credentials: Credentials): void {
  store.collection<CredentialsDoc>(CREDENTIALS_COLLECTION).put({ id: CREDENTIALS_ID, ...credentials });
}

export function updateTenantName(store: Store, tenantName: string): void {
  store.collection<CredentialsDoc>(CREDENTIALS_COLLECTION).update(CREDENTIALS_ID, { tenantName });
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Opens the agent's lowdb store. Readers (`status`, `content list`) pass `create: false` so that
 * looking at an empty data dir does not create one; they get null instead. A damaged file
 * refuses with a one-line `damaged_state` error naming it and the `canopy-agent store` way out.
 */
export async function openAgentStore(paths: AgentPaths, options: { create: true }): Promise<Store>;
export async function openAgentStore(paths: AgentPaths, options: { create: boolean }): Promise<Store | null>;
export async function openAgentStore(paths: AgentPaths, options: { create: boolean }): Promise<Store | null> {
  if (options.create) await ensureDataDir(paths);
  else if (!(await exists(paths.stateDir))) return null;
  return openStateStore(paths);
}

/** Temp file + rename, created 0600 from the start so the key is never readable by others. */
export async function writePrivateKey(paths: AgentPaths, pem: string): Promise<void> {
  const temp = `${paths.keyFile}.tmp`;
  await rm(temp, { force: true });
  try {
    await writeFile(temp, pem, { mode: 0o600, flag: "wx" });
    await rename(temp, paths.keyFile);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

export async function readPrivateKey(paths: AgentPaths): Promise<KeyObject | null> {
  let pem: string;
  try {
    pem = await readFile(paths.keyFile, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  try {
    return loadPrivateKey(pem);
  } catch {
    throw new AgentCliError("damaged_state", `${paths.keyFile} is not a valid private key; pair again with canopy-agent pair --force`);
  }
}

/** Removes the credentials and the key, durably. Content and insights are kept. */
export async function forgetCredentials(store: Store, paths: AgentPaths): Promise<void> {
  store.collection<CredentialsDoc>(CREDENTIALS_COLLECTION).delete(CREDENTIALS_ID);
  await store.flush();
  await rm(paths.keyFile, { force: true });
}

export interface AgentIdentity {
  store: Store;
  credentials: Credentials;
  privateKey: KeyObject;
}

const NOT_PAIRED = "this agent is not paired; run canopy-agent pair --hub URL --code CODE first";

/** Opens the store and loads credentials + key, or throws `not_paired` (the store closed again). */
export async function loadIdentity(paths: AgentPaths): Promise<AgentIdentity> {
  const store = await openAgentStore(paths, { create: false });
  if (!store) throw new AgentCliError("not_paired", NOT_PAIRED);
  try {
    const credentials = readCredentials(store, paths);
    if (!credentials) throw new AgentCliError("not_paired", NOT_PAIRED);
    const privateKey = await readPrivateKey(paths);
    if (!privateKey) {
      throw new AgentCliError("damaged_state", `${paths.keyFile} is missing; pair again with canopy-agent pair --force`);
    }
    return { store, credentials, privateKey };
  } catch (error) {
    await store.close();
    throw error;
  }
}
