import { request } from "node:http";

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body parsed as JSON when it is JSON, else its text. */
  body: unknown;
}

/**
 * One HTTP request from a chosen loopback source address (`localAddress`, any of 127.0.0.0/8 on
 * Linux), on a connection of its own: how an attacker with many addresses looks to the hub, which
 * keys its login and pairing limits by the socket's address.
 */
export function requestFrom(
  localAddress: string,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<RawAnswer> {
  const target = new URL(url);
  const payload = init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: init.method ?? "GET",
        localAddress,
        agent: false,
        headers: {
          ...(payload === undefined ? {} : { "content-type": "application/json", "content-length": String(Buffer.byteLength(payload)) }),
          ...init.headers,
        },
        timeout: 30_000,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (d: string) => (text += d));
        res.on("end", () => {
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer from ${url} within 30 s`)));
    req.on("error", reject);
    req.end(payload);
  });
}

/** The problem `code` of an answer, or `-` when it has none. */
export const problemCode = (answer: RawAnswer): string => (answer.body as { code?: string } | undefined)?.code ?? "-";
