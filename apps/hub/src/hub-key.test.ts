import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HUB_KEY_FILE, HubKeyError, loadOrCreateHubKey } from "./hub-key.js";

describe("loadOrCreateHubKey", () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "canopy-hub-key-"));
    path = join(dir, HUB_KEY_FILE);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("creates the key on a first start and loads the same one later", async () => {
    const first = await loadOrCreateHubKey(dir, { pairedAgents: 0, newIdentity: false });
    expect(first).toMatchObject({ created: true, replacedLost: false, path });
    const again = await loadOrCreateHubKey(dir, { pairedAgents: 3, newIdentity: true });
    expect(again).toMatchObject({ created: false, replacedLost: false });
    expect(again.key.publicKey).toBe(first.key.publicKey);
  });

  it("refuses to replace a missing key while agents are paired, naming the file, the count and the way out", async () => {
    const refused = loadOrCreateHubKey(dir, { pairedAgents: 3, newIdentity: false });
    await expect(refused).rejects.toThrow(HubKeyError);
    await expect(refused).rejects.toThrow(
      `${path} is missing, but 3 agents are paired with this hub's identity: restore the file from a backup, ` +
        "or start once with --new-identity to make a new identity (every paired agent must then pair again)",
    );
    await expect(readFile(path)).rejects.toThrow(/ENOENT/);

    const replaced = await loadOrCreateHubKey(dir, { pairedAgents: 3, newIdentity: true });
    expect(replaced).toMatchObject({ created: true, replacedLost: true });
  });

  it("names a damaged key file and says what is wrong in words, never overwriting it", async () => {
    const good = (await loadOrCreateHubKey(dir, { pairedAgents: 0, newIdentity: false }), await readFile(path, "utf8"));
    const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({ type: "pkcs8", format: "pem" }) as string;
    const cases: [string, string][] = [
      [good.slice(0, 60), "it is truncated or damaged and cannot be decoded"],
      ["", "the file is empty"],
      ["not a key at all\n", "it holds no PEM private key block"],
      [rsa, "it is an rsa key, not Ed25519"],
    ];
    for (const [content, defect] of cases) {
      await writeFile(path, content);
      for (const pairedAgents of [0, 2]) {
        const error = await loadOrCreateHubKey(dir, { pairedAgents, newIdentity: true }).catch((e: unknown) => e as Error);
        expect(error).toBeInstanceOf(HubKeyError);
        expect((error as Error).message).toBe(
          `${path} is not a valid Ed25519 private key in PEM (${defect}): ` +
            (pairedAgents > 0
              ? "restore it from a backup, or move it away and start once with --new-identity (2 agents are paired and must then pair again)"
              : "restore it from a backup, or move it away to make a new identity"),
        );
      }
      expect(await readFile(path, "utf8")).toBe(content);
    }
  });
});
