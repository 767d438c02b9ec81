import { macHubMessage, SESSION_MAC_CAPABILITY } from "@canopy/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeHub, type FakeConnection } from "../../test/fake-hub.js";
import { seedPairedAgent, tempDataDir } from "../../test/seed.js";
import { createAgent } from "../runtime/agent.js";
import { readAgentStatus } from "../cli/status.js";
import type { Agent } from "../core/types.js";

/** The agent's link to a hub that agrees a session key: frames after the welcome carry its HMAC, not a signature. */
describe("agent link with a session key", () => {
  let hub: FakeHub;
  let dataDir: string;
  let cleanup: () => Promise<void>;
  let agent: Agent;

  beforeEach(async () => {
    hub = new FakeHub({ sessionMac: true });
    await hub.listen();
    ({ dir: dataDir, cleanup } = await tempDataDir());
    await seedPairedAgent(dataDir, hub);
    agent = createAgent({ dataDir, reconnectMaxMs: 50 });
  });

  afterEach(async () => {
    await agent.stop();
    await hub.close();
    await cleanup();
  });

  async function online(): Promise<FakeConnection> {
    await agent.start();
    const connection = await hub.nextConnection();
    await agent.waitFor("online", 3000);
    return connection;
  }

  /** The agent closed the link itself with 4000 (the hub sees its close frame), and dialled again. */
  async function refusedAndRedialled(connection: FakeConnection): Promise<void> {
    expect((await connection.closed).code).toBe(4000);
    await hub.nextConnection(3000, 1);
    await agent.waitFor("online", 3000);
  }

  it("answers the hub's key share with its own, signed, and takes MAC'd frames after the welcome", async () => {
    const connection = await online();
    const hello = await connection.next("hello");
    expect(hello.capabilities).toContain(SESSION_MAC_CAPABILITY);
    expect(hello.sessionKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(connection.mac).toBeDefined(); // the fake hub verified the signature over the key and sent frameAuth
    for (const id of ["p1", "p2", "p3"]) {
      connection.send({ type: "ping", id, sentAt: 0 });
      expect(await connection.next("pong", (m) => m.id === id)).toEqual({ type: "pong", id });
    }
    expect(connection.mac!.counter).toBe(3);
    expect(connection.received.filter((m) => m.type === "error")).toEqual([]);
  });

  it("refuses a frame signed with the hub key once frames are MAC'd, never acts on it, and reconnects", async () => {
    const connection = await online();
    connection.sendSigned({ type: "unpair", reason: "signed, but not this session's" });
    const error = await connection.next("error");
    expect(error.code).toBe("bad_signature");
    await refusedAndRedialled(connection);
    expect((await readAgentStatus({ dataDir })).paired).toBe(true);
  });

  it("refuses a replayed frame (each frame's tag is for its place in the stream) and reconnects", async () => {
    const connection = await online();
    connection.send({ type: "ping", id: "once", sentAt: 0 });
    await connection.next("pong", (m) => m.id === "once");
    connection.sendRaw(connection.sentFrames[0]!);
    expect((await connection.next("error")).code).toBe("bad_signature");
    await refusedAndRedialled(connection);
    expect(connection.received.filter((m) => m.type === "pong")).toHaveLength(1);
  });

  it("refuses a frame with one byte changed on its way, never acts on it, and reconnects", async () => {
    const connection = await online();
    const frame = macHubMessage(connection.mac!, { type: "unpair", reason: "tampered" });
    frame[frame.length - 5] = frame[frame.length - 5]! ^ 1;
    connection.sendRaw(frame);
    expect((await connection.next("error")).code).toBe("bad_signature");
    await refusedAndRedialled(connection);
    expect((await readAgentStatus({ dataDir })).paired).toBe(true);
  });
});
