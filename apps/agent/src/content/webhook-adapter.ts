import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { ApplyItem } from "@canopy/protocol";
import type { ContentAdapter } from "./content-adapter.js";
import { AGENT_VERSION } from "../core/version.js";

export const WEBHOOK_TIMEOUT_MS = 10_000;
/** How much of a refusal's body goes into the error (the push history shows it). */
const ERROR_BODY_CHARS = 200;
/** Read no more of an answer than that takes, whatever the receiver sends. */
const MAX_ANSWER_BYTES = 4096;

export interface WebhookSettings {
  url: string;
  headers: Record<string, string>;
  timeoutMs?: number;
}

interface Answer {
  status: number;
  text: string;
}

function readAnswer(response: IncomingMessage): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") });
    response.on("data", (chunk: Buffer) => {
      if (size >= MAX_ANSWER_BYTES) return;
      chunks.push(chunk);
      size += chunk.length;
      if (size >= MAX_ANSWER_BYTES) {
        // Enough to quote; the rest is not needed and the socket is not reused (agent: false).
        response.destroy();
        done();
      }
    });
    response.on("end", done);
    response.on("error", reject);
  });
}

/** One POST without keep-alive, so a stopped agent leaves no socket behind. */
function post(url: URL, headers: Record<string, string>, body: Buffer, timeoutMs: number, signal: AbortSignal | undefined): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const req = send(url, {
      method: "POST",
      agent: false,
      signal,
      headers: {
        "user-agent": `canopy-agent/${AGENT_VERSION}`,
        ...headers,
        "content-type": "application/json",
        "content-length": body.length,
      },
    });
    const timer = setTimeout(() => req.destroy(new Error(`webhook did not answer within ${timeoutMs / 1000} s`)), timeoutMs);
    req.on("response", (response) => {
      readAnswer(response).then(
        (answer) => {
          clearTimeout(timer);
          resolve(answer);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error as Error);
        },
      );
    });
    req.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end(body);
  });
}

function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return `webhook request failed: ${String(error)}`;
  if (error.message.startsWith("webhook ")) return error.message;
  if (error.name === "AbortError") return "webhook request aborted: the agent is stopping";
  return `webhook unreachable: ${error.message}`;
}

/**
 * POSTs each item as JSON `{kind, name, revision, hash, body}` to the tenant's URL with its
 * headers. A 2xx answer means applied; anything else fails the item with the status and the
 * start of the answer, which is what the push history shows. A removal is a POST of
 * `{kind, name, revision, hash, remove: true}` (no body), answered the same way.
 */
export function createWebhookAdapter(settings: WebhookSettings): ContentAdapter {
  const url = new URL(settings.url);
  const timeoutMs = settings.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  // Recorded as the item's location: without a query, which may carry a token.
  const location = `${url.origin}${url.pathname}`;
  /** POSTs one payload; throws with the history's message unless the answer is 2xx. */
  async function deliver(message: object, signal: AbortSignal | undefined): Promise<void> {
    const payload = Buffer.from(JSON.stringify(message), "utf8");
    let answer: Answer;
    try {
      answer = await post(url, settings.headers, payload, timeoutMs, signal);
    } catch (error) {
      throw new Error(describeFailure(error), { cause: error });
    }
    if (answer.status < 200 || answer.status > 299) {
      const quoted = answer.text.trim().slice(0, ERROR_BODY_CHARS);
      throw new Error(quoted ? `webhook answered ${answer.status}: ${quoted}` : `webhook answered ${answer.status}`);
    }
  }
  return {
    type: "webhook",
    async apply(item: ApplyItem, options = {}) {
      await deliver({ kind: item.kind, name: item.name, revision: item.revision, hash: item.hash, body: item.body }, options.signal);
      return { location };
    },
    async remove(entry, options = {}) {
      await deliver({ kind: entry.kind, name: entry.name, revision: entry.revision, hash: entry.hash, remove: true }, options.signal);
    },
  };
}
