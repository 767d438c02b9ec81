import { describe, expect, it } from "vitest";
import { EnvError, readEnvironment } from "./env.js";

describe("hub environment", () => {
  it("has the documented defaults", () => {
    expect(readEnvironment({})).toEqual({
      dataDir: ".canopy/hub",
      port: 8080,
      host: "127.0.0.1",
      adminEmail: "admin@canopy.local",
      adminPassword: undefined,
      heartbeatMs: 15000,
      pairingTtlSeconds: 900,
      logLevel: "info",
    });
  });

  it("reads every CANOPY_ variable and treats empty ones as unset", () => {
    const env = readEnvironment({
      CANOPY_DATA_DIR: "/srv/canopy",
      CANOPY_PORT: "0",
      CANOPY_HOST: "0.0.0.0",
      CANOPY_ADMIN_EMAIL: "ops@example.com",
      CANOPY_ADMIN_PASSWORD: "",
      CANOPY_HEARTBEAT_MS: "1000",
      CANOPY_PAIRING_TTL_SECONDS: "60",
      CANOPY_LOG_LEVEL: "debug",
    });
    expect(env).toMatchObject({ dataDir: "/srv/canopy", port: 0, host: "0.0.0.0", adminEmail: "ops@example.com", heartbeatMs: 1000, pairingTtlSeconds: 60, logLevel: "debug" });
    expect(env.adminPassword).toBeUndefined();
  });

  it("names the variable that is wrong", () => {
    expect(() => readEnvironment({ CANOPY_PORT: "eighty" })).toThrow(EnvError);
    expect(() => readEnvironment({ CANOPY_PORT: "70000" })).toThrow(/CANOPY_PORT/);
    expect(() => readEnvironment({ CANOPY_LOG_LEVEL: "loud" })).toThrow(/CANOPY_LOG_LEVEL/);
    expect(() => readEnvironment({ CANOPY_PAIRING_TTL_SECONDS: "999999999" })).toThrow(/CANOPY_PAIRING_TTL_SECONDS/);
  });
});
