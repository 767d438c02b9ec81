// `npm start`: one hub and three demo agents, all real. Thin entry: read env, start, print, wait.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync } from "node:fs";
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readAgentStatus } from "@canopy/agent";
import { createHub } from "@canopy/hub";
import { sharedDataDir } from "@canopy/shared-data";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const agentBin = join(repoRoot, "apps/agent/bin/canopy-agent");
const demoDir = join(repoRoot, ".canopy/demo");
const TENANTS = [
  { name: "Acme Corp", tags: ["finance", "eu"], description: "Demo tenant: retail banking" },
  { name: "Globex", tags: ["manufacturing", "us"], description: "Demo tenant: industrial OT" },
  { name: "Initech", tags: ["saas", "us"], description: "Demo tenant: software company" },
];

async function adminPassword(): Promise<string> {
  if (process.env.CANOPY_ADMIN_PASSWORD) return process.env.CANOPY_ADMIN_PASSWORD;
  const file = join(demoDir, "admin-password");
  if (existsSync(file)) return (await readFile(file, "utf8")).trim();
  const password = randomBytes(12).toString("base64url");
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

async function api<T>(base: string, cookie: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(new URL(`/api/v1${path}`, base), {
    method,
    headers: { cookie, origin: base, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

function run(args: string[], logFile?: string): ChildProcess {
  const child = spawn(process.execPath, [agentBin, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  if (logFile) {
    const log = createWriteStream(logFile, { flags: "a" });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
  }
  return child;
}

async function pairWithCli(hubUrl: string, code: string, dataDir: string): Promise<void> {
  const child = run(["pair", "--hub", hubUrl, "--code", code, "--data-dir", dataDir, "--force"]);
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  const exitCode = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (exitCode !== 0) throw new Error(`canopy-agent pair failed: ${stderr.trim()}`);
}

/**
 * On a first start, fills the catalogue with real content from `../shared/data` when it is there
 * (the CACAO example playbooks and a slice of the Sigma rules), so the Content pages are not empty.
 */
async function seedContent(base: string, cookie: string): Promise<string> {
  let shared: string;
  try {
    shared = sharedDataDir();
  } catch {
    return "no ../shared/data beside the checkout: content catalogue left empty";
  }
  const existing = await api<{ items: unknown[] }>(base, cookie, "GET", "/content/siem-rules?limit=1");
  if (existing.items.length > 0) return "content catalogue kept from the last start";
  const files: { name: string; text: string }[] = [];
  const examples = join(shared, "cacao", "examples");
  for (const name of (await readdir(examples)).sort()) if (name.endsWith(".json")) files.push({ name, text: await readFile(join(examples, name), "utf8") });
  const rules = join(shared, "sigma", "rules", "windows", "process_creation");
  if (existsSync(rules)) {
    for (const name of (await readdir(rules)).sort().slice(0, 60)) files.push({ name, text: await readFile(join(rules, name), "utf8") });
  }
  const result = await api<{ created: unknown[]; refused: unknown[] }>(base, cookie, "POST", "/content/import", { files });
  return `imported ${result.created.length} playbooks and Sigma rules from ../shared/data (${result.refused.length} refused)`;
}

function runToEnd(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = run(args);
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => (stdout += d));
  child.stderr!.on("data", (d) => (stderr += d));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, stdout, stderr })));
}

async function waitOnline(dataDir: string, timeoutMs = 20_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await readAgentStatus({ dataDir })).state === "online") return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

function sigmaArgs(): string[] {
  try {
    return ["--sigma-dir", join(sharedDataDir(), "sigma")];
  } catch {
    return [];
  }
}

/**
 * On a first start, each demo agent generates realistic insights from the real Sigma rules
 * (through its running agent, which delivers them to the hub like any SIEM finding would).
 */
async function seedInsights(dataDirs: string[]): Promise<string> {
  let made = 0;
  for (const [index, dataDir] of dataDirs.entries()) {
    if (!(await waitOnline(dataDir))) return "an agent did not come online; insights not generated";
    const held = await runToEnd(["insights", "list", "--json", "--data-dir", dataDir]);
    if (held.code === 0 && (JSON.parse(held.stdout) as unknown[]).length > 0) continue;
    const count = [160, 110, 70][index % 3]!;
    const made1 = await runToEnd(["insights", "generate", "--count", String(count), "--seed", `demo-${index}`, "--data-dir", dataDir, ...sigmaArgs()]);
    if (made1.code !== 0) return `insights not generated: ${made1.stderr.trim()}`;
    made += count;
  }
  return made === 0 ? "insights kept from the last start" : `generated ${made} insights from Sigma rules across the demo tenants`;
}

/** Now and then a demo tenant finds something new, so the Insights pages stay alive. */
function trickleInsights(dataDirs: string[]): NodeJS.Timeout {
  const timer = setInterval(() => {
    const dataDir = dataDirs[Math.floor(Math.random() * dataDirs.length)]!;
    void runToEnd(["insights", "generate", "--count", "1", "--recent", "--data-dir", dataDir, ...sigmaArgs()]);
  }, 45_000);
  timer.unref();
  return timer;
}

async function main(): Promise<void> {
  await mkdir(join(demoDir, "agents"), { recursive: true });
  const email = process.env.CANOPY_ADMIN_EMAIL ?? "admin@canopy.local";
  const password = await adminPassword();
  const hub = await createHub({ dataDir: join(demoDir, "hub"), adminEmail: email, adminPassword: password });
  const port = Number(process.env.CANOPY_PORT ?? 8080);
  const host = process.env.CANOPY_HOST ?? "127.0.0.1";
  let listening;
  try {
    listening = await hub.listen({ port, host });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE" || process.env.CANOPY_PORT) throw error;
    console.error(`port ${port} is taken; picking a free one`);
    listening = await hub.listen({ port: 0, host });
  }
  const url = listening.url;

  const login = await fetch(new URL("/api/v1/auth/login", url), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  if (!login.ok) throw new Error(`demo login failed (HTTP ${login.status}); was the hub data made with another password?`);
  const cookie = (login.headers.getSetCookie()[0] ?? "").split(";")[0]!;

  type Tenant = { id: string; name: string; status: string };
  const existing = (await api<{ items: Tenant[] }>(url, cookie, "GET", "/tenants?limit=100")).items;
  const agents: ChildProcess[] = [];
  const dataDirs: string[] = [];
  for (const spec of TENANTS) {
    const tenant = existing.find((t) => t.name === spec.name) ?? (await api<Tenant>(url, cookie, "POST", "/tenants", spec));
    const slug = spec.name.toLowerCase().replace(/\W+/g, "-");
    const dataDir = join(demoDir, "agents", slug);
    const local = await readAgentStatus({ dataDir });
    if (tenant.status === "unpaired" || !local.paired || local.tenantId !== tenant.id || local.hubUrl !== url) {
      const { code } = await api<{ code: string }>(url, cookie, "POST", `/tenants/${tenant.id}/pairing-codes`, {});
      await pairWithCli(url, code, dataDir);
    }
    agents.push(run(["run", "--data-dir", dataDir], join(demoDir, "agents", `${slug}.log`)));
    dataDirs.push(dataDir);
  }

  const seeded = await seedContent(url, cookie).catch((error: unknown) => `content not seeded: ${error instanceof Error ? error.message : String(error)}`);

  const insights = await seedInsights(dataDirs).catch((error: unknown) => `insights not generated: ${error instanceof Error ? error.message : String(error)}`);
  const trickle = trickleInsights(dataDirs);

  console.log("");
  console.log(`  Canopy is running at ${url}`);
  console.log(`  login: ${email} / ${password}`);
  console.log(`  demo tenants: ${TENANTS.map((t) => t.name).join(", ")} (agents paired with canopy-agent)`);
  console.log(`  content: ${seeded}`);
  console.log(`  insights: ${insights}`);
  console.log(`  data: ${demoDir}   stop: Ctrl-C`);
  console.log("");

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    clearInterval(trickle);
    for (const child of agents) child.kill("SIGTERM");
    await Promise.all(agents.map((c) => (c.exitCode === null ? new Promise((r) => c.once("exit", r)) : null)));
    await hub.close();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(`canopy demo: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
