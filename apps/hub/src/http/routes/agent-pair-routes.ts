import { PairRequest, PairResponse } from "@canopy/api";
import { AGENT_PAIR_PATH } from "@canopy/protocol";
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { pairAgent } from "../../domain/agent-pairing.js";
import { clientAddress, type HubEnv } from "../context.js";
import { jsonBody, jsonContent, problemResponses } from "../route-helpers.js";

const pair = createRoute({
  method: "post",
  path: AGENT_PAIR_PATH.replace(/^\/api\/v1/, ""),
  operationId: "pairAgent",
  tags: ["agent"],
  summary: "Agent: exchange a pairing code for an identity bound to its public key",
  description:
    "No session auth. Errors carry `code`: pairing_code_invalid (400), pairing_code_expired (410), " +
    "pairing_code_used (409), rate_limited (429), invalid_request (422).",
  security: [],
  request: { body: jsonBody(PairRequest) },
  responses: { 201: jsonContent(PairResponse, "Paired; pin hubPublicKey"), ...problemResponses(400, 409, 410, 422, 429) },
});

export function agentPairRoutes(api: OpenAPIHono<HubEnv>): void {
  api.openapi(pair, async (c) => c.json(await pairAgent(c.get("hub"), c.req.valid("json"), clientAddress(c)), 201));
}
