import { afterEach, describe, expect, it } from "vitest";
import type { TestProject } from "vitest/node";
import setup from "./vitest-setup.js";

function fakeProject() {
  const provided: Record<string, unknown> = {};
  return { provided, project: { provide: (key: string, value: unknown) => (provided[key] = value) } as unknown as TestProject };
}

describe("the vitest global setup", () => {
  const before = process.env.CANOPY_TEST_DATABASE_URL;
  afterEach(() => {
    if (before === undefined) delete process.env.CANOPY_TEST_DATABASE_URL;
    else process.env.CANOPY_TEST_DATABASE_URL = before;
  });

  it("leaves a server named by CANOPY_TEST_DATABASE_URL alone and provides its url", async () => {
    process.env.CANOPY_TEST_DATABASE_URL = "postgres://someone@db.example:5432/postgres";
    const { provided, project } = fakeProject();
    expect(await setup(project)).toBeUndefined();
    expect(provided).toEqual({ canopyTestDatabaseUrl: "postgres://someone@db.example:5432/postgres" });
  });

  it("without one, starts a cluster, exports its url to the workers, and stops it in teardown", async () => {
    delete process.env.CANOPY_TEST_DATABASE_URL;
    const { provided, project } = fakeProject();
    const teardown = await setup(project);
    const url = process.env.CANOPY_TEST_DATABASE_URL;
    expect(url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
    expect(provided).toEqual({ canopyTestDatabaseUrl: url });
    await teardown!();
    expect(process.env.CANOPY_TEST_DATABASE_URL).toBeUndefined();
  }, 60_000);
});
