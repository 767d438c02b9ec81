import { describe, expect, it } from "vitest";
import { ApiError } from "./api-error";
import { parseProblem } from "./problem";

describe("parseProblem", () => {
  it("reads an RFC 9457 problem with the hub's field errors", () => {
    const problem = parseProblem({
      type: "about:blank",
      title: "Unprocessable Content",
      status: 422,
      detail: "name: too long; tags.2: too long",
      code: "invalid_request",
      errors: [
        { path: "name", message: "too long" },
        { path: "tags.2", message: "tag too long" },
      ],
    });
    expect(problem.detail).toBe("name: too long; tags.2: too long");
    expect(problem.code).toBe("invalid_request");
    expect(problem.fieldErrors).toEqual({ name: "too long", tags: "tag too long" });
    expect(problem.issues).toEqual([
      { path: "name", message: "too long" },
      { path: "tags.2", message: "tag too long" },
    ]);
  });

  it("keeps whole issue paths for content validation errors", () => {
    const problem = parseProblem({
      status: 422,
      errors: [
        { path: "workflow.action--1.commands[0].type", message: "Required" },
        { path: ["options", 1], message: "duplicate option" },
      ],
    });
    expect(problem.issues).toEqual([
      { path: "workflow.action--1.commands[0].type", message: "Required" },
      { path: "options.1", message: "duplicate option" },
    ]);
    expect(problem.fieldErrors).toEqual({ workflow: "Required", options: "duplicate option" });
  });

  it("reads zod issues, RFC 9457 invalid-params and flattened field maps", () => {
    expect(parseProblem({ error: { issues: [{ path: ["description"], message: "Too big" }] } }).fieldErrors).toEqual({
      description: "Too big",
    });
    expect(parseProblem({ "invalid-params": [{ name: "name", reason: "required" }] }).fieldErrors).toEqual({
      name: "required",
    });
    expect(parseProblem({ fieldErrors: { tags: ["bad tag"] } }).fieldErrors).toEqual({ tags: "bad tag" });
  });

  it("survives bodies that are not problems", () => {
    expect(parseProblem(null)).toEqual({ title: null, detail: null, code: null, fieldErrors: {}, issues: [] });
    expect(parseProblem("oops").detail).toBeNull();
  });
});

describe("ApiError", () => {
  it("prefers the detail, then the title, then a message for the status", () => {
    expect(new ApiError(409, parseProblem({ title: "Conflict", detail: "tenant is not online" })).message).toBe(
      "tenant is not online",
    );
    expect(new ApiError(404, parseProblem({ title: "Not Found" })).message).toBe("Not Found");
    expect(new ApiError(504, parseProblem(null)).message).toBe("Timed out waiting for an answer.");
    expect(new ApiError(0, parseProblem(null)).message).toMatch(/Cannot reach the hub/);
    expect(new ApiError(500, parseProblem(null)).message).toBe("The hub had a problem (HTTP 500).");
  });
});
