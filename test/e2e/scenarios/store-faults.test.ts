import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDiskFaults, type DiskFaults } from "@canopy/store/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pairWithCli, spawnAgentRun } from "../harness/agents.js";
import { ApiClient, ApiError, type Tenant } from "../harness/api-client.js";
import type { Child } from "../harness/child.js";
import { runNode } from "../harness/child.js";
import { customField, heldContent } from "../harness/content.js";
import { ADMIN_EMAIL, ADMIN_PASSWORD, startHubProcess, type HubProcess } from "../harness/hub-process.js";
import { hubBin } from "../harness/paths.js";

/** What the API answered instead of the change: status and problem code. */
async function refused(call: Promise<unknown>): Promise<{ status: number; code: string; detail: string }> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected the API to refuse, got ${JSON.stringify(error)}`);
  const body = error.body as { code: string; detail: string };
  return { status: error.status, code: body.code, detail: body.detail };
}

// R6 storage faults, end to end: the real hub process keeps its data on a small tmpfs that is
// made read-only and full (where the tests may mount; else the folder loses its write permission).
describe("storage faults under a running hub", () => {
  let disk: DiskFaults;
  let hub: HubProcess;
  let api: ApiClient;
  let agentDir: string;
  let agent: Child;
  let acme: Tenant;
  const figures = { faults: 0, refusedWrites: 0, readsServed: 0, restarts: 0, verified: 0 };
  const dataDir = () => join(disk.dir, "hub");
  /** The errno the hub reports: the kernel's on a mount, EACCES for a folder without write permission. */
  const errnoOf = (fault: "read-only" | "full") => (disk.mode === "mount" ? (fault === "read-only" ? "EROFS" : "ENOSPC") : "EACCES");

  /** Restarts take the same port: the agent knows the hub by its address. */
  async function start(): Promise<void> {
    hub = await startHubProcess({ dataDir: dataDir(), ...(hub ? { port: hub.port } : {}) });
    api = await ApiClient.login(hub.url);
  }

  beforeAll(async () => {
    disk = await createDiskFaults({ sizeMiB: 24 });
    await start();
    acme = await api.createTenant("Acme", { tags: ["eu"] });
    // The agent keeps its data on an ordinary disk: only the hub's folder fails.
    agentDir = await mkdtemp(join(tmpdir(), "canopy-e2e-agent-"));
    const { code } = await api.pairingCode(acme.id);
    expect((await pairWithCli(hub.url, code, agentDir)).code).toBe(0);
    agent = spawnAgentRun(agentDir);
    await api.waitForStatus(acme.id, "online");
  });
  afterAll(async () => {
    console.log(
      `R6 storage faults (${disk.mode === "mount" ? "tmpfs" : "no write permission"}): ${figures.faults} faults injected, ${figures.refusedWrites} writes refused with 503, ` +
        `${figures.readsServed} reads served during faults, ${figures.restarts} hub restarts, ${figures.verified} items verified, crashes: 0`,
    );
    await agent?.stop(2000);
    await hub?.stop();
    await disk.writable();
    await disk.cleanup();
    await rm(agentDir, { recursive: true, force: true });
  });

  for (const fault of ["read-only", "full"] as const) {
    it(`a ${fault} data folder: writes answer 503 and change nothing, reads go on, nothing refused lands later`, async () => {
      const field = await api.createContent("custom-fields", customField(`Before ${fault}`));
      const tenantsBefore = await api.listTenants();
      if (fault === "read-only" || disk.mode !== "mount") await disk.readOnly();
      else await disk.full();
      figures.faults++;

      const errno = errnoOf(fault);
      for (const attempt of [
        () => api.createTenant(`Refused ${fault}`),
        () => api.request("PATCH", `/tenants/${acme.id}`, { name: `Renamed ${fault}` }),
        () => api.push({ items: [{ kind: "custom-fields", id: field.id }], targets: { tenants: [acme.id] } }),
        () => api.createContent("custom-fields", customField(`Refused field ${fault}`)),
      ]) {
        const answer = await refused(attempt());
        expect(answer).toMatchObject({ status: 503, code: "store_unavailable" });
        expect(answer.detail).toContain(`(${errno}); nothing was changed`);
        figures.refusedWrites++;
      }
      expect((await api.listTenants()).map((t) => [t.name, t.status])).toEqual(tenantsBefore.map((t) => [t.name, t.status]));
      expect((await api.request<{ items: unknown[] }>("GET", "/pushes")).items.filter((p) => JSON.stringify(p).includes(`Before ${fault}`))).toEqual([]);
      expect((await fetch(new URL("/healthz", hub.url))).status).toBe(200);
      figures.readsServed += 3;

      await disk.writable();
      const after = await api.createTenant(`After ${fault}`);
      const { id } = await api.push({ items: [{ kind: "custom-fields", id: field.id }], targets: { tenants: [acme.id] } });
      expect((await api.waitForPush(id)).state).toBe("completed");
      expect((await heldContent(agentDir)).map((c) => c.name)).toContain(`Before ${fault}`);

      // A restart reads exactly what was acknowledged: never the refused changes.
      expect(await hub.stop()).toBe(0);
      await start();
      figures.restarts++;
      const names = (await api.listTenants()).map((t) => t.name);
      expect(names).toContain(after.name);
      expect(names).toContain("Acme");
      expect(names.filter((n) => n.includes("Refused") || n.includes("Renamed"))).toEqual([]);
      await api.waitForStatus(acme.id, "online", 15_000);
      figures.verified += names.length + 1;
    });
  }

  it("a damaged store file stops the hub with the file and the command named; store restore brings the last good copy back", async () => {
    // One more write of tenants.json, so its .bak holds the generation before.
    await api.createTenant("Newest");
    expect(await hub.stop()).toBe(0);
    const file = join(dataDir(), "db", "tenants.json");
    const lastGood = Object.keys(JSON.parse(await readFile(`${file}.bak`, "utf8")).docs).sort();
    await writeFile(file, '{"version":1,"docs":[]}');

    // `start` ends by itself when it refuses (run to its exit: no waiting for a `listening` line).
    const refusedStart = await runNode(hubBin, ["start", "--port", String(hub.port), "--host", "127.0.0.1", "--data-dir", dataDir()], {
      CANOPY_ADMIN_EMAIL: ADMIN_EMAIL,
      CANOPY_ADMIN_PASSWORD: ADMIN_PASSWORD,
    });
    expect(refusedStart.code).toBe(1);
    expect(refusedStart.stdout).toBe("");
    expect(refusedStart.stderr).toContain(`error: the store in ${join(dataDir(), "db")} has a damaged file; it was not opened, so nothing was changed or overwritten:`);
    expect(refusedStart.stderr).toContain(`${file}: "docs" must be an object of documents by id, found a list`);
    expect(refusedStart.stderr).toContain(`way out: canopy-hub store restore tenants --data-dir ${dataDir()} (puts back the last good copy: ${lastGood.length} documents`);
    expect(await readFile(file, "utf8")).toBe('{"version":1,"docs":[]}');

    const restore = await runNode(hubBin, ["store", "restore", "tenants", "--data-dir", dataDir()]);
    expect(restore.code).toBe(0);
    expect(restore.stdout).toContain(`restored tenants from its last good copy: ${lastGood.length} documents`);
    await start();
    figures.restarts++;
    expect((await api.listTenants()).map((t) => t.id).sort()).toEqual(lastGood);
    figures.verified += lastGood.length;
  });
});
