import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const bin = join(packageDir, "bin/canopy-hub");

/** The CLI runs from dist/: rebuild it when a source file is newer (plain `vitest` runs skip turbo's build). */
async function ensureBuilt(): Promise<void> {
  const built = await stat(join(packageDir, "dist/main.js")).catch(() => undefined);
  const sources = (await readdir(join(packageDir, "src"), { recursive: true })).filter((f) => f.endsWith(".ts"));
  const newest = Math.max(...(await Promise.all(sources.map(async (f) => (await stat(join(packageDir, "src", f))).mtimeMs))));
  if (!built || built.mtimeMs < newest) {
    execFileSync(join(packageDir, "node_modules/.bin/tsc"), ["-p", "tsconfig.build.json"], { cwd: packageDir, stdio: "inherit" });
  }
}

interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function run(args: string[], env: Record<string, string> = {}): Running {
  const childEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, CANOPY_LOG_LEVEL: "info", ...env };
  const child = spawn(process.execPath, [bin, ...args], { env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk) => (stdout += chunk));
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** The URL from the hub's `listening on URL` line, read as stdout arrives; fails if it exits first or after 15 s. */
function listeningUrl(running: Running): Promise<string> {
  const { child } = running;
  return new Promise((resolve, reject) => {
    const stop = () => {
      clearTimeout(timer);
      child.stdout!.off("data", check);
      child.off("exit", fail);
    };
    const check = () => {
      const match = /^listening on (http:\/\/\S+)$/m.exec(running.stdout());
      if (!match) return;
      stop();
      resolve(match[1]!);
    };
    const fail = () => {
      stop();
      reject(new Error(`hub did not start:\n${running.stdout()}\n${running.stderr()}`));
    };
    const timer = setTimeout(fail, 15_000);
    // After run()'s own listener, so running.stdout() already holds the chunk.
    child.stdout!.on("data", check);
    child.once("exit", fail);
    if (child.exitCode !== null) fail();
    else check();
  });
}

describe("canopy-hub CLI", () => {
  let dataDir: string;
  const children: ChildProcess[] = [];

  beforeAll(ensureBuilt, 120_000);
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  });
  afterAll(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("starts, prints a generated admin login once, serves, and exits 0 on SIGTERM", async () => {
    dataDir = await mkdtemp(join(tmpdir(), "canopy-cli-"));
    const first = run(["start", "--port", "0", "--host", "127.0.0.1", "--data-dir", dataDir]);
    children.push(first.child);
    const url = await listeningUrl(first);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const password = /password: (\S+)/.exec(first.stdout())?.[1];
    expect(password).toBeDefined();
    expect(first.stdout()).toContain("email:    admin@canopy.local");
    // stdout is the login block and the one line; logs go to stderr as JSON.
    expect(first.stdout().trim().split("\n").at(-1)).toBe(`listening on ${url}`);
    expect(first.stderr()).toContain('"msg":"listening"');
    expect(first.stderr()).not.toContain(password);

    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "admin@canopy.local", password }),
    });
    expect(login.status).toBe(200);

    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);

    // Second start on the same data: no new password, the old one still works.
    const second = run(["start", "--port", "0", "--data-dir", dataDir], { CANOPY_ADMIN_PASSWORD: "ignored after the first start" });
    children.push(second.child);
    const url2 = await listeningUrl(second);
    expect(second.stdout()).not.toContain("password");
    const again = await fetch(`${url2}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "admin@canopy.local", password }),
    });
    expect(again.status).toBe(200);
    second.child.kill("SIGINT");
    expect(await second.exited).toBe(0);
  }, 60_000);

  it("uses CANOPY_ADMIN_PASSWORD on the first start and prints no password", async () => {
    const dir = await mkdtemp(join(tmpdir(), "canopy-cli-"));
    const hub = run(["start", "--data-dir", dir], { CANOPY_PORT: "0", CANOPY_ADMIN_EMAIL: "ops@example.com", CANOPY_ADMIN_PASSWORD: "given password" });
    children.push(hub.child);
    const url = await listeningUrl(hub);
    expect(hub.stdout()).toBe(`listening on ${url}\n`);
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "ops@example.com", password: "given password" }),
    });
    expect(login.status).toBe(200);
    hub.child.kill("SIGTERM");
    expect(await hub.exited).toBe(0);
    await rm(dir, { recursive: true, force: true });
  }, 30_000);

  it("stays up when an import nests YAML 40,000 deep (the parser's recursion made V8 abort the process: SIGABRT)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "canopy-cli-"));
    const hub = run(["start", "--port", "0", "--data-dir", dir], { CANOPY_ADMIN_PASSWORD: "given password", CANOPY_LOG_LEVEL: "warn" });
    children.push(hub.child);
    const url = await listeningUrl(hub);
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "admin@canopy.local", password: "given password" }),
    });
    const cookie = login.headers.getSetCookie()[0]!.split(";")[0]!;
    // Both forms: the flow one only overflowed the stack (a caught RangeError), the block one aborted the process.
    for (const deep of ["[".repeat(40_000) + "]".repeat(40_000), "- ".repeat(40_000) + "x"]) {
      const answer = await fetch(`${url}/api/v1/content/import`, { method: "POST", headers: { "content-type": "application/yaml", cookie, origin: url }, body: deep }).catch((error: unknown) => error);
      expect(answer, `the hub answered (stderr: ${hub.stderr().slice(-600)})`).toBeInstanceOf(Response);
      expect(await (answer as Response).json()).toMatchObject({ refused: [{ reason: "YAML error at line 1: nested deeper than 64 levels" }] });
    }
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    hub.child.kill("SIGTERM");
    expect(await hub.exited).toBe(0);
    await rm(dir, { recursive: true, force: true });
  }, 30_000);

  it("explains itself with --help and refuses a bad environment in one line", async () => {
    const help = run(["--help"]);
    expect(await help.exited).toBe(0);
    expect(help.stdout()).toMatch(/start/);
    const startHelp = run(["start", "--help"]);
    expect(await startHelp.exited).toBe(0);
    expect(startHelp.stdout()).toMatch(/--port/);
    expect(startHelp.stdout()).toMatch(/--data-dir/);
    expect(startHelp.stdout()).toMatch(/--new-identity +if <data-dir>\/hub-key.pem is lost/);
    expect(startHelp.stdout()).toMatch(/--public-url <url>/);

    const bad = run(["start"], { CANOPY_PORT: "eighty" });
    expect(await bad.exited).toBe(1);
    expect(bad.stderr().trim().split("\n")).toEqual([expect.stringMatching(/^error: CANOPY_PORT: /)]);
    const badUrl = run(["start"], { CANOPY_PUBLIC_URL: "canopy.example.com" });
    expect(await badUrl.exited).toBe(1);
    expect(badUrl.stderr().trim().split("\n")).toEqual(["error: CANOPY_PUBLIC_URL: must be the http(s) URL browsers use, such as https://canopy.example.com"]);
  }, 30_000);
});
