import { agentInsights, heldContent } from "@canopy/test-e2e/harness";

export interface AgentView {
  content: string[];
  insights: string[];
}

/**
 * What the tenant's admin sees on the agent, read from its files by its own CLI (`content list`,
 * `insights list`: two Node start-ups, side by side): items by revision and hash, insights by
 * status, assignee and revision, each list sorted so two views compare with `toEqual`.
 */
export async function agentView(dataDir: string): Promise<AgentView> {
  const [content, insights] = await Promise.all([heldContent(dataDir), agentInsights(dataDir)]);
  return {
    content: content.map((c) => `${c.kind}/${c.name} r${c.revision} ${c.hash}`).sort(),
    insights: insights.map((i) => `${i.id} ${i.status} ${i.assignee ?? "-"} r${i.revision}`).sort(),
  };
}
