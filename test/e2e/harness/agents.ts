import { createAgent } from "@canopy/agent";
import { agentBin } from "./paths.js";
import { runNode, spawnNode, type Child } from "./child.js";

export type InProcessAgent = ReturnType<typeof createAgent>;

/** Runs the real CLI: `canopy-agent pair --hub URL --code CODE --data-dir DIR`. */
export function pairWithCli(hubUrl: string, code: string, dataDir: string, extra: string[] = []) {
  return runNode(agentBin, ["pair", "--hub", hubUrl, "--code", code, "--data-dir", dataDir, ...extra]);
}

export function agentCli(args: string[], env: NodeJS.ProcessEnv = {}) {
  return runNode(agentBin, args, env);
}

/** `canopy-agent run` as its own process, reconnecting quickly so tests stay short. */
export function spawnAgentRun(dataDir: string, env: NodeJS.ProcessEnv = {}): Child {
  return spawnNode(agentBin, ["run", "--data-dir", dataDir], { CANOPY_RECONNECT_MAX_MS: "1000", ...env });
}

/** `createAgent` in this process: what tests and benchmarks use to hold many agents. */
export async function startAgentInProcess(dataDir: string): Promise<InProcessAgent> {
  const agent = createAgent({ dataDir, reconnectMaxMs: 1000 });
  await agent.start();
  return agent;
}
