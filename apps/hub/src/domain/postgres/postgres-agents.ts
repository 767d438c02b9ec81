import { problems } from "../../core/problem-error.js";
import { alreadyPaired, type AgentRepository } from "../agent-repository.js";
import type { AgentRecord } from "../records.js";
import { isUniqueViolation, type SqlClient } from "./sql-client.js";
import { AGENT_COLUMNS, agentRow } from "./tenant-rows.js";

/** Agents in `canopy_agents`. */
export function postgresAgents(sql: SqlClient): AgentRepository {
  const docs = async (text: string, values: unknown[] = []) => (await sql.query<{ doc: AgentRecord }>(text, values)).rows.map((row) => row.doc);
  return {
    get: async (id) => (await docs("SELECT doc FROM canopy_agents WHERE id = $1", [id]))[0],
    getForUpdate: async (id) => (await docs("SELECT doc FROM canopy_agents WHERE id = $1 FOR UPDATE", [id]))[0],
    activeFor: async (tenantId) => (await docs("SELECT doc FROM canopy_agents WHERE tenant_id = $1 AND NOT revoked FOR UPDATE", [tenantId]))[0],
    async activeByTenant() {
      return new Map((await docs("SELECT doc FROM canopy_agents WHERE NOT revoked")).map((agent) => [agent.tenantId, agent]));
    },
    pairedWith: async (code) => (await docs("SELECT doc FROM canopy_agents WHERE pairing_code = $1 LIMIT 1", [code]))[0],
    async insert(agent) {
      try {
        await sql.query(`INSERT INTO canopy_agents (${AGENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)`, agentRow(agent));
      } catch (error) {
        throw isUniqueViolation(error) ? problems.conflict(alreadyPaired.code, alreadyPaired.detail) : error;
      }
    },
    async update(agent) {
      await sql.query("UPDATE canopy_agents SET tenant_id = $2, revoked = $3, pairing_code = $4, hostname_key = $5, doc = $6 WHERE id = $1", agentRow(agent));
    },
  };
}
