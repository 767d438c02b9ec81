#!/usr/bin/env node
// The README's two commands land here: `npm start` and `npm test` on a fresh machine that has
// only Node 20 and npm. Plain Node with no dependencies, because it runs before anything is
// installed: it brings pnpm, the workspace's dependencies, the builds and (for tests) Debian's
// Chromium and PostgreSQL, then hands over to the workspace.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { LTS_MAJOR, ltsNodeEnv } from "./lts-node.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const PNPM_VERSION = "12.21.0";

function log(message) {
  process.stderr.write(`\x1b[36m[canopy]\x1b[0m ${message}\n`);
}

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: "inherit", ...options });
  if (result.error) return { ok: false, status: -1, error: result.error };
  return { ok: result.status === 0, status: result.status ?? 1 };
}

function works(cmd, args) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: "ignore" });
  return !result.error && result.status === 0;
}

function must(cmd, args, what, options) {
  const result = run(cmd, args, options);
  if (!result.ok) {
    log(`${what} failed (${cmd} ${args.join(" ")} → ${result.error?.message ?? `exit ${result.status}`})`);
    process.exit(1);
  }
}

/** pnpm from PATH, else a global npm install, else a private copy under .cache/ (no root needed). */
function ensurePnpm() {
  const local = join(root, ".cache/pnpm/node_modules/.bin/pnpm");
  if (works("pnpm", ["--version"])) return "pnpm";
  if (existsSync(local) && works(local, ["--version"])) return local;
  log(`installing pnpm ${PNPM_VERSION}`);
  if (run("npm", ["install", "--global", "--silent", `pnpm@${PNPM_VERSION}`]).ok && works("pnpm", ["--version"])) return "pnpm";
  must("npm", ["install", "--silent", "--prefix", join(root, ".cache/pnpm"), `pnpm@${PNPM_VERSION}`], "installing pnpm locally");
  return local;
}

/** The newest Debian PostgreSQL's `pg_ctl`, as @canopy/postgres-cluster looks for it. */
function hasPostgres() {
  const base = "/usr/lib/postgresql";
  return existsSync(base) && readdirSync(base).some((major) => existsSync(join(base, major, "bin", "pg_ctl")));
}

/**
 * Debian packages the tests need: Chromium to drive and poppler-utils (`pdftotext`) to read
 * exported PDFs in the browser tests, and PostgreSQL for the throwaway cluster the hub's
 * PostgreSQL store is tested on (not needed when CANOPY_TEST_DATABASE_URL names a server). One
 * `apt-get update` and one install for whatever is missing.
 */
function ensureSystemTools() {
  const path = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  const missing = [];
  if (!existsSync(path)) missing.push("chromium");
  if (!existsSync("/usr/bin/pdftotext")) missing.push("poppler-utils");
  if (!process.env.CANOPY_TEST_DATABASE_URL && !hasPostgres()) missing.push("postgresql");
  if (missing.length === 0) return;
  if (typeof process.getuid === "function" && process.getuid() === 0) {
    log(`installing Debian's ${missing.join(", ")} for the tests (apt-get)`);
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    must("apt-get", ["update", "-qq"], "apt-get update", { env });
    must("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...missing], `installing ${missing.join(", ")}`, { env });
    return;
  }
  log(
    `missing ${missing.join(", ")} and not running as root: sudo apt-get install ${missing.join(" ")} ` +
      "(or set CHROMIUM_PATH, and CANOPY_TEST_DATABASE_URL to a PostgreSQL server of your own)",
  );
  process.exit(1);
}

function setup() {
  const pnpm = ensurePnpm();
  log("installing dependencies");
  must(pnpm, ["install", "--frozen-lockfile", "--reporter=append-only"], "pnpm install");
  log("building");
  must(pnpm, ["exec", "turbo", "run", "build", "--output-logs=errors-only"], "build");
  return pnpm;
}

/** Strips colours and keeps the first lines of a failure, so the closing list stays short. */
function firstLines(text, lines = 4) {
  return String(text ?? "")
    .replace(/\x1b\[[0-9;]*m/g, "")
    // Vitest's JSON report keeps only the stack of a timeout, whose first line it leaves as this.
    .replace(/^Error: STACK_TRACE_ERROR/, "Error: timed out (the test's or a hook's time limit passed)")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .slice(0, lines)
    .map((line) => (line.length > 240 ? `${line.slice(0, 240)}…` : line))
    .join("\n      ");
}

/**
 * Vitest writes JSON reports beside each suite; add them up for one closing line, and name what
 * failed: CI shows only the end of the log, where a stage's own output has long scrolled away.
 */
function countResults(stage) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const failures = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === "node_modules" || entry.name.startsWith(".git")) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === ".vitest-report.json") {
        const report = JSON.parse(readFileSync(full, "utf8"));
        passed += report.numPassedTests ?? 0;
        // A file that fails to load has no failed tests of its own: count it once.
        failed += report.numFailedTests || report.numFailedTestSuites || 0;
        skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
        for (const file of report.testResults ?? []) {
          const name = file.name ? file.name.replace(`${root}/`, "") : full;
          const tests = (file.assertionResults ?? []).filter((test) => test.status === "failed");
          for (const test of tests) {
            failures.push(`${stage}: ${name} > ${test.fullName}\n      ${firstLines(test.failureMessages?.[0])}`);
          }
          if (tests.length === 0 && file.status === "failed") failures.push(`${stage}: ${name}\n      ${firstLines(file.message)}`);
        }
      }
    }
  };
  for (const top of ["packages", "apps", "tooling", "test"]) if (existsSync(join(root, top))) walk(join(root, top));
  return { passed, failed, skipped, failures };
}

function clearReports(dir = root) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name.startsWith(".git")) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) clearReports(full);
    else if (entry.name === ".vitest-report.json") rmSync(full);
  }
}

/** One throwaway PostgreSQL cluster for the whole run, unless CANOPY_TEST_DATABASE_URL names a server already. */
async function startTestDatabase() {
  if (process.env.CANOPY_TEST_DATABASE_URL) {
    log("PostgreSQL: the server at CANOPY_TEST_DATABASE_URL");
    return undefined;
  }
  // Plain JS, loadable by path now that setup() installed its `pg`.
  const { startPostgresCluster } = await import(pathToFileURL(join(root, "tooling/postgres-cluster/index.js")).href);
  const cluster = await startPostgresCluster();
  log(`PostgreSQL for the tests at ${cluster.url}`);
  process.env.CANOPY_TEST_DATABASE_URL = cluster.url;
  return cluster;
}

let current; // the stage running now, for passing on SIGINT/SIGTERM
let interrupted;

/** Runs a stage without blocking this process, so a signal to it is handled mid-stage. */
function runStage(cmd, args, env) {
  return new Promise((resolvePromise) => {
    current = spawn(cmd, args, { cwd: root, stdio: "inherit", env });
    current.once("error", (error) => resolvePromise({ ok: false, error }));
    current.once("exit", (code) => resolvePromise({ ok: code === 0 }));
  }).finally(() => (current = undefined));
}

async function test() {
  ensureSystemTools();
  const pnpm = setup();
  clearReports();
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.on(signal, () => {
      interrupted ??= signal;
      current?.kill(signal === "SIGHUP" ? "SIGTERM" : signal);
    });
  }
  let cluster;
  try {
    cluster = await startTestDatabase();
  } catch (error) {
    log(`starting PostgreSQL for the tests failed: ${error.message}`);
    process.exit(1);
  }
  const unit = ["exec", "turbo", "run", "test", "--filter=./packages/*", "--filter=./apps/*", "--filter=./tooling/*", "--concurrency=2"];
  const e2e = ["--filter", "@canopy/test-e2e", "test"];
  // The LTS environment, or why there is none: fetched once, by the first stage that needs it.
  let lts;
  const onLts = () => {
    if (!lts) {
      try {
        lts = { env: ltsNodeEnv({ root, pnpm, log }) };
      } catch (error) {
        lts = { error: new Error(`no Node ${LTS_MAJOR} to run on: ${error.message}`) };
      }
    }
    if (lts.error) throw lts.error;
    return lts.env;
  };
  const stages = [
    ["lint and typecheck", ["exec", "turbo", "run", "lint", "typecheck", "--output-logs=errors-only"]],
    ["unit tests", unit],
    ["end-to-end tests", e2e],
    // The same scenarios, every hub on its own database in the cluster above.
    ["end-to-end tests on PostgreSQL", ["--filter", "@canopy/test-e2e", "test:postgres"]],
    // The fault and attack suite at its normal size; `npm run test:resilience:long` runs it larger.
    ["resilience tests", ["--filter", "@canopy/test-resilience", "test"]],
    // A SIGKILL mid-push again with the hub on PostgreSQL: what was shown settled stays settled.
    ["resilience R1 on PostgreSQL", ["--filter", "@canopy/test-resilience", "test:postgres"]],
    // The scale suite (`npm run bench`) at ~200 agents, every scenario: correctness, not speed, so it cannot rot.
    ["benchmark smoke run", ["--filter", "@canopy/test-bench", "test"]],
    ["browser tests", ["--filter", "@canopy/test-browser", "test"]],
    // Users deploy the current LTS: the unit and e2e suites again on it, reusing the builds above.
    [`unit tests on Node ${LTS_MAJOR}`, unit, onLts],
    [`end-to-end tests on Node ${LTS_MAJOR}`, e2e, onLts],
  ];
  const failedStages = [];
  const total = { passed: 0, failed: 0, skipped: 0 };
  const failures = [];
  try {
    for (const [name, args, envFor] of stages) {
      if (interrupted) break;
      log(`${name}`);
      let env = process.env;
      try {
        env = envFor ? envFor() : env;
      } catch (error) {
        log(`${name}: ${error.message}`);
        failedStages.push(name);
        continue;
      }
      if (!(await runStage(pnpm, args, env)).ok) failedStages.push(name);
      // Stages rerun the same suites: add each one's reports up before the next overwrites them.
      const counts = countResults(name);
      clearReports();
      for (const key of Object.keys(total)) total[key] += counts[key];
      failures.push(...counts.failures);
    }
  } finally {
    if (cluster) {
      await cluster.stop().catch((error) => log(`stopping PostgreSQL failed: ${error.message}`));
    }
  }
  if (interrupted) {
    log(`stopped by ${interrupted}`);
    process.exit(interrupted === "SIGINT" ? 130 : 143);
  }
  const { passed, failed, skipped } = total;
  if (failures.length > 0) {
    const shown = failures.slice(0, 20);
    log(`failed tests (${failures.length}):\n  ${shown.join("\n  ")}${failures.length > shown.length ? `\n  … and ${failures.length - shown.length} more` : ""}`);
  }
  if (failedStages.length > 0) log(`failed: ${failedStages.join(", ")}`);
  // The plain closing line CI reads.
  process.stdout.write(`\ntests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}\n`);
  process.exit(failedStages.length > 0 || failed > 0 ? 1 : 0);
}

function start() {
  setup();
  // The demo itself, not through pnpm, and not with spawnSync: a SIGINT/SIGTERM sent to this
  // process alone (a script or supervisor stopping `npm start`, not a terminal's Ctrl-C that
  // reaches the whole group) is passed on, so the hub and agents stop cleanly, never orphaned.
  const child = spawn(process.execPath, ["dist/main.js"], { cwd: join(root, "tooling/demo"), stdio: "inherit" });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal === "SIGHUP" ? "SIGTERM" : signal));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

function bench() {
  const pnpm = setup();
  const result = run(pnpm, ["--filter", "@canopy/test-bench", "bench", ...process.argv.slice(3)]);
  process.exit(result.status);
}

const command = process.argv[2];
if (command === "start") start();
else if (command === "test") await test();
else if (command === "bench") bench();
else {
  process.stderr.write("usage: node tooling/scripts/canopy.mjs start|test|bench\n");
  process.exit(2);
}
