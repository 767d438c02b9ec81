import { describe, expect, it } from "vitest";
import { NOW, sources, widget } from "../../../test/dashboard-fixtures.js";
import { computeWidget } from "../compute-widget.js";

describe("node-health", () => {
  it("every tenant's agent now, trouble first: offline, unpaired, online", async () => {
    const result = await computeWidget(widget({ type: "node-health", range: "1h" }), sources(), NOW);
    expect(result.from).toBeNull();
    expect(result.data).toMatchObject({
      kind: "table",
      columns: [
        { key: "tenant", label: "Tenant" },
        { key: "status", label: "Status" },
        { key: "lastSeenAt", label: "Last seen", date: true },
        { key: "rttMs", label: "RTT (ms)", numeric: true },
        { key: "agentVersion", label: "Agent version" },
        { key: "hostname", label: "Host" },
      ],
      rows: [
        { tenant: "Globex", status: "offline", lastSeenAt: "2030-01-14T08:00:00.000Z", rttMs: null, agentVersion: "1.3.2", hostname: "gx-01" },
        { tenant: "Initech", status: "unpaired", lastSeenAt: null, rttMs: null, agentVersion: null, hostname: null },
        { tenant: "Acme", status: "online", lastSeenAt: "2030-01-15T11:59:50.000Z", rttMs: 12, agentVersion: "1.4.0", hostname: "acme-edge" },
      ],
    });
  });

  it("only the chosen tenants", async () => {
    const data = (await computeWidget(widget({ type: "node-health", tenants: { ids: ["tnt_acme"] } }), sources(), NOW)).data as unknown as { rows: { tenant: string }[] };
    expect(data.rows.map((r) => r.tenant)).toEqual(["Acme"]);
  });
});
