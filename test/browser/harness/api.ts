import { ADMIN_EMAIL, ADMIN_PASSWORD } from "./hub.js";

export type Api = <T>(method: string, path: string, body?: unknown) => Promise<T>;

/** A signed-in client of the hub's HTTP API, for what the scenario sets up outside the browser. */
export async function signIn(hubUrl: string): Promise<Api> {
  const headers = { "content-type": "application/json", origin: hubUrl };
  const login = await fetch(`${hubUrl}/api/v1/auth/login`, {
    method: "POST",
    headers,
    body: JSON.stringify({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
  });
  if (!login.ok) throw new Error(`login failed: HTTP ${login.status}`);
  const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0]!;
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${hubUrl}/api/v1${path}`, {
      method,
      headers: { ...headers, cookie },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  };
}
