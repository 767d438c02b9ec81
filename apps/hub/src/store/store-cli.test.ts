import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureHubBuilt, runHubCli } from "../../test/hub-cli.js";

const ENV = { CANOPY_ADMIN_EMAIL: "admin@test.local", CANOPY_ADMIN_PASSWORD: "admin password 1", CANOPY_PORT: "0" };

// Each test spawns the CLI a few times (~1 s each on a busy machine).
describe("canopy-hub store (CLI)", { timeout: 60_000 }, () => {
  let dataDir: string;
  beforeAll(async () => {
    await ensureHubBuilt();
    dataDir = await mkdtemp(join(tmpdir(), "canopy-hub-store-cli-"));
    // A store of one tenant, whose previous generation (.bak) held none.
    const db = join(dataDir, "db");
    await mkdir(db, { recursive: true });
    await writeFile(join(db, "tenants.json"), '{"version":1,"docs":{"tnt_1":{"id":"tnt_1","name":"Acme","description":"","tags":[],"parentId":null,"createdAt":"2030-01-01T00:00:00.000Z","updatedAt":"2030-01-01T00:00:00.000Z"}}}');
    await writeFile(join(db, "tenants.json.bak"), '{"version":1,"docs":{}}');
  }, 120_000);
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it("check: a sound store exits 0; a damaged one lists every problem with its way out and exits 1", async () => {
    const sound = await runHubCli(["store", "check", "--data-dir", dataDir]);
    expect(sound).toMatchObject({ code: 0, stderr: "" });
    expect(sound.stdout).toBe(`the store in ${join(dataDir, "db")} is sound: 1 files, 1 documents\n`);

    const file = join(dataDir, "db", "tenants.json");
    await writeFile(file, '{"version":1,"docs":{"tnt_1":{"id":"tnt_1","tags":[7]}}}');
    const damaged = await runHubCli(["store", "check"], { CANOPY_DATA_DIR: dataDir });
    expect(damaged.code).toBe(1);
    expect(damaged.stdout).toContain(`the store in ${join(dataDir, "db")} has 6 problems in 1 of 1 files:`);
    expect(damaged.stdout).toContain(`${file}, document "tnt_1", field name: Invalid input: expected string, received undefined`);
    expect(damaged.stdout).toContain(`${file}, document "tnt_1", field tags.0: Invalid input: expected string, received number`);
    expect(damaged.stdout).toContain(`way out: canopy-hub store restore tenants --data-dir ${dataDir} (puts back the last good copy: 0 documents, written `);
  });

  it("start refuses with the file named and the exact command; restore puts the last good copy back, and the store checks sound", async () => {
    const started = await runHubCli(["start", "--data-dir", dataDir], ENV);
    expect(started.code).toBe(1);
    expect(started.stdout).toBe("");
    expect(started.stderr).toContain(`error: the store in ${join(dataDir, "db")} has a damaged file; it was not opened, so nothing was changed or overwritten:`);
    expect(started.stderr).toContain(`way out: canopy-hub store restore tenants --data-dir ${dataDir}`);

    const restored = await runHubCli(["store", "restore", "tenants", "--data-dir", dataDir]);
    expect(restored.code).toBe(0);
    expect(restored.stdout).toMatch(/^set tenants\.json aside as .*tenants\.json\.damaged-\d{8}T\d{6}Z\nrestored tenants from its last good copy: 0 documents, written \d{4}-\d\d-\d\dT/);
    const aside = (await readdir(join(dataDir, "db"))).find((f) => f.startsWith("tenants.json.damaged-"))!;
    expect(await readFile(join(dataDir, "db", aside), "utf8")).toContain('"tags":[7]');
    expect((await runHubCli(["store", "check", "--data-dir", dataDir])).code).toBe(0);
  });

  it("restore without a good copy says so and how to go on; --discard sets the file aside", async () => {
    await writeFile(join(dataDir, "db", "pushes.json"), "[");
    const refused = await runHubCli(["store", "restore", "pushes", "--data-dir", dataDir]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`error: cannot restore pushes: there is no last good copy (${join(dataDir, "db", "pushes.json.bak")}); to set ${join(dataDir, "db", "pushes.json")} aside and start the collection empty, add --discard\n`);
    const discarded = await runHubCli(["store", "restore", "pushes", "--discard", "--data-dir", dataDir]);
    expect(discarded.code).toBe(0);
    expect(discarded.stdout).toMatch(/pushes starts empty\n$/);
    const unknown = await runHubCli(["store", "restore", "../etc", "--data-dir", dataDir]);
    expect(unknown).toMatchObject({ code: 1, stderr: 'error: "../etc" is not a collection name (store check lists them)\n' });
  });
});
