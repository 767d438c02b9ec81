import { beforeEach, describe, expect, it } from "vitest";
import type { Tenant } from "$lib/api";
import { countByStatus, nodeFilters } from "./filters.svelte";
import { saveFailure, toInput, validate } from "./tenant-form";
import { ApiError } from "$lib/api";
import { parseProblem } from "$lib/api/problem";

function tenant(fields: Partial<Tenant>): Tenant {
  return {
    id: "tnt_1",
    name: "Acme",
    description: "",
    tags: [],
    parentId: null,
    capabilities: [],
    needsOwner: false,
    status: "online",
    lastSeenAt: null,
    agentVersion: "0.1.0",
    rttMs: 3,
    hostname: "acme-gw",
    pairedAt: null,
    createdAt: "2025-01-01T00:00:00Z",
    updatedAt: "2025-01-01T00:00:00Z",
    ...fields,
  };
}

describe("nodeFilters", () => {
  beforeEach(() => nodeFilters.clear());

  it("matches every word against name, tags, hostname and description", () => {
    const acme = tenant({ tags: ["finance", "eu-west"], description: "Head office" });
    nodeFilters.query = "fin acme";
    expect(nodeFilters.matches(acme)).toBe(true);
    nodeFilters.query = "ACME-GW office";
    expect(nodeFilters.matches(acme)).toBe(true);
    nodeFilters.query = "retail";
    expect(nodeFilters.matches(acme)).toBe(false);
  });

  it("filters by status", () => {
    nodeFilters.status = "offline";
    expect(nodeFilters.matches(tenant({ status: "online" }))).toBe(false);
    expect(nodeFilters.matches(tenant({ status: "offline" }))).toBe(true);
    expect(nodeFilters.active).toBe(true);
  });

  it("counts tenants per status", () => {
    const counts = countByStatus([tenant({}), tenant({ status: "unpaired" }), tenant({ status: "online" })]);
    expect(counts).toEqual({ all: 3, online: 2, offline: 0, unpaired: 1 });
  });
});

describe("tenant form", () => {
  it("trims, parses tags and requires a name", () => {
    const input = toInput({ name: "  ", tags: "a, b, a", description: " x " });
    expect(input).toEqual({ name: "", tags: ["a", "b"], description: "x" });
    expect(validate(input)).toEqual({ name: "Enter a name." });
  });

  it("maps a duplicate name to the name field and validation errors to their fields", () => {
    const duplicate = new ApiError(409, parseProblem({ detail: 'a tenant named "Acme" already exists' }));
    expect(saveFailure(duplicate)).toEqual({ fields: { name: 'a tenant named "Acme" already exists' }, general: null });

    const invalid = new ApiError(
      422,
      parseProblem({ detail: "tags.0: too long", errors: [{ path: "tags.0", message: "too long" }] }),
    );
    expect(saveFailure(invalid)).toEqual({ fields: { tags: "too long" }, general: null });

    const other = new ApiError(422, parseProblem({ detail: "parentId: no tenant", errors: [{ path: "parentId", message: "no tenant" }] }));
    expect(saveFailure(other).general).toBe("parentId: no tenant");
  });
});
