import { ApiError } from "./api-error";
import { parseProblem } from "./problem";

/** Every call goes to the hub that served the UI: same origin, session cookie included. */
export const API_BASE = "/api/v1";

type UnauthorizedHandler = () => void;
let onUnauthorized: UnauthorizedHandler | null = null;

/** Called when a signed-in call answers 401 (session expired or revoked), e.g. to go to /login. */
export function setUnauthorizedHandler(handler: UnauthorizedHandler | null): void {
  onUnauthorized = handler;
}

/**
 * Signed-in calls share one abort signal. Signing out (or a session found expired) aborts the
 * calls in flight and refuses new ones without sending them, whatever timer, live feed or page
 * asks next: nothing is sent with a session the person has left. Signing in opens a new one.
 */
let session = new AbortController();

export function endApiSession(): void {
  session.abort(new DOMException("Signed out", "AbortError"));
}

export function startApiSession(): void {
  if (session.signal.aborted) session = new AbortController();
}

/** The header that makes the hub work in another organization of the caller's scope (the account menu). */
const ORG_HEADER = "canopy-org";
let workingOrgId: string | null = null;

/** Every later call works in this organization's subtree; null for the user's own organization. */
export function setWorkingOrg(id: string | null): void {
  workingOrgId = id;
}

/**
 * A URL of the API that works in the switched-to organization where no header can be set: an
 * EventSource sends none, so the hub also reads `?org=` (the same check as the header).
 */
export function urlInWorkingOrg(path: string): string {
  return workingOrgId ? `${API_BASE}${path}?org=${encodeURIComponent(workingOrgId)}` : `${API_BASE}${path}`;
}

export interface RequestOptions {
  body?: unknown;
  signal?: AbortSignal;
  /** Do not run the 401 handler (login and the initial session probe expect 401). */
  expectUnauthorized?: boolean;
  /** Ask in the user's own organization, whatever they switched to (the account menu's whole tree). */
  ownScope?: boolean;
}

function retryAfter(response: Response): number | null {
  const header = response.headers.get("retry-after");
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

async function readBody(response: Response): Promise<unknown> {
  const raw = await response.text();
  if (raw === "") return null;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return { detail: response.ok ? null : raw.slice(0, 200) };
  }
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  // Sign-in, sign-out and the session probe are the calls made without a session.
  const sessionSignal = options.expectUnauthorized ? null : session.signal;
  sessionSignal?.throwIfAborted();
  const signals = [options.signal, sessionSignal].filter((signal): signal is AbortSignal => Boolean(signal));
  const init: RequestInit = {
    method,
    credentials: "same-origin",
    headers: {
      accept: "application/json, application/problem+json",
      ...(workingOrgId && !options.ownScope ? { [ORG_HEADER]: workingOrgId } : {}),
    },
    signal: signals.length > 1 ? AbortSignal.any(signals) : (signals[0] ?? null),
  };
  if (options.body !== undefined) {
    init.headers = { ...init.headers, "content-type": "application/json" };
    init.body = JSON.stringify(options.body);
  }

  let response: Response;
  try {
    response = await fetch(`${API_BASE}${path}`, init);
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError(0, parseProblem(null));
  }

  const body = await readBody(response);
  if (response.ok) return body as T;

  if (response.status === 401 && !options.expectUnauthorized) onUnauthorized?.();
  throw new ApiError(response.status, parseProblem(body), retryAfter(response));
}
