import { describe, expect, it } from "vitest";
import { ApiError } from "$lib/api";
import { parseProblem } from "$lib/api/problem";
import { draftOf, emptyDraft, saveFailure, toBody } from "./custom-field-form";

describe("toBody", () => {
  it("builds a select field with its options and default", () => {
    const draft = { ...emptyDraft(), name: " Severity ", type: "select" as const, options: "low\n high \n\n", defaultText: "high" };
    expect(toBody(draft)).toEqual({
      ok: true,
      body: { name: "Severity", type: "select", appliesTo: "incident", required: false, options: ["low", "high"], default: "high" },
    });
  });

  it("types the default: numbers, booleans, chosen options", () => {
    expect(toBody({ ...emptyDraft(), name: "N", type: "number", defaultText: "4.5" })).toMatchObject({ body: { default: 4.5 } });
    expect(toBody({ ...emptyDraft(), name: "B", type: "boolean", defaultText: "false" })).toMatchObject({ body: { default: false } });
    const multi = { ...emptyDraft(), name: "M", type: "multiselect" as const, options: "a\nb", defaultChoices: ["b", "gone"] };
    expect(toBody(multi)).toMatchObject({ body: { default: ["b"] } });
    expect(toBody({ ...emptyDraft(), name: "T" })).not.toHaveProperty("body.default");
  });

  it("says what is missing before asking the hub", () => {
    expect(toBody({ ...emptyDraft(), type: "select" })).toEqual({
      ok: false,
      errors: { name: "Enter a name.", options: "Add at least one option, one per line." },
    });
    expect(toBody({ ...emptyDraft(), name: "N", type: "number", defaultText: "lots" })).toMatchObject({ errors: { default: "Enter a number." } });
  });

  it("round-trips a stored field through the form", () => {
    const field = { name: "Tags", type: "multiselect" as const, appliesTo: "task" as const, options: ["x", "y"], default: ["y"], required: true };
    expect(toBody(draftOf(field))).toEqual({ ok: true, body: field });
  });
});

describe("saveFailure", () => {
  it("puts the hub's issues under their fields, naming the option line", () => {
    const error = new ApiError(
      422,
      parseProblem({
        detail: "invalid custom field",
        errors: [
          { path: "options.1", message: 'duplicate option "low"' },
          { path: "default", message: "must be one of the options" },
          { path: "", message: "unknown member" },
        ],
      }),
    );
    expect(saveFailure(error)).toEqual({
      fields: { options: 'Option 2: duplicate option "low"', default: "must be one of the options" },
      general: "unknown member",
    });
  });

  it("shows a duplicate name under the name", () => {
    const error = new ApiError(409, parseProblem({ detail: "a custom field named Severity already exists" }));
    expect(saveFailure(error)).toEqual({ fields: { name: "a custom field named Severity already exists" }, general: null });
  });
});
