import type { TestProject } from "vitest/node";

declare module "vitest" {
  interface ProvidedContext {
    /** The test server's admin URL, the same as CANOPY_TEST_DATABASE_URL. */
    canopyTestDatabaseUrl: string;
  }
}

/** Starts one cluster for the run unless CANOPY_TEST_DATABASE_URL is set; returns its teardown. */
export default function setup(project: TestProject): Promise<(() => Promise<void>) | undefined>;
