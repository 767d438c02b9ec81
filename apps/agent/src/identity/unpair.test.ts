import { access } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { item } from "../../test/content.js";
import { FakeHub } from "../../test/fake-hub.js";
import { seedPairedAgent, tempDataDir } from "../../test/seed.js";
import { AgentCliError } from "../core/errors.js";
import { readAgentStatus } from "../cli/status.js";
import { unpairAgent } from "./unpair.js";

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

describe("unpairAgent", () => {
  let hub: FakeHub;
  let dataDir: string;
  let cleanup: () => Promise<void>;
  let agentId: string;

  beforeEach(async () => {
    hub = new FakeHub();
    await hub.listen();
    ({ dir: dataDir, cleanup } = await tempDataDir());
    ({ agentId } = await seedPairedAgent(dataDir, hub));
  });

  afterEach(async () => {
    await hub.close();
    await cleanup();
  });

  /** What the real hub does with an agent's `unpair`: revoke, confirm with a notice, close 4003. */
  async function confirmNextUnpair(how: "notice" | "close" = "notice") {
    const connection = await hub.nextConnection();
    const request = await connection.next("unpair");
    if (how === "notice") connection.send({ type: "unpair", reason: "unpaired by the tenant" });
    connection.close(4003, "revoked");
    return { connection, request };
  }

  it("asks the hub over an authenticated connection, then wipes the key and credentials", async () => {
    const [result, { connection, request }] = await Promise.all([unpairAgent({ dataDir }), confirmNextUnpair()]);
    expect(connection.agentId).toBe(agentId); // the handshake completed before the request
    expect(request.reason).toMatch(/canopy-agent unpair/);
    expect(result).toEqual({ tenantName: "Acme", hubUrl: hub.url, confirmedByHub: true, hubProblem: null });
    expect(await exists(join(dataDir, "agent-key.pem"))).toBe(false);
    expect((await readAgentStatus({ dataDir })).paired).toBe(false);
  });

  it("takes a bare 4003 close as the confirmation too", async () => {
    const [result] = await Promise.all([unpairAgent({ dataDir }), confirmNextUnpair("close")]);
    expect(result.confirmedByHub).toBe(true);
    expect((await readAgentStatus({ dataDir })).paired).toBe(false);
  });

  it("keeps the credentials and suggests --force when the hub is unreachable", async () => {
    await hub.close();
    const error = (await unpairAgent({ dataDir }).catch((e: unknown) => e)) as AgentCliError;
    expect(error).toBeInstanceOf(AgentCliError);
    expect(error.code).toBe("hub_unreachable");
    expect(error.message).toBe(`hub unreachable at ${hub.url} (ECONNREFUSED); use --force to forget the credentials locally`);
    expect((await readAgentStatus({ dataDir })).paired).toBe(true);
  });

  it("with --force forgets the credentials locally when the hub is unreachable", async () => {
    await hub.close();
    const result = await unpairAgent({ dataDir, force: true });
    expect(result).toMatchObject({ confirmedByHub: false, hubProblem: `hub unreachable at ${hub.url} (ECONNREFUSED)` });
    expect((await readAgentStatus({ dataDir })).paired).toBe(false);
    expect(await exists(join(dataDir, "agent-key.pem"))).toBe(false);
  });

  it("reports a hub that no longer knows the key, and keeps the credentials unless forced", async () => {
    hub.agents.clear();
    const error = (await unpairAgent({ dataDir }).catch((e: unknown) => e)) as AgentCliError;
    expect(error.message).toMatch(/does not accept this agent's credentials any more; use --force/);
    expect((await readAgentStatus({ dataDir })).paired).toBe(true);
    await unpairAgent({ dataDir, force: true });
    expect((await readAgentStatus({ dataDir })).paired).toBe(false);
  });

  it("takes nothing else from the hub while it unpairs: a content batch is neither applied nor acked", async () => {
    const hubSide = (async () => {
      const connection = await hub.nextConnection();
      await connection.next("unpair");
      connection.send({ type: "content.apply", batchId: "during-unpair", pushId: "ps_1", items: [item("custom-field", "Tier")] });
      connection.send({ type: "ping", id: "p1", sentAt: Date.now() });
      await connection.next("pong"); // messages are handled in order: the batch came before this
      connection.send({ type: "unpair", reason: "unpaired by the tenant" });
      connection.close(4003, "revoked");
      return connection;
    })();
    const [result, connection] = await Promise.all([unpairAgent({ dataDir }), hubSide]);
    expect(result.confirmedByHub).toBe(true);
    expect(connection.received.map((message) => message.type)).not.toContain("content.ack");
    expect(await exists(join(dataDir, "content", "custom-field"))).toBe(false);
  });

  it("gives up after the timeout when the hub never confirms", async () => {
    const started = Date.now();
    const error = (await unpairAgent({ dataDir, timeoutMs: 200 }).catch((e: unknown) => e)) as AgentCliError;
    expect(error.message).toMatch(/did not confirm within 200 ms; use --force/);
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await readAgentStatus({ dataDir })).paired).toBe(true);
  });

  it("says so when there is nothing to unpair", async () => {
    const empty = await tempDataDir();
    const error = (await unpairAgent({ dataDir: empty.dir }).catch((e: unknown) => e)) as AgentCliError;
    expect(error.code).toBe("not_paired");
    await empty.cleanup();
  });
});
