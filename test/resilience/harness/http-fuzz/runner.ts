import { Agent, request } from "node:http";
import type { Socket } from "node:net";
import type { Violations } from "../violations.js";
import { preview } from "../violations.js";
import { draw, seedFor } from "../ws-fuzz/scripts.js";
import type { Operation } from "./openapi.js";
import { edgeRequests, requestFor, type FuzzRequest, type Role } from "./requests.js";

export interface HttpFuzzStats {
  requests: number;
  byRole: Partial<Record<Role, number>>;
  statuses: Record<number, number>;
  /** `METHOD /path` of every operation exercised. */
  operations: Set<string>;
  bytesSent: number;
}

export const emptyHttpStats = (): HttpFuzzStats => ({ requests: 0, byRole: {}, statuses: {}, operations: new Set(), bytesSent: 0 });

export interface HttpFuzzOptions {
  hubUrl: string;
  operations: Operation[];
  /** Ids of resources the fuzzer may hit (and damage): never the healthy tenant's. */
  ids: string[];
  /** Bearer API keys per role; anonymous sends none. */
  keys: Record<Exclude<Role, "anonymous">, string>;
  total: number;
  concurrency: number;
  seed: number;
  stats: HttpFuzzStats;
  violations: Violations;
}

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

/** The last request each pooled socket carried: when a socket dies, the request before is the suspect. */
const lastOnSocket = new WeakMap<Socket, string>();

/** Raw node:http, so malformed paths reach the hub as they are (fetch's URL would normalise them). */
function send(hubUrl: string, agent: Agent, req: FuzzRequest, keys: HttpFuzzOptions["keys"]): Promise<Answer> {
  const { hostname, port } = new URL(hubUrl);
  const headers: Record<string, string> = {};
  if (req.role !== "anonymous") headers.authorization = `Bearer ${keys[req.role]}`;
  if (req.contentType) headers["content-type"] = req.contentType;
  // Always framed: a body without a length on a DELETE is not HTTP at all (Node would send it
  // unframed and the server's parser answer 400 before the hub ever sees it).
  if (req.body !== undefined) headers["content-length"] = String(Buffer.byteLength(req.body));
  return new Promise((resolve, reject) => {
    const r = request({ host: hostname, port, method: req.method, path: `/api/v1${req.target}`, headers, agent, timeout: 60_000 }, (res) => {
      const contentType = String(res.headers["content-type"] ?? "");
      // A live feed never ends: its headers are the answer.
      if (contentType.startsWith("text/event-stream")) {
        res.destroy();
        resolve({ status: res.statusCode ?? 0, contentType, body: "" });
        return;
      }
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, contentType, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    r.on("timeout", () => r.destroy(new Error("no answer within 60 s")));
    let before = "none";
    r.on("socket", (socket: Socket) => {
      before = lastOnSocket.get(socket) ?? "none (a new socket)";
      lastOnSocket.set(socket, req.label);
    });
    r.on("error", (error) => reject(new Error(`${error.message}; the socket's previous request: ${before}`)));
    r.end(req.body);
  });
}

/** The contract for every answer: never a 5xx; every 4xx a problem+json with a `code` and the same status. */
function judge(req: FuzzRequest, op: Operation, answer: Answer, violations: Violations): void {
  const where = `${op.method} ${op.path}`;
  const example = `${req.label} ${req.target.slice(0, 120)} ${req.body === undefined ? "" : preview(req.body, 80)} → ${answer.status} ${answer.body.slice(0, 160)}`;
  if (answer.status >= 500) {
    violations.add(`${where}: answered ${answer.status}`, example, (req.body?.length ?? 0) + req.target.length);
    return;
  }
  if (answer.status < 400) return;
  let problem: { code?: unknown; status?: unknown } | undefined;
  try {
    problem = JSON.parse(answer.body) as typeof problem;
  } catch {
    problem = undefined;
  }
  if (!answer.contentType.startsWith("application/problem+json") || typeof problem?.code !== "string" || problem.status !== answer.status) {
    violations.add(`${where}: ${answer.status} without a problem+json code`, example, (req.body?.length ?? 0) + req.target.length);
  }
}

/** Sends `total` generated requests, every operation in turn, `concurrency` at a time. */
export async function runHttpFuzz(o: HttpFuzzOptions): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: o.concurrency });
  const arbitraries = o.operations.map((op) => requestFor(op, o.ids));
  const one = async (op: Operation, req: FuzzRequest) => {
    o.stats.requests++;
    o.stats.byRole[req.role] = (o.stats.byRole[req.role] ?? 0) + 1;
    o.stats.operations.add(`${op.method} ${op.path}`);
    o.stats.bytesSent += req.body?.length ?? 0;
    try {
      const answer = await send(o.hubUrl, agent, req, o.keys);
      o.stats.statuses[answer.status] = (o.stats.statuses[answer.status] ?? 0) + 1;
      judge(req, op, answer, o.violations);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const [reason, previous] = message.split("; the socket's previous request: ");
      o.violations.add(`${op.method} ${op.path}: no answer (${reason})`, `${req.label} ${req.target.slice(0, 160)} (${req.target.length} chars); the socket's previous request: ${previous ?? "?"}`, req.body?.length ?? 0, 600);
    }
  };
  let next = 0;
  const lane = async () => {
    for (let n = next++; n < o.total; n = next++) {
      const index = n % o.operations.length;
      await one(o.operations[index]!, draw(arbitraries[index]!, seedFor(o.seed, n))[0]!);
    }
  };
  try {
    for (const { op, req } of edgeRequests(o.operations)) await one(op, req);
    await Promise.all(Array.from({ length: o.concurrency }, lane));
  } finally {
    agent.destroy();
  }
}
