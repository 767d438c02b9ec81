/** The minimum the registry needs to know about a session. */
export interface RegisteredSession {
  readonly agentId: string;
  readonly tenantId: string;
}

/**
 * Authenticated sessions by agent id and by tenant id. At most one per agent: attaching a
 * second returns the first so the caller can close it as replaced.
 */
export class SessionRegistry<S extends RegisteredSession> {
  readonly #byAgent = new Map<string, S>();
  readonly #byTenant = new Map<string, S>();

  /** Makes `session` current for its agent and tenant; returns the session it displaced. */
  attach(session: S): S | undefined {
    const previous = this.#byAgent.get(session.agentId);
    this.#byAgent.set(session.agentId, session);
    // A tenant has one active agent; a session of its revoked predecessor may still be closing.
    this.#byTenant.set(session.tenantId, session);
    return previous;
  }

  /** Removes `session` if it is still current; true when it was (the agent went offline). */
  detach(session: S): boolean {
    if (this.#byAgent.get(session.agentId) !== session) return false;
    this.#byAgent.delete(session.agentId);
    if (this.#byTenant.get(session.tenantId) === session) this.#byTenant.delete(session.tenantId);
    return true;
  }

  byAgent(agentId: string): S | undefined {
    return this.#byAgent.get(agentId);
  }

  byTenant(tenantId: string): S | undefined {
    return this.#byTenant.get(tenantId);
  }

  get size(): number {
    return this.#byAgent.size;
  }
}
