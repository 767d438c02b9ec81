export const SCENARIOS = ["P0", "P1", "P2", "P3", "P4", "P5", "P6", "P7"] as const;
export type ScenarioId = (typeof SCENARIOS)[number];

export interface ScaleOptions {
  /** Agents paired and held (P0, P1, P2, P4, P5); bare clients the same number. */
  agents: number;
  scenarios: ScenarioId[];
  /** Fleet processes the agents and bare clients are spread over. */
  fleets: number;
  /** Pairings in flight at once, over all fleets. */
  pairConcurrency: number;
  /** P3: tenants that get every rule; P3 rules (0: all of ../shared/data/sigma). */
  ruleTenants: number;
  rules: number;
  /** P4: pings in flight at once for "ping all"; sequential pings for the single-ping RTT. */
  pingConcurrency: number;
  singlePings: number;
  /** P6: insights = tenants × per tenant. */
  insightTenants: number;
  insightsPerTenant: number;
  /** The agents' reconnect backoff ceiling; undefined: the agent's default. */
  reconnectMaxMs?: number | undefined;
  /** How long any one wait (all online, a push done) may take before the run fails. */
  timeoutMs: number;
}

export const DEFAULT_SCALE: ScaleOptions = {
  agents: 10_000,
  scenarios: [...SCENARIOS],
  fleets: 4,
  pairConcurrency: 20,
  ruleTenants: 100,
  rules: 0,
  pingConcurrency: 64,
  singlePings: 200,
  insightTenants: 1000,
  insightsPerTenant: 1000,
  timeoutMs: 900_000,
};
