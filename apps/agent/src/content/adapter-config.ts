import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { z } from "zod";
import { AgentCliError } from "../core/errors.js";
import type { AgentPaths } from "../core/paths.js";

/** An HTTP header name (RFC 9110 token). */
const HeaderName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "not a valid header name");

function isHttpUrl(value: string): boolean {
  try {
    return /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}

const WebhookUrl = z.string().refine(isHttpUrl, "the webhook URL must be an http:// or https:// address");

/**
 * How applied content reaches the tenant's tools. Kept in `<dataDir>/adapter.json` (0600: the
 * headers may carry a token), written atomically by `canopy-agent adapter set` and re-read by a
 * running agent before every batch, so a change from another process applies to the next push.
 */
export const AdapterConfig = z.discriminatedUnion("type", [
  z.object({ type: z.literal("filesystem") }),
  z.object({ type: z.literal("webhook"), url: WebhookUrl, headers: z.record(HeaderName, z.string()).default({}) }),
]);
export type AdapterConfig = z.infer<typeof AdapterConfig>;
export type AdapterType = AdapterConfig["type"];

export const DEFAULT_ADAPTER: AdapterConfig = { type: "filesystem" };

/** The configured adapter, or the default (filesystem) when none was ever set. Throws if the file is damaged. */
export async function readAdapterConfig(paths: AgentPaths): Promise<AdapterConfig> {
  let text: string;
  try {
    text = await readFile(paths.adapterFile, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return DEFAULT_ADAPTER;
    throw error;
  }
  let parsed: ReturnType<typeof AdapterConfig.safeParse>;
  try {
    parsed = AdapterConfig.safeParse(JSON.parse(text));
  } catch {
    parsed = { success: false } as ReturnType<typeof AdapterConfig.safeParse>;
  }
  if (!parsed.success) {
    throw new AgentCliError("damaged_state", `${paths.adapterFile} is damaged; set the adapter again with canopy-agent adapter set`);
  }
  return parsed.data;
}

/** Temp file + rename, 0600 from the start. */
export async function writeAdapterConfig(paths: AgentPaths, config: AdapterConfig): Promise<void> {
  const valid = AdapterConfig.parse(config);
  await mkdir(paths.dataDir, { recursive: true, mode: 0o700 });
  const temp = `${paths.adapterFile}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    await writeFile(temp, `${JSON.stringify(valid, null, 2)}\n`, { mode: 0o600, flag: "wx" });
    await rename(temp, paths.adapterFile);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Parses `--header "Name: value"` arguments; a malformed one is a one-line error. */
export function parseHeaders(raw: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const entry of raw) {
    const colon = entry.indexOf(":");
    const name = colon > 0 ? entry.slice(0, colon).trim() : "";
    if (!HeaderName.safeParse(name).success) {
      throw new AgentCliError("invalid_argument", `--header must look like "Name: value" (got ${JSON.stringify(entry.slice(0, 40))})`);
    }
    const value = entry.slice(colon + 1).trim();
    if (/[\r\n\0]/.test(value)) throw new AgentCliError("invalid_argument", `--header ${name} must be one line`);
    headers[name] = value;
  }
  return headers;
}

const SECRET_HEADER = /auth|token|secret|key|pass|cookie|session|signature|credential/i;
const SECRET_PARAM = /auth|token|secret|key|pass|sig|code|credential/i;

/** A value that reads like a credential: long, with letters and digits, no spaces (or a scheme + one). */
function looksSecret(value: string): boolean {
  const bare = value.replace(/^(bearer|basic|token|digest|apikey)\s+/i, "");
  return bare !== value || (bare.length >= 12 && /\d/.test(bare) && /[A-Za-z]/.test(bare) && !/\s/.test(bare));
}

export const MASK = "********";

/** A header value as `adapter show` prints it: masked when the name or the value suggests a secret. */
export function maskHeaderValue(name: string, value: string): string {
  return SECRET_HEADER.test(name) || looksSecret(value) ? MASK : value;
}

/** The URL without a password in it or secret-looking query values. */
export function maskUrl(raw: string): string {
  const url = new URL(raw);
  if (url.password) url.password = MASK;
  for (const [key, value] of Array.from(url.searchParams)) {
    if (SECRET_PARAM.test(key) || looksSecret(value)) url.searchParams.set(key, MASK);
  }
  return url.toString();
}

/** What `adapter show` prints: the config with every secret-looking value masked. */
export function redactAdapterConfig(config: AdapterConfig): AdapterConfig {
  if (config.type !== "webhook") return config;
  const headers = Object.fromEntries(Object.entries(config.headers).map(([name, value]) => [name, maskHeaderValue(name, value)]));
  return { type: "webhook", url: maskUrl(config.url), headers };
}
