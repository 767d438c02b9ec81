import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { AGENT_PAIR_PATH, generateKeyPair, PairRequest } from "@canopy/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sourceInsight, storeInsights } from "../../test/insights.js";
import { tempDataDir } from "../../test/seed.js";
import { AgentCliError } from "../core/errors.js";
import { pairAgent } from "./pair.js";
import { readAgentStatus } from "../cli/status.js";

type Answer = (request: IncomingMessage, body: string, response: ServerResponse) => void;

const problem =
  (status: number, code: string, detail: string): Answer =>
  (_request, _body, response) => {
    response.writeHead(status, { "content-type": "application/problem+json" });
    response.end(JSON.stringify({ type: "about:blank", title: "Pairing failed", status, detail, code }));
  };

const hubKey = generateKeyPair().publicKey;
const accept: Answer = (_request, _body, response) => {
  response.writeHead(201, { "content-type": "application/json" });
  response.end(JSON.stringify({ agentId: "ag_agent0001", tenantId: "tn_tenant0001", tenantName: "Acme Corp", hubPublicKey: hubKey }));
};

describe("pairAgent", () => {
  let server: Server;
  let hubUrl: string;
  let answer: Answer;
  let requests: { path: string | undefined; body: string }[];
  let dataDir: string;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    requests = [];
    answer = accept;
    server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        requests.push({ path: request.url, body });
        answer(request, body, response);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    hubUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    ({ dir: dataDir, cleanup } = await tempDataDir());
  });

  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
    await cleanup();
  });

  const pair = (overrides: Partial<Parameters<typeof pairAgent>[0]> = {}) =>
    pairAgent({ hubUrl, code: "abcd-efgh", dataDir: join(dataDir, "agent"), ...overrides });
  const failure = (promise: Promise<unknown>) => promise.then(() => expect.fail("pairing should have failed"), (e: AgentCliError) => e);

  it("sends a valid PairRequest with the normalised code and stores the credentials and a 0600 key", async () => {
    const result = await pair({ code: " abcd efgh ", hubUrl: `${hubUrl}/` });
    expect(requests).toHaveLength(1);
    expect(requests[0]!.path).toBe(AGENT_PAIR_PATH);
    const sent = PairRequest.parse(JSON.parse(requests[0]!.body));
    expect(sent.code).toBe("ABCDEFGH");
    expect(result).toMatchObject({ agentId: "ag_agent0001", tenantName: "Acme Corp", hubUrl, hubPublicKey: hubKey });

    const dir = join(dataDir, "agent");
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, "agent-key.pem"))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(dir, "agent-key.pem"), "utf8")).toMatch(/^-----BEGIN PRIVATE KEY-----/);

    const status = await readAgentStatus({ dataDir: dir });
    expect(status).toMatchObject({ paired: true, agentId: "ag_agent0001", tenantName: "Acme Corp", hubUrl, connected: false });
    expect(status.keyFingerprint).toBe(result.keyFingerprint);
    expect(status.keyFingerprint).toMatch(/^([0-9a-f]{4}:){7}[0-9a-f]{4}$/);
  });

  it.each([
    ["pairing_code_expired", 410, "pairing code has expired"],
    ["pairing_code_used", 409, "pairing code was already used"],
    ["pairing_code_invalid", 404, "pairing code is not valid"],
    ["rate_limited", 429, "too many attempts, try again later"],
  ])("reports the hub's %s refusal in its own words, and stores nothing", async (code, status, detail) => {
    answer = problem(status, code, detail);
    const error = await failure(pair());
    expect(error).toBeInstanceOf(AgentCliError);
    expect(error.message).toBe(detail);
    expect(error.pairErrorCode).toBe(code);
    expect((await readAgentStatus({ dataDir: join(dataDir, "agent") })).paired).toBe(false);
  });

  it("keeps a multi-line detail to one line", async () => {
    answer = problem(400, "invalid_request", "code is required\nat body.code");
    expect((await failure(pair())).message).toBe("code is required");
  });

  it("says what happened when something that is not a hub answers", async () => {
    answer = (_q, _b, response) => {
      response.writeHead(502, { "content-type": "text/html" });
      response.end("<html>Bad Gateway</html>");
    };
    expect((await failure(pair())).message).toBe(`the hub at ${hubUrl} refused the pairing (HTTP 502)`);
    answer = (_q, _b, response) => response.writeHead(404).end();
    expect((await failure(pair())).message).toMatch(/does not answer agent pairing \(HTTP 404\); is this the hub's address\?/);
  });

  it("refuses an answer that is not a PairResponse", async () => {
    answer = (_q, _b, response) => response.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ agentId: "x" }));
    const error = await failure(pair());
    expect(error.code).toBe("invalid_response");
    expect((await readAgentStatus({ dataDir: join(dataDir, "agent") })).paired).toBe(false);
  });

  it("reports an unreachable hub with the reason", async () => {
    await new Promise((resolve) => server.close(resolve));
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve)); // for afterEach
    const error = await failure(pair());
    expect(error.code).toBe("hub_unreachable");
    expect(error.message).toBe(`hub unreachable at ${hubUrl} (ECONNREFUSED)`);
  });

  it("refuses a malformed code locally, without asking the hub", async () => {
    for (const code of ["ABC", "ABCD-EFGH-IJ", "ABCD-EFG!"]) {
      const error = await failure(pair({ code }));
      expect(error.code).toBe("invalid_code");
      expect(error.message).toBe("that is not a pairing code: expected 8 letters and digits like ABCD-EFGH");
    }
    expect(requests).toHaveLength(0);
  });

  it("refuses a hub URL that is not http(s)", async () => {
    const error = await failure(pair({ hubUrl: "ftp://hub.example.com" }));
    expect(error.code).toBe("invalid_hub_url");
    expect(requests).toHaveLength(0);
  });

  it("refuses to pair twice unless forced", async () => {
    await pair();
    const error = await failure(pair());
    expect(error.code).toBe("already_paired");
    expect(error.message).toBe("already paired with tenant Acme Corp; run canopy-agent unpair first");
    expect(requests).toHaveLength(1);

    const before = await readAgentStatus({ dataDir: join(dataDir, "agent") });
    await pair({ force: true });
    const after = await readAgentStatus({ dataDir: join(dataDir, "agent") });
    expect(after.paired).toBe(true);
    expect(after.keyFingerprint).not.toBe(before.keyFingerprint); // a new key for the new pairing
  });

  it("queues every insight it already holds for the newly paired hub", async () => {
    const dir = join(dataDir, "agent");
    await storeInsights(dir, [sourceInsight("held-1"), sourceInsight("held-2")]);
    const outbox = async () => Object.values(JSON.parse(await readFile(join(dir, "state", "insight-outbox.json"), "utf8")).docs) as { kind: string; insightId?: string }[];
    // As if a previous hub had taken them: nothing queued any more.
    await writeFile(join(dir, "state", "insight-outbox.json"), JSON.stringify({ version: 1, docs: { seq: { id: "seq", kind: "seq", lastSeq: 7 } } }));
    await pair({ force: true });
    const docs = await outbox();
    expect(docs.filter((d) => d.kind === "queued").map((d) => d.insightId).sort()).toEqual(["held-1", "held-2"]);
    expect(docs.find((d) => d.kind === "seq")).toMatchObject({ lastSeq: 7 });
  });
});
