import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHub } from "@canopy/hub";
import { webRoot } from "@canopy/web";

export const ADMIN_EMAIL = "admin@canopy.local";
export const ADMIN_PASSWORD = "browser-test-password-1";

export interface TestHub {
  url: string;
  dataDir: string;
  close(): Promise<void>;
}

/** A hub in this process on 127.0.0.1, port 0, serving the built UI; its data in a temp dir. */
export async function startHub(): Promise<TestHub> {
  const dataDir = await mkdtemp(join(tmpdir(), "canopy-browser-hub-"));
  const hub = createHub({ dataDir, adminEmail: ADMIN_EMAIL, adminPassword: ADMIN_PASSWORD, webRoot });
  const { url } = await hub.listen({ port: 0, host: "127.0.0.1" });
  return {
    url: url.replace(/\/$/, ""),
    dataDir,
    async close() {
      await hub.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
