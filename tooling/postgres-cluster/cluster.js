// A throwaway PostgreSQL server for tests: a fresh cluster in a temp folder, on a free loopback
// port, with trust authentication (nothing outside this machine can reach it, and it holds only
// test data). PostgreSQL refuses to run as root, so as root the binaries run as `postgres`.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { appendFile, chown, mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const DEBIAN_ROOT = "/usr/lib/postgresql";

/** The newest `/usr/lib/postgresql/<major>/bin` that has `pg_ctl`, or `undefined`. */
export function findPostgresBin() {
  if (process.env.CANOPY_PG_BIN) return existsSync(join(process.env.CANOPY_PG_BIN, "pg_ctl")) ? process.env.CANOPY_PG_BIN : undefined;
  if (!existsSync(DEBIAN_ROOT)) return undefined;
  const majors = readdirSync(DEBIAN_ROOT)
    .filter((name) => /^\d+(\.\d+)?$/.test(name) && existsSync(join(DEBIAN_ROOT, name, "bin", "pg_ctl")))
    .sort((a, b) => Number(b) - Number(a));
  return majors.length > 0 ? join(DEBIAN_ROOT, majors[0], "bin") : undefined;
}

/** A free TCP port on 127.0.0.1, found by binding port 0. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const asRoot = () => typeof process.getuid === "function" && process.getuid() === 0;

/** `[command, args]` for a PostgreSQL binary, through `runuser -u postgres` when we are root. */
function command(bin, tool, args) {
  const path = join(bin, tool);
  return asRoot() ? ["runuser", ["-u", "postgres", "--", path, ...args]] : [path, args];
}

/** Runs a PostgreSQL tool to completion; rejects with its output when it fails. */
function runTool(bin, tool, args, { cwd, detached = false } = {}) {
  const [cmd, argv] = command(bin, tool, args);
  return new Promise((resolve, reject) => {
    // Detached: a terminal's Ctrl-C reaches the test run, not the server; stop() ends it.
    const child = spawn(cmd, argv, { cwd, detached, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${tool} ${args.join(" ")} failed (${code ?? signal}): ${output.trim()}`));
    });
  });
}

async function logTail(file) {
  try {
    return (await readFile(file, "utf8")).split("\n").slice(-20).join("\n");
  } catch {
    return "(no server log)";
  }
}

/**
 * Starts a fresh cluster: `{ url, dir, stop() }`, `url` being the `postgres` superuser's URL on
 * 127.0.0.1. `stop()` shuts it down (`pg_ctl stop -m fast`) and removes the folder; a process
 * that exits without calling it still stops the server on its way out.
 */
export async function startPostgresCluster({ log = () => {} } = {}) {
  const bin = findPostgresBin();
  if (!bin) {
    throw new Error(
      `PostgreSQL not found: no ${DEBIAN_ROOT}/<version>/bin/pg_ctl (set CANOPY_PG_BIN to another bin folder). ` +
        "Install Debian's postgresql (apt-get install postgresql), or set CANOPY_TEST_DATABASE_URL to a server of your own.",
    );
  }
  const dir = await mkdtemp(join(tmpdir(), "canopy-pg-"));
  const data = join(dir, "data");
  const logFile = join(dir, "postgres.log");
  let stopped = false;
  let running = false;
  const removeDir = () => rm(dir, { recursive: true, force: true });
  // Last resort when the process exits without stop(): synchronous, as `exit` handlers must be.
  const onExit = () => {
    if (running) spawnSync(...command(bin, "pg_ctl", ["stop", "-D", data, "-m", "immediate", "-w"]), { cwd: dir, stdio: "ignore" });
    spawnSync("rm", ["-rf", dir], { stdio: "ignore" });
  };
  process.once("exit", onExit);
  try {
    if (asRoot()) {
      const owner = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
      const gid = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
      if (owner.status !== 0) throw new Error("running as root but there is no `postgres` user to run PostgreSQL as");
      await chown(dir, Number(owner.stdout), Number(gid.stdout));
      if (spawnSync("runuser", ["-u", "postgres", "--", "test", "-w", dir]).status !== 0) {
        throw new Error(`the postgres user cannot reach ${dir}: point TMPDIR at a folder every user can enter (such as /tmp)`);
      }
    }
    log(`initdb in ${data} (${bin})`);
    await runTool(bin, "initdb", ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"], { cwd: dir });
    // Two attempts: the free port can be taken between finding it and the server binding it.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      // Later lines of postgresql.conf win. fsync stays on: durability tests crash the hub and
      // count on what was committed being there.
      await appendFile(
        join(data, "postgresql.conf"),
        [
          "",
          "# canopy test cluster",
          "listen_addresses = '127.0.0.1'",
          `port = ${port}`,
          `unix_socket_directories = '${dir}'`,
          "fsync = on",
          "synchronous_commit = on",
          "max_connections = 300",
          "",
        ].join("\n"),
      );
      try {
        await runTool(bin, "pg_ctl", ["start", "-D", data, "-l", logFile, "-w", "-t", "60"], { cwd: dir, detached: true });
        running = true;
        const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
        log(`PostgreSQL listening at ${url}`);
        return {
          url,
          dir,
          port,
          async stop() {
            if (stopped) return;
            stopped = true;
            process.removeListener("exit", onExit);
            try {
              await runTool(bin, "pg_ctl", ["stop", "-D", data, "-m", "fast", "-w", "-t", "60"], { cwd: dir });
              running = false;
            } finally {
              await removeDir();
            }
            log("PostgreSQL stopped");
          },
        };
      } catch (error) {
        if (attempt >= 2) throw new Error(`${error.message}\n${await logTail(logFile)}`);
        log(`PostgreSQL did not start on port ${port}, trying another: ${error.message}`);
      }
    }
  } catch (error) {
    process.removeListener("exit", onExit);
    await removeDir();
    throw error;
  }
}
