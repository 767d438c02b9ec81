import { AsyncLocalStorage } from "node:async_hooks";

/** What the audit needs to know about the request a change comes from, wherever it is recorded. */
export interface RequestContext {
  /** The caller's network address. */
  address: string;
  /** The caller's organization, once they are known. */
  orgId?: string | undefined;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `work` (a request's handling) with `context` visible to everything it calls. */
export const withRequestContext = <T>(context: RequestContext, work: () => T): T => storage.run(context, work);

/** The request being handled, if the caller runs inside one (agents' messages and timers do not). */
export const currentRequest = (): RequestContext | undefined => storage.getStore();
