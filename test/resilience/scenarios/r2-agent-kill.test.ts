// R2: `canopy-agent run` is SIGKILLed while it writes a large push, several times; after each
// restart it must converge, and what it leaves on disk must be whole: every file is what its
// manifest says, nothing is written that no manifest entry accounts for, no temp-file debris.
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { sigmaFiles } from "@canopy/shared-data";
import { heldContent, type Scenario, spawnAgentRun, waitFor, type PairedAgent } from "@canopy/test-e2e/harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditContentFolder, isTempFile } from "../harness/agent-files.js";
import { scale } from "../harness/env.js";
import { Figures } from "../harness/figures.js";
import { hubHealthy } from "../harness/hub-health.js";
import { startScenario } from "../harness/hub-watch.js";
import { expectExactLedger, expectHolds, pushDeadlineMs, waitForPushDone } from "../harness/push-checks.js";
import { randomFor, spreadPoints } from "../harness/random.js";

const { rules: RULES, kills: KILLS } = scale.r2;

interface Kill {
  point: number;
  filesAtKill: number;
  tempAtKill: number;
  midApply: boolean;
}

describe("R2: an agent is SIGKILLed mid-apply", () => {
  const figures = new Figures("R2 agent SIGKILL mid-apply");
  let scenario: Scenario;
  let agent: PairedAgent;

  beforeAll(async () => {
    scenario = await figures.phase("setup", async () => {
      const s = await startScenario();
      agent = await s.addAgent("R2 Kill Target", "process");
      await s.api.waitForStatus(agent.tenant.id, "online");
      return s;
    });
  });
  afterAll(async () => {
    figures.print();
    await scenario?.close();
  });

  it("converges after each restart, with no half-written item and no temp-file debris", async () => {
    const imported = await figures.phase("import", () => scenario.api.importContent({ files: sigmaFiles(RULES) }));
    const rules = [...imported.created, ...imported.updated];
    expect(rules.length, "Sigma rules imported").toBeGreaterThan(RULES * 0.9);
    const desired = new Map(rules.map((r) => [r.name, r.hash]));
    const ruleDir = join(agent.dataDir, "content", "siem-rule");
    const { id } = await scenario.api.push({ items: rules.map((r) => ({ kind: "siem-rules", id: r.id })), targets: { tenants: [agent.tenant.id] } });

    const kills: Kill[] = [];
    // Temp files left by earlier kills stay (until the agent cleans them up): only a new one
    // shows a write in flight.
    const debris = new Set<string>();
    const listRules = async () => {
      const names = await readdir(ruleDir).catch(() => [] as string[]);
      const temp = names.filter(isTempFile);
      return { files: names.length - temp.length, temp, fresh: temp.filter((t) => !debris.has(t)).length };
    };
    await figures.phase("push with kills", async () => {
      for (const point of spreadPoints(randomFor("r2"), KILLS, 0.05, 0.9)) {
        // Kill while files are being written: past this kill's share of the rules, at a moment
        // a write is in flight (a new temp file exists), or once everything is written.
        const seen = await waitFor(
          `the agent writing rules past ${(point * 100).toFixed(0)} %`,
          async () => {
            const now = await listRules();
            return (now.files >= point * rules.length && now.fresh > 0) || now.files >= rules.length ? now : undefined;
          },
          { timeoutMs: 60_000, intervalMs: 5 },
        );
        agent.child!.process.kill("SIGKILL");
        await agent.child!.exited;
        const after = await listRules();
        kills.push({ point, filesAtKill: after.files, tempAtKill: after.fresh, midApply: seen.files < rules.length });
        for (const t of after.temp) debris.add(t);
        agent.child = scenario.track(spawnAgentRun(agent.dataDir));
      }
      figures.set("faults injected", `${kills.length} SIGKILL of canopy-agent run: ${kills.map((k) => `${k.filesAtKill}/${rules.length} files written, ${k.tempAtKill} writes cut`).join("; ")}`);
      await waitForPushDone(scenario.api, id, pushDeadlineMs(rules.length));
    });
    figures.set("runs", 1).set("rules pushed", rules.length);
    expect(kills.map((k) => k.midApply), "every kill landed mid-apply").toEqual(kills.map(() => true));

    await figures.phase("verify", async () => {
      await expectExactLedger(scenario.api, id, [agent.tenant.id], desired);
      expectHolds("the agent (content list --json)", await heldContent(agent.dataDir), desired);
      const audit = await auditContentFolder(agent.dataDir);
      figures.set("items verified", `${audit.files} files hashed against the manifest, ${desired.size} held items, ${desired.size} results`);
      figures.set("debris after convergence", `${audit.temp.length} temp files${audit.temp.length ? ` (e.g. ${audit.temp[0]})` : ""}`);
      expect.soft({ mismatched: audit.mismatched, missing: audit.missing, orphans: audit.orphans }, "every file is what the manifest says").toEqual({
        mismatched: [],
        missing: [],
        orphans: [],
      });
      // The atomic write's temp files must not outlive a kill (issue 10: agent temp-file clean-up at start).
      expect.soft(audit.temp, "temp-file debris left in the content folder after restarts").toEqual([]);
      const health = await hubHealthy(scenario.hub);
      figures.set("crashes", health.alive && health.healthz === 200 ? 0 : `hub ${JSON.stringify(health)}`);
      expect(health).toEqual({ alive: true, healthz: 200 });
    });
  });
});
