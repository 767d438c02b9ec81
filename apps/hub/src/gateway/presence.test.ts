import type { AgentMessage } from "@canopy/protocol";
import { describe, expect, it } from "vitest";
import { Presence } from "./presence.js";

const hello = { type: "hello", agentId: "agt_1", agentVersion: "1.0.0", hostname: "host", platform: "linux" } as unknown as AgentMessage<"hello">;

describe("presence", () => {
  it("keeps a disconnected agent's last sign of life until its write has ended, so the tenant never shows an older one", () => {
    const presence = new Presence();
    presence.arrived({ agentId: "agt_1", tenantId: "tnt_1", sessionId: "s1" }, hello, 1000);
    presence.update("agt_1", { lastSeenAt: 5000 });
    const first = presence.left("agt_1")!;
    expect(presence.get("agt_1")).toBeUndefined();
    expect(presence.leaving("agt_1")?.lastSeenAt).toBe(5000);
    // It came back and went again before the first write ended: the first write's end keeps the newer.
    presence.arrived({ agentId: "agt_1", tenantId: "tnt_1", sessionId: "s2" }, hello, 6000);
    const second = presence.left("agt_1")!;
    presence.recorded("agt_1", first);
    expect(presence.leaving("agt_1")?.lastSeenAt).toBe(6000);
    presence.recorded("agt_1", second);
    expect(presence.leaving("agt_1")).toBeUndefined();
  });
});
