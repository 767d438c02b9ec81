import { randomBytes } from "node:crypto";
import type { Insight, InsightComment } from "@canopy/protocol";
import { BUILTIN_DETECTIONS } from "./demo-detections.js";
import { createRandom, seedTag, type Random } from "./demo-random.js";
import { attackFromTags, findSigmaDir, listRuleFiles, sampleSigmaRules, severityFromLevel, type Detection } from "./sigma-rules.js";

export interface DemoInsightOptions {
  count: number;
  /** Same seed (and `now`), same insights, ids included; default: a random one. */
  seed?: string;
  now?: Date;
  /** A folder of Sigma rules; default `../shared/data/sigma` when present; null: the built-in detections. */
  sigmaDir?: string | null;
  /** Found just now (the last few minutes), still `new`: a live feed rather than a history. */
  recent?: boolean;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const MINUTE_MS = 60 * 1000;

const ANALYSTS = ["alex.morgan@mssp.example", "priya.shah@mssp.example", "sam.keller@mssp.example", "li.wei@mssp.example", "jonas.berg@mssp.example"];
const WINDOWS_HOSTS = ["WS-FIN-042", "WS-FIN-017", "WS-HR-008", "WS-SALES-113", "WS-ENG-071", "LT-EXEC-003", "srv-dc01", "srv-dc02", "srv-sql02", "srv-fs01", "srv-exch01", "srv-web03"];
const LINUX_HOSTS = ["web-prod-04", "web-prod-05", "db-prod-02", "k8s-node-11", "bastion-01", "ci-runner-03"];
const MAC_HOSTS = ["MBP-DESIGN-12", "MBP-EXEC-02", "MBP-ENG-31"];
const WINDOWS_USERS = ["j.doe", "a.smith", "m.garcia", "k.nguyen", "r.patel", "l.martin", "svc-backup", "svc-sql", "administrator"];
const LINUX_USERS = ["root", "www-data", "deploy", "ubuntu", "postgres"];
const CLOUD_USERS = ["j.doe@contoso.com", "a.smith@contoso.com", "m.garcia@contoso.com", "it-admin@contoso.com", "svc-sync@contoso.com"];
const CLOUD_PRODUCTS = new Set(["azure", "aws", "gcp", "m365", "okta", "onelogin", "google_workspace", "github", "cisco", "bitbucket"]);

const ON_CLOSE = [
  "False positive: scheduled maintenance job run by IT. Added to the tuning backlog.",
  "Confirmed benign: the admin tool is approved for this team.",
  "Contained: host isolated, credentials of the user reset, no lateral movement found.",
  "Duplicate of an earlier alert on the same host; closing.",
];
const ON_PROGRESS = [
  "Investigating: pulled the process tree from EDR.",
  "Asked the customer's IT whether this change was planned.",
  "Checking other hosts for the same command line.",
];

const internalIp = (random: Random) => `10.${random.int(0, 40)}.${random.int(0, 254)}.${random.int(2, 254)}`;
const publicIp = (random: Random) => `${random.pick([45, 77, 91, 103, 141, 185, 193, 203])}.${random.int(0, 255)}.${random.int(0, 255)}.${random.int(1, 254)}`;
/** A value from a rule's detection made concrete: no wildcards, not too long. */
const concrete = (value: string) => value.replace(/^\*+|\*+$/g, "").trim().slice(0, 512);

function family(rule: Detection): "windows" | "linux" | "macos" | "cloud" {
  const product = rule.product?.toLowerCase() ?? "";
  if (product === "linux") return "linux";
  if (product === "macos") return "macos";
  if (CLOUD_PRODUCTS.has(product)) return "cloud";
  return "windows";
}

function imagePath(value: string | undefined, kind: ReturnType<typeof family>): string {
  const name = value ? concrete(value) : "";
  if (kind === "linux" || kind === "macos") return name.startsWith("/") ? name : `/usr/bin/${name.replace(/^[\\/]+/, "") || "bash"}`;
  if (/^[A-Za-z]:\\/.test(name)) return name;
  return `C:\\Windows\\System32\\${name.replace(/^[\\/]+/, "") || "cmd.exe"}`;
}

/** Detail fields an analyst would look at, shaped by what the rule watches. */
function detailFields(rule: Detection, random: Random, kind: ReturnType<typeof family>, user: string | null): Insight["fields"] {
  const hint = (field: string) => {
    const values = rule.hints[field];
    return values && values.length > 0 ? concrete(random.pick(values)) : undefined;
  };
  const fields: Insight["fields"] = { logsource: [rule.product, rule.category ?? rule.service].filter(Boolean).join("/") || "unknown" };
  const category = rule.category ?? "";
  if (category === "process_creation" || category === "image_load" || rule.hints.image || rule.hints.commandline) {
    const process = imagePath(hint("image") ?? hint("originalfilename"), kind);
    const args = hint("commandline");
    fields.process = process;
    fields.commandLine = args ? `${process.includes(" ") ? `"${process}"` : process}${args.startsWith(" ") ? args : ` ${args}`}` : process;
    fields.parentProcess = imagePath(hint("parentimage") ?? (kind === "windows" ? random.pick(["explorer.exe", "cmd.exe", "services.exe", "WmiPrvSE.exe"]) : "sshd"), kind);
    fields.processId = random.int(400, 65_000);
  }
  if (category === "image_load" || rule.hints.imageloaded) fields.imageLoaded = imagePath(hint("imageloaded"), kind);
  if (category.startsWith("network") || category === "firewall" || rule.hints.destinationport || rule.hints.destinationip) {
    fields.sourceIp = internalIp(random);
    fields.destinationIp = hint("destinationip") ?? publicIp(random);
    fields.destinationPort = Number(hint("destinationport") ?? random.pick(["443", "80", "8443", "4444"])) || 443;
  }
  if (category === "dns_query" || rule.hints.queryname) fields.query = hint("queryname") ?? "update-check.example.net";
  if (category.startsWith("registry")) fields.registryKey = hint("targetobject") ?? "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run";
  if (category.startsWith("file")) fields.targetFilename = hint("targetfilename") ?? "C:\\Users\\Public\\Documents\\invoice.pdf.exe";
  if (kind === "cloud" || rule.service === "security" || rule.hints.eventid) {
    fields.sourceIp ??= publicIp(random);
    if (rule.hints.eventid) fields.eventId = Number(hint("eventid")) || hint("eventid") || null;
  }
  if (user) fields.user = user;
  fields.eventCount = random.chance(0.7) ? 1 : random.int(2, 40);
  return fields;
}

/** The rules to draw from: a sample of the Sigma rules when there are any, else the built-in list. */
async function detectionPool(options: DemoInsightOptions, random: Random): Promise<Detection[]> {
  const dir = options.sigmaDir === null ? null : await findSigmaDir(options.sigmaDir);
  if (dir) {
    const files = await listRuleFiles(dir);
    const want = Math.min(files.length, Math.max(8, Math.min(options.count, 48)));
    const rules = await sampleSigmaRules(files, want, (length) => Math.floor(random.next() * length));
    if (rules.length > 0) return rules;
  }
  return BUILTIN_DETECTIONS;
}

/**
 * Realistic insights for demos and tests, from real Sigma rules: the rule's level becomes the
 * severity, its ATT&CK tags the tactics and techniques, its title and id the rule; plausible hosts
 * and users; created over the past 30 days (more of them recently); mostly `new`, some in
 * progress or closed (older ones more often), some assigned and commented. `source: "demo"`.
 * Returned with revision 0: the agent stamps revision and updatedAt when it stores them.
 */
export async function generateDemoInsights(options: DemoInsightOptions): Promise<Insight[]> {
  if (!Number.isInteger(options.count) || options.count < 0) throw new RangeError("count must be a whole number ≥ 0");
  const seed = options.seed ?? randomBytes(8).toString("hex");
  const random = createRandom(seed);
  const now = options.now ?? new Date();
  const tag = seedTag(seed);
  const pool = await detectionPool(options, random);
  const insights: Insight[] = [];
  for (let n = 1; n <= options.count; n++) insights.push(oneInsight(`demo-${tag}-${String(n).padStart(5, "0")}`, random.pickSkewed(pool), random, now, options.recent ?? false));
  return insights;
}

function oneInsight(id: string, rule: Detection, random: Random, now: Date, recent: boolean): Insight {
  const kind = family(rule);
  const hosts = kind === "cloud" ? [] : [random.pick(kind === "linux" ? LINUX_HOSTS : kind === "macos" ? MAC_HOSTS : WINDOWS_HOSTS)];
  const userPool = kind === "cloud" ? CLOUD_USERS : kind === "windows" ? WINDOWS_USERS : LINUX_USERS;
  const users = random.chance(0.85) ? [random.pick(userPool)] : [];
  // u² leans towards 0: most insights are from the last few days, a tail goes back 30.
  const ageMs = recent ? random.int(0, 5 * MINUTE_MS) : Math.floor(30 * DAY_MS * random.next() ** 2);
  const createdAt = new Date(now.getTime() - ageMs);
  const roll = random.next();
  const closedShare = recent ? 0 : 0.08 + 0.5 * (ageMs / (30 * DAY_MS));
  const status: Insight["status"] = roll < closedShare ? "closed" : roll < closedShare + (recent ? 0 : 0.2) ? "in_progress" : "new";
  const closedAt =
    status === "closed" ? new Date(Math.min(now.getTime(), createdAt.getTime() + random.int(15 * MINUTE_MS, Math.max(15 * MINUTE_MS, Math.min(ageMs, 3 * DAY_MS))))) : null;
  const assignee = status === "in_progress" || (status === "closed" && random.chance(0.85)) || random.chance(0.08) ? random.pick(ANALYSTS) : null;
  const comments: InsightComment[] = [];
  if (assignee && status !== "new" && random.chance(status === "closed" ? 0.6 : 0.4)) {
    const until = closedAt ?? now;
    comments.push({
      id: `${id}-c1`,
      author: assignee,
      body: random.pick(status === "closed" ? ON_CLOSE : ON_PROGRESS),
      at: new Date(createdAt.getTime() + Math.floor(random.next() * (until.getTime() - createdAt.getTime()))),
    });
  }
  const { tactics, techniques } = attackFromTags(rule.tags);
  return {
    id,
    title: rule.title.slice(0, 512),
    description: rule.description.slice(0, 16_384),
    severity: severityFromLevel(rule.level),
    status,
    createdAt,
    updatedAt: closedAt ?? comments[0]?.at ?? createdAt,
    closedAt,
    ruleId: rule.id?.slice(0, 256) ?? null,
    ruleName: rule.title.slice(0, 512),
    tactics: tactics.slice(0, 32),
    techniques: techniques.slice(0, 32),
    hosts,
    users,
    assignee,
    comments,
    fields: detailFields(rule, random, kind, users[0] ?? null),
    source: "demo",
    revision: 0,
  };
}
