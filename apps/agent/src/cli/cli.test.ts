import { access, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { item } from "../../test/content.js";
import { FakeHub } from "../../test/fake-hub.js";
import { BIN, runCli, startNode } from "../../test/run-cli.js";
import { seedPairedAgent, tempDataDir } from "../../test/seed.js";
import { startReceiver } from "../../test/webhook-receiver.js";

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

describe("canopy-agent CLI", () => {
  let dataDir: string;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ dir: dataDir, cleanup } = await tempDataDir());
  });

  afterEach(async () => {
    await cleanup();
  });

  it("--help lists every command with what it does", async () => {
    const { code, stdout, stderr } = await runCli(["--help"]);
    expect(code).toBe(0);
    expect(stderr).toBe("");
    for (const command of ["pair", "run", "status", "unpair", "content", "adapter", "insights"]) expect(stdout).toMatch(new RegExp(`^  ${command}\\b`, "m"));
  });

  it("each command has its own help with its options", async () => {
    const pair = await runCli(["pair", "--help"]);
    expect(pair.code).toBe(0);
    expect(pair.stdout).toMatch(/--hub <url>/);
    expect(pair.stdout).toMatch(/--code <code>/);
    expect(pair.stdout).toMatch(/--force/);
    const run = await runCli(["run", "--help"]);
    expect(run.stdout).toMatch(/3 unpaired by the hub/);
    expect((await runCli(["status", "--help"])).stdout).toMatch(/--json/);
    expect((await runCli(["insights", "list", "--help"])).stdout).toMatch(/--json/);
  });

  it("status on an empty data dir says not paired and creates nothing", async () => {
    const dir = join(dataDir, "nothing-here");
    const text = await runCli(["status", "--data-dir", dir]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^not paired \(data dir .*nothing-here\)/);
    const json = await runCli(["status", "--json", "--data-dir", dir]);
    expect(JSON.parse(json.stdout)).toMatchObject({ paired: false, connected: false, tenantName: null });
    expect(await exists(dir)).toBe(false);
  });

  it("run when not paired exits 1 with one error line", async () => {
    const { code, stdout, stderr } = await runCli(["run", "--data-dir", dataDir]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toBe("error: this agent is not paired; run canopy-agent pair --hub URL --code CODE first\n");
  });

  it("pair refuses a malformed code and an unreachable hub with one line each", async () => {
    const malformed = await runCli(["pair", "--hub", "http://127.0.0.1:9", "--code", "nope", "--data-dir", dataDir]);
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toBe("error: that is not a pairing code: expected 8 letters and digits like ABCD-EFGH\n");
    const hub = new FakeHub();
    await hub.listen();
    await hub.close(); // a port nobody listens on
    const unreachable = await runCli(["pair", "--hub", hub.url, "--code", "ABCD-EFGH", "--data-dir", dataDir]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toBe(`error: hub unreachable at ${hub.url} (ECONNREFUSED)\n`);
  });

  it("a missing option or an unknown command is one error line and exit 1", async () => {
    const missing = await runCli(["pair", "--hub", "http://hub"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split("\n")).toEqual(["error: required option '--code <code>' not specified"]);
    const unknown = await runCli(["insights", "import", "x.ndjson"]);
    expect(unknown.code).toBe(1);
  });

  it("reads the data dir from CANOPY_DATA_DIR and rejects a bad environment value in one line", async () => {
    const fromEnv = await runCli(["status", "--json"], { CANOPY_DATA_DIR: dataDir });
    expect(JSON.parse(fromEnv.stdout).dataDir).toBe(dataDir);
    const bad = await runCli(["run", "--data-dir", dataDir], { CANOPY_RECONNECT_MAX_MS: "soon" });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe("error: CANOPY_RECONNECT_MAX_MS must be a positive whole number of milliseconds\n");
  });

  it("content list and insights list print JSON arrays", async () => {
    const hub = new FakeHub();
    const [h1, h2] = [`sha256:${"1".repeat(64)}`, `sha256:${"2".repeat(64)}`];
    const applied = { pushId: "ps_1", appliedAt: "2030-01-01T00:00:00.000Z" };
    await seedPairedAgent(dataDir, hub, {
      content: [
        { id: "siem-rule:Brute force", kind: "siem-rule", name: "Brute force", revision: 2, hash: h2, ...applied, drifted: true },
        { id: "playbook:Phishing", kind: "playbook", name: "Phishing", revision: 1, hash: h1, ...applied, drifted: false },
      ],
    });
    const content = await runCli(["content", "list", "--json", "--data-dir", dataDir]);
    expect(content.code).toBe(0);
    expect(JSON.parse(content.stdout)).toEqual([
      { kind: "playbook", name: "Phishing", revision: 1, hash: h1 },
      { kind: "siem-rule", name: "Brute force", revision: 2, hash: h2 },
    ]);
    const text = await runCli(["content", "list", "--data-dir", dataDir]);
    expect(text.stdout.split("\n")).toEqual([
      `playbook\tPhishing\trevision 1\t${h1}\tapplied`,
      `siem-rule\tBrute force\trevision 2\t${h2}\tdrifted (changed on this host since it was applied)`,
      "",
    ]);
    const insights = await runCli(["insights", "list", "--json", "--data-dir", dataDir]);
    expect(insights.code).toBe(0);
    expect(JSON.parse(insights.stdout)).toEqual([]);
    const empty = await runCli(["content", "list", "--json", "--data-dir", join(dataDir, "none")]);
    expect(JSON.parse(empty.stdout)).toEqual([]);
  });

  it("adapter set / show: filesystem by default, a webhook with masked secrets", async () => {
    const initial = await runCli(["adapter", "show", "--data-dir", dataDir]);
    expect(initial.code).toBe(0);
    expect(initial.stdout).toBe(`adapter: filesystem\n  folder:   ${join(dataDir, "content")}\n`);

    const set = await runCli([
      "adapter", "set", "webhook",
      "--url", "https://soar.example.com/canopy?api_key=abc123",
      "--header", "Authorization: Bearer eyJhbGciOi.secret",
      "--header", "X-Tenant: acme",
      "--data-dir", dataDir,
    ]);
    expect(set.stderr).toBe("");
    expect(set.code).toBe(0);
    expect(set.stdout).toBe("adapter set to webhook: each item is POSTed to https://soar.example.com/canopy?api_key=********\na running agent uses it from the next batch it receives\n");
    const text = await runCli(["adapter", "show", "--data-dir", dataDir]);
    expect(text.stdout).not.toMatch(/eyJhbGciOi|abc123/);
    expect(text.stdout).toMatch(/^adapter: webhook$/m);
    expect(text.stdout).toMatch(/^ {2}header: {3}Authorization: \*{8}$/m);
    expect(text.stdout).toMatch(/^ {2}header: {3}X-Tenant: acme$/m);
    const json = JSON.parse((await runCli(["adapter", "show", "--json", "--data-dir", dataDir])).stdout);
    expect(json).toEqual({
      type: "webhook",
      url: "https://soar.example.com/canopy?api_key=********",
      headers: { Authorization: "********", "X-Tenant": "acme" },
      timeoutMs: 10000,
    });

    const back = await runCli(["adapter", "set", "filesystem", "--data-dir", dataDir]);
    expect(back.stdout).toMatch(/^adapter set to filesystem: items are written under /);
    expect(JSON.parse((await runCli(["adapter", "show", "--json", "--data-dir", dataDir])).stdout)).toEqual({ type: "filesystem", directory: join(dataDir, "content") });

  }, 20_000);

  it("adapter set refuses bad settings in one line each, and has help with examples", async () => {
    const refusals: [string[], string][] = [
      [["adapter", "set", "webhook"], "error: the webhook adapter needs --url URL\n"],
      [["adapter", "set", "webhook", "--url", "ftp://x"], "error: the webhook URL must be an http:// or https:// address\n"],
      [["adapter", "set", "webhook", "--url", "http://x", "--header", "nope"], 'error: --header must look like "Name: value" (got "nope")\n'],
      [["adapter", "set", "filesystem", "--url", "http://x"], "error: --url and --header are for the webhook adapter\n"],
    ];
    const [unknown, help, ...refused] = await Promise.all([
      runCli(["adapter", "set", "ftp", "--data-dir", dataDir]),
      runCli(["adapter", "set", "--help"]),
      ...refusals.map(([args]) => runCli([...args, "--data-dir", dataDir])),
    ]);
    expect(refused.map((r) => [r.code, r.stderr])).toEqual(refusals.map(([, stderr]) => [1, stderr]));
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error: command-argument value 'ftp' is invalid for argument 'type'. Allowed choices are filesystem, webhook./);
    expect(await exists(join(dataDir, "adapter.json"))).toBe(false);
    expect(help.stdout).toMatch(/--url <url>/);
    expect(help.stdout).toMatch(/--header <header>/);
    expect(help.stdout).toMatch(/canopy-agent adapter set webhook --url/);
  }, 20_000);

  describe("run against a hub", () => {
    let hub: FakeHub;

    beforeEach(async () => {
      hub = new FakeHub({ tenantName: "Globex" });
      await hub.listen();
      await seedPairedAgent(dataDir, hub);
    });

    afterEach(async () => {
      await hub.close();
    });

    const startRun = () => startNode([BIN, "run", "--data-dir", dataDir], { CANOPY_RECONNECT_MAX_MS: "100" });

    it("prints the connection, shows connected in status, and exits 0 on SIGTERM", async () => {
      const run = startRun();
      await run.waitForOutput(`connected to ${hub.url} as tenant Globex`);
      const status = await runCli(["status", "--data-dir", dataDir]);
      expect(status.stdout).toMatch(/paired with tenant Globex/);
      expect(status.stdout).toMatch(/connected: +yes/);
      run.child.kill("SIGTERM");
      const finished = await run.finished;
      expect(finished.code).toBe(0);
      expect(finished.stderr).toBe("");
      expect((await hub.connections[0]!.closed).code).toBe(1000);
      expect(JSON.parse((await runCli(["status", "--json", "--data-dir", dataDir])).stdout)).toMatchObject({ paired: true, connected: false, running: false });
    });

    it("applies content, takes an adapter changed from another process, reports drift (CANOPY_DRIFT_SCAN_MS)", async () => {
      const receiver = await startReceiver();
      const run = startNode([BIN, "run", "--data-dir", dataDir], { CANOPY_RECONNECT_MAX_MS: "100", CANOPY_DRIFT_SCAN_MS: "50" });
      try {
        await run.waitForOutput("connected to");
        const connection = hub.connections[0]!;
        expect((await connection.next("content.manifest")).items).toEqual([]);
        const onDisk = item("custom-field", "On disk");
        connection.send({ type: "content.apply", batchId: "b-files", pushId: "ps_1", items: [onDisk] });
        expect((await connection.next("content.ack")).results[0]!.status).toBe("applied");

        const set = await runCli(["adapter", "set", "webhook", "--url", receiver.url, "--data-dir", dataDir]);
        expect(set.code).toBe(0);
        connection.send({ type: "content.apply", batchId: "b-hook", pushId: "ps_2", items: [item("custom-field", "Posted")] });
        expect((await connection.next("content.ack", (a) => a.batchId === "b-hook")).results[0]!.status).toBe("applied");
        expect(receiver.received.map((r) => r.body.name)).toEqual(["Posted"]);

        await writeFile(join(dataDir, "content", "custom-field", "On disk.json"), "edited\n");
        expect((await connection.next("content.drift")).items).toEqual([expect.objectContaining({ name: "On disk", hash: onDisk.hash })]);
        const listed = await runCli(["content", "list", "--data-dir", dataDir]);
        expect(listed.stdout).toMatch(/On disk\trevision 1\t.*\tdrifted/);
        expect(listed.stdout).toMatch(/Posted\trevision 1\t.*\tapplied/);
      } finally {
        run.child.kill("SIGTERM");
        expect((await run.finished).code).toBe(0);
        await receiver.close();
      }
    }, 20_000);

    it("exits 0 on SIGINT too", async () => {
      const run = startRun();
      await run.waitForOutput("connected to");
      run.child.kill("SIGINT");
      expect((await run.finished).code).toBe(0);
    });

    it("exits 3 with the credentials wiped when the hub unpairs it", async () => {
      const run = startRun();
      await run.waitForOutput("connected to");
      hub.connections[0]!.send({ type: "unpair", reason: "unpaired by staff" });
      const finished = await run.finished;
      expect(finished.code).toBe(3);
      expect(finished.stdout).toMatch(/unpaired by the hub \(unpaired by staff\); the credentials were removed/);
      expect(JSON.parse((await runCli(["status", "--json", "--data-dir", dataDir])).stdout).paired).toBe(false);
    });

    it("exits 4 when another connection with the same key replaces it", async () => {
      const run = startRun();
      await run.waitForOutput("connected to");
      hub.connections[0]!.close(4004, "replaced");
      const finished = await run.finished;
      expect(finished.code).toBe(4);
      expect(finished.stdout).toMatch(/replaced by another connection with the same key/);
    });

    it("says it lost the hub and comes back when it returns", async () => {
      const run = startRun();
      await run.waitForOutput("connected to");
      const port = hub.port;
      await hub.close();
      await run.waitForOutput("disconnected from the hub");
      await hub.listen(port);
      await run.waitForOutput("connected to", 5000, 2);
      run.child.kill("SIGTERM");
      expect((await run.finished).code).toBe(0);
    });

    it("unpair confirms with the hub and then status shows not paired", async () => {
      const unpair = startNode([BIN, "unpair", "--data-dir", dataDir]);
      const connection = await hub.nextConnection();
      await connection.next("unpair");
      connection.send({ type: "unpair", reason: "unpaired by the tenant" });
      connection.close(4003, "revoked");
      const finished = await unpair.finished;
      expect(finished.code).toBe(0);
      expect(finished.stdout).toBe(`unpaired from tenant Globex at ${hub.url}; the credentials were removed\n`);
      const run = await runCli(["run", "--data-dir", dataDir]);
      expect(run.code).toBe(1);
    });

    it("unpair with an unreachable hub fails unless --force", async () => {
      await hub.close();
      const refused = await runCli(["unpair", "--data-dir", dataDir]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toBe(`error: hub unreachable at ${hub.url} (ECONNREFUSED); use --force to forget the credentials locally\n`);
      const forced = await runCli(["unpair", "--force", "--data-dir", dataDir]);
      expect(forced.code).toBe(0);
      expect(forced.stdout).toMatch(/forgot the credentials locally/);
      expect(JSON.parse((await runCli(["status", "--json", "--data-dir", dataDir])).stdout).paired).toBe(false);
    });
  });
});
