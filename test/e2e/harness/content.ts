import { agentCli } from "./agents.js";

export interface HeldContent {
  kind: string;
  name: string;
  revision: number;
  hash: string;
}

/** What the tenant holds, asked the way its admin would: `canopy-agent content list --json`. */
export async function heldContent(dataDir: string): Promise<HeldContent[]> {
  const { code, stdout, stderr } = await agentCli(["content", "list", "--json", "--data-dir", dataDir]);
  if (code !== 0) throw new Error(`content list failed: ${stderr}`);
  return JSON.parse(stdout) as HeldContent[];
}

export function customField(name: string, extra: Record<string, unknown> = {}) {
  return { name, type: "select", appliesTo: "incident", options: ["low", "high"], required: false, ...extra };
}
