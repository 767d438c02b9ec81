import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeHub } from "../../test/fake-hub.js";
import { DIST_INDEX, startNode } from "../../test/run-cli.js";
import { seedPairedAgent, tempDataDir } from "../../test/seed.js";

/**
 * `stop()` must leave nothing behind: no socket, no reconnect timer, no watchdog, no store timer.
 * The proof a user would notice: a process that creates agents and stops them exits by itself.
 */
const script = `
import { createAgent } from ${JSON.stringify(pathToFileURL(DIST_INDEX).href)};
const [online, unreachable] = process.argv.slice(-2);

const first = createAgent({ dataDir: online, reconnectMaxMs: 100 });
await first.start();
await first.waitFor("online", 5000);
await first.stop();

// This one waits out a long backoff when it is stopped.
const second = createAgent({ dataDir: unreachable, reconnectMaxMs: 60000 });
const threeFailures = new Promise((resolve) => {
  let failures = 0;
  second.on("offline", () => ++failures === 3 && resolve());
});
await second.start();
await threeFailures;
await second.stop();

// And one stopped before it ever connected.
const third = createAgent({ dataDir: online });
await third.start();
await third.stop();

console.log("all stopped", first.state, second.state, third.state);
// Timers, sockets, file handles still held (stdio pipes are the process's own). One loop turn
// first: a finished fs request stays listed until its callback phase has passed.
await new Promise((resolve) => setImmediate(resolve));
console.log(JSON.stringify(process.getActiveResourcesInfo().filter((r) => r !== "PipeWrap" && r !== "TTYWrap")));
// No process.exit: the process must end on its own.
`;

describe("stop()", () => {
  let hub: FakeHub;
  const dirs: { dir: string; cleanup: () => Promise<void> }[] = [];

  beforeEach(async () => {
    hub = new FakeHub();
    await hub.listen();
  });

  afterEach(async () => {
    await hub.close();
    for (const d of dirs.splice(0)) await d.cleanup();
  });

  it("leaves no open handles: a process that stopped its agents exits by itself", async () => {
    const online = await tempDataDir();
    const unreachable = await tempDataDir();
    dirs.push(online, unreachable);
    await seedPairedAgent(online.dir, hub);
    const gone = new FakeHub();
    await gone.listen();
    await seedPairedAgent(unreachable.dir, gone);
    await gone.close();

    const child = startNode(["--input-type=module", "-e", script, online.dir, unreachable.dir]);
    const killer = setTimeout(() => child.child.kill("SIGKILL"), 10_000);
    const finished = await child.finished;
    clearTimeout(killer);
    expect(finished.stderr).toBe("");
    expect(finished.stdout).toBe("all stopped stopped stopped stopped\n[]\n");
    expect(finished.signal).toBeNull(); // not killed: it ended on its own
    expect(finished.code).toBe(0);
    expect(hub.connections.length).toBeGreaterThanOrEqual(1);
  });
});
