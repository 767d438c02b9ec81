import { canonicalHash } from "@canopy/content";
import { createMemoryStore } from "@canopy/store";
import { describe, expect, it } from "vitest";
import { manualClock } from "../../test/helpers.js";
import { ProblemError } from "../core/problem-error.js";
import { ContentRepository } from "./content-repository.js";

const field = (name: string, extra: Record<string, unknown> = {}) => ({ name, type: "text", appliesTo: "incident", ...extra });

function problemOf(run: () => unknown): ProblemError {
  try {
    run();
  } catch (error) {
    if (error instanceof ProblemError) return error;
    throw error;
  }
  throw new Error("expected a ProblemError");
}

describe("ContentRepository", () => {
  it("creates revision 1 with the canonical hash of the validated body, and records the revision", () => {
    const clock = manualClock();
    const repo = new ContentRepository(createMemoryStore(), clock);
    const item = repo.create("custom-field", field(" Owner "), "ana@example.com");
    expect(item).toMatchObject({ kind: "custom-field", name: "Owner", revision: 1, createdBy: "ana@example.com", updatedBy: "ana@example.com" });
    expect(item.id).toMatch(/^cnt_/);
    expect(item.hash).toBe(canonicalHash(item.body));
    expect(item.createdAt).toBe(new Date(clock()).toISOString());
    expect(repo.revision("custom-field", item.id, 1)).toEqual({
      id: `${item.id}:1`,
      itemId: item.id,
      kind: "custom-field",
      name: "Owner",
      revision: 1,
      hash: item.hash,
      body: item.body,
      savedAt: item.createdAt,
      savedBy: "ana@example.com",
    });
  });

  it("finds by name ignoring case, and refuses a taken name with 409 content_name_taken", () => {
    const repo = new ContentRepository(createMemoryStore(), manualClock());
    const item = repo.create("custom-field", field("Owner"), "a");
    expect(repo.getByName("custom-field", "OWNER")?.id).toBe(item.id);
    expect(repo.getByName("tuning-expression", "Owner")).toBeUndefined();
    const conflict = problemOf(() => repo.create("custom-field", field("owner"), "a"));
    expect([conflict.status, conflict.code]).toEqual([409, "content_name_taken"]);
  });

  it("throws 422 with the validator's issues, and 404 for a missing item", () => {
    const repo = new ContentRepository(createMemoryStore(), manualClock());
    const invalid = problemOf(() => repo.create("tuning-expression", { name: "T", expression: "", rules: "x" }, "a"));
    expect(invalid.status).toBe(422);
    expect((invalid.extra.errors as { path: string }[]).map((e) => e.path).sort()).toEqual(["expression", "rules"]);
    expect(problemOf(() => repo.update("custom-field", "cnt_nope", field("X"), "a")).status).toBe(404);
    expect(problemOf(() => repo.revisions("custom-field", "cnt_nope")).status).toBe(404);
    expect(repo.get("custom-field", "cnt_nope")).toBeUndefined();
  });

  it("update: same canonical body keeps the revision; a change bumps it and keeps the old one", () => {
    const clock = manualClock();
    const repo = new ContentRepository(createMemoryStore(), clock);
    const v1 = repo.create("custom-field", field("Owner"), "a");
    clock.advance(1000);
    expect(repo.update("custom-field", v1.id, { appliesTo: "incident", type: "text", name: "Owner" }, "b")).toBe(v1);
    const v2 = repo.update("custom-field", v1.id, field("Owner", { required: true }), "b");
    expect(v2).toMatchObject({ revision: 2, createdBy: "a", updatedBy: "b", createdAt: v1.createdAt });
    expect(v2.updatedAt).not.toBe(v1.updatedAt);
    expect(repo.revisions("custom-field", v1.id).map((r) => [r.revision, r.savedBy])).toEqual([
      [2, "b"],
      [1, "a"],
    ]);
  });

  it("upsert creates, updates by name, or reports unchanged", () => {
    const repo = new ContentRepository(createMemoryStore(), manualClock());
    const created = repo.upsert("custom-field", field("Owner"), "a");
    expect(created.outcome).toBe("created");
    expect(repo.upsert("custom-field", field("Owner"), "a")).toEqual({ item: created.item, outcome: "unchanged" });
    const updated = repo.upsert("custom-field", field("OWNER", { required: true }), "a");
    expect(updated).toMatchObject({ outcome: "updated", item: { id: created.item.id, name: "OWNER", revision: 2 } });
  });

  it("remove frees the name; revisions stay readable", () => {
    const repo = new ContentRepository(createMemoryStore(), manualClock());
    const item = repo.create("custom-field", field("Owner"), "a");
    expect(repo.remove("custom-field", item.id, "a")).toEqual(item);
    expect(repo.get("custom-field", item.id)).toBeUndefined();
    expect(repo.getByName("custom-field", "Owner")).toBeUndefined();
    expect(repo.revision("custom-field", item.id, 1)?.hash).toBe(item.hash);
    expect(repo.create("custom-field", field("Owner"), "a").id).not.toBe(item.id);
  });

  it("a new repository over the same store knows the names already taken", () => {
    const store = createMemoryStore();
    const first = new ContentRepository(store, manualClock());
    const item = first.create("library", { type: "folder", path: "SOC Pack" }, "a");
    const second = new ContentRepository(store, manualClock());
    expect(second.getByName("library", "soc pack")?.id).toBe(item.id);
    expect(problemOf(() => second.create("library", { type: "folder", path: "SOC Pack" }, "a")).status).toBe(409);
    expect(second.all("library")).toEqual([item]);
  });

  it("lists a page by name, case-insensitively, continuing after a cursor", () => {
    const repo = new ContentRepository(createMemoryStore(), manualClock());
    for (const name of ["b", "C", "a", "D"]) repo.create("custom-field", field(name), "x");
    const first = repo.list("custom-field", { limit: 3 });
    expect(first.items.map((i) => i.name)).toEqual(["a", "b", "C"]);
    const rest = repo.list("custom-field", { limit: 3, cursor: first.nextCursor! });
    expect(rest).toMatchObject({ items: [{ name: "D" }], nextCursor: null });
    expect(repo.list("custom-field", { limit: 10, q: "c" }).items.map((i) => i.name)).toEqual(["C"]);
  });
});
