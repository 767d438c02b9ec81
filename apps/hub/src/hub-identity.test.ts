import { mkdtemp, rm, unlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateKeyPair } from "@canopy/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ADMIN, Caller, login, silentLogger } from "../test/helpers.js";
import { createHub, type Hub } from "./hub.js";
import { HUB_KEY_FILE } from "./hub-key.js";

describe("the hub's identity across restarts", () => {
  let dataDir: string;
  const hubs: Hub[] = [];
  const open = (options: { newIdentity?: boolean } = {}) => {
    const hub = createHub({ dataDir, adminEmail: ADMIN.email, adminPassword: ADMIN.password, logger: silentLogger, webRoot: "/nonexistent", ...options });
    hubs.push(hub);
    return hub;
  };
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "canopy-identity-"));
  });
  afterEach(async () => {
    for (const hub of hubs.splice(0)) await hub.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Two tenants with a paired agent each, one tenant never paired. */
  async function pairTwo(hub: Hub): Promise<string[]> {
    const admin = await login(hub);
    const ids: string[] = [];
    for (const name of ["Acme", "Globex"]) {
      const tenant = (await admin.post("/tenants", { name })).body;
      const { code } = (await admin.post(`/tenants/${tenant.id}/pairing-codes`, {})).body;
      const paired = await new Caller(hub).post("/agent/pair", { code, publicKey: generateKeyPair().publicKey, hostname: "h", agentVersion: "0.1.0", platform: "linux" });
      expect(paired.status).toBe(201);
      ids.push(tenant.id);
    }
    await admin.post("/tenants", { name: "Never paired" });
    return ids;
  }

  it("refuses to start without its key while agents are paired; --new-identity revokes them, audited", async () => {
    const first = open();
    const { hubPublicKey } = await first.ready();
    const tenants = await pairTwo(first);
    await first.close();
    await unlink(join(dataDir, HUB_KEY_FILE));

    await expect(open().ready()).rejects.toThrow(
      `${join(dataDir, HUB_KEY_FILE)} is missing, but 2 agents are paired with this hub's identity: restore the file from a backup, or start once with --new-identity`,
    );

    const replaced = open({ newIdentity: true });
    const info = await replaced.ready();
    expect(info.hubPublicKey).not.toBe(hubPublicKey);
    const admin = await login(replaced);
    for (const id of tenants) expect((await admin.get(`/tenants/${id}`)).body.status).toBe("unpaired");
    const audit = (await admin.get("/audit?action=hub.identity.replace")).body.items;
    expect(audit).toEqual([expect.objectContaining({ actor: "system", detail: { keyFile: join(dataDir, HUB_KEY_FILE), agentsRevoked: 2 } })]);
    expect((await admin.get("/audit?action=tenant.unpair")).body.items).toHaveLength(2);
    await replaced.close();

    // The new key is now the identity: later starts need no flag, and nothing more is revoked.
    const later = open();
    expect((await later.ready()).hubPublicKey).toBe(info.hubPublicKey);
    expect((await (await login(later)).get("/audit?action=hub.identity.replace")).body.items).toHaveLength(1);
  });

  it("without paired agents a missing key is simply made anew", async () => {
    const first = open();
    const { hubPublicKey } = await first.ready();
    await first.close();
    await unlink(join(dataDir, HUB_KEY_FILE));
    expect((await open().ready()).hubPublicKey).not.toBe(hubPublicKey);
  });
});
