// `node dist/cpu-profile-summary.js FILE.cpuprofile [--top N]`: where a process spent its CPU, from
// the profile `node --cpu-prof` writes (the bench hub's with `--hub-cpu-prof DIR`). Self time by
// area (a package, a module of ours, a part of Node) and by function, as a share of busy time
// (idle left out), so profiles taken before and after a change compare at a glance.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

interface CallFrame { functionName: string; url: string; lineNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[] }
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

const SPECIAL: Record<string, string> = { "(idle)": "idle", "(garbage collector)": "gc", "(program)": "program", "(root)": "program" };

/** The area a frame belongs to: `ws`, `hub/gateway`, `store/partition-file`, `node:fs`… */
export function areaOf(url: string): string {
  if (url.startsWith("node:")) {
    const parts = url.slice(5).split("/");
    return `node:${parts[0] === "internal" ? (parts[1] ?? "internal") : parts[0]}`;
  }
  const ours = /\/(?:apps|packages|tooling)\/([^/]+)\/(?:dist|src)\/(?:([^/]+)\/)?([^/]+?)\.[jt]s$/.exec(url);
  if (ours && !url.includes("node_modules")) return `${ours[1]}/${ours[2] ?? ours[3]}`;
  const dep = /node_modules\/(?!\.pnpm\/)((?:@[^/]+\/)?[^/]+)/.exec(url.slice(url.lastIndexOf("node_modules/.pnpm/") + 1));
  if (dep) return dep[1]!;
  return url.slice(-40);
}

export interface ProfileSummary {
  busyUs: number;
  totalUs: number;
  areas: [string, number][];
  functions: [string, number][];
}

/**
 * Native frames (no url: `writev`, `fsync`, `sign`) count in the area of the JavaScript that
 * called them, so the store's fsyncs show as the store's cost, not as "native".
 */
export function summarize(profile: CpuProfile): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const areaOfNode = (id: number): string => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!.callFrame;
      if (at === id && SPECIAL[frame.functionName]) return SPECIAL[frame.functionName]!;
      if (frame.url) return areaOf(frame.url);
    }
    return "native";
  };
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    totalUs += us;
    const area = areaOfNode(id);
    areas.set(area, (areas.get(area) ?? 0) + us);
    if (area === "idle") continue;
    const frame = byId.get(id)!.callFrame;
    const where = frame.url ? ` ${frame.url.split("/").slice(-2).join("/")}:${frame.lineNumber + 1}` : ` (in ${area})`;
    const key = `${frame.functionName || "(anonymous)"}${where}`;
    functions.set(key, (functions.get(key) ?? 0) + us);
  }
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return { totalUs, busyUs: totalUs - (areas.get("idle") ?? 0), areas: sorted(areas).filter(([a]) => a !== "idle"), functions: sorted(functions) };
}

export function formatSummary(summary: ProfileSummary, top: number): string {
  const line = ([name, us]: [string, number]) => `${((100 * us) / summary.busyUs).toFixed(1).padStart(5)} %  ${(us / 1e6).toFixed(2).padStart(7)} s  ${name}`;
  return [
    `profiled ${(summary.totalUs / 1e6).toFixed(1)} s, busy ${(summary.busyUs / 1e6).toFixed(1)} s`,
    "by area (share of busy time):",
    ...summary.areas.slice(0, top).map(line),
    "by function:",
    ...summary.functions.slice(0, top).map(line),
  ].join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: "string", default: "15" } } });
  if (positionals.length === 0) {
    console.error("usage: cpu-profile-summary FILE.cpuprofile… [--top N]");
    process.exit(2);
  }
  for (const file of positionals) console.log(`${file}\n${formatSummary(summarize(JSON.parse(readFileSync(file, "utf8")) as CpuProfile), Number(values.top))}\n`);
}
