import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { acceptInvite, Caller, createTestHub, inviteAndAccept, login, manualClock, untilLive, type TestHub } from "../../test/helpers.js";

const DAY = 24 * 60 * 60 * 1000;

describe("organizations: the tree, capabilities, owners", () => {
  let t: TestHub;
  let admin: Caller;
  const clock = manualClock();
  beforeEach(async () => {
    // The hub looks at its (test) clock every 20 ms, as it does every minute in production.
    t = await createTestHub({ clock, housekeepingMs: 20 });
    admin = await login(t.hub);
  });
  afterEach(() => t.hub.close());

  const tenant = async (by: Caller, body: Record<string, unknown>) => {
    const res = await by.post("/tenants", body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };

  it("puts tenants under the root by default, and a customer only under a parent holding msp", async () => {
    const plain = await tenant(admin, { name: "Plain customer" });
    expect(plain).toMatchObject({ parentId: "org_root", needsOwner: true });
    expect(plain.capabilities.map((c: { name: string }) => c.name).sort()).toEqual(["library", "siem", "soar"]);
    const refused = await admin.post("/tenants", { name: "Under a customer", parentId: plain.id });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([{ path: "parentId", message: '"Plain customer" cannot have customers: it does not hold the msp capability' }]);
    const msp = await tenant(admin, { name: "Child MSP", capabilities: [{ name: "msp" }, { name: "siem" }] });
    const customer = await tenant(admin, { name: "Its customer", parentId: msp.id });
    expect(customer.parentId).toBe(msp.id);
    // What the parent holds, and nothing of msp: a child MSP's customer cannot have customers.
    expect(customer.capabilities).toEqual([{ name: "siem", expiresAt: null }]);
    const tree = (await admin.get("/orgs/tree")).body;
    expect(tree).toMatchObject({ id: "org_root", kind: "root" });
    expect(tree.children.map((c: { name: string }) => c.name)).toEqual(["Child MSP", "Plain customer"]);
    expect(tree.children[0].children.map((c: { name: string }) => c.name)).toEqual(["Its customer"]);
  });

  it("lets only the root give msp, and no parent give what it lacks or past its own expiry", async () => {
    const expires = new Date(clock() + 30 * DAY).toISOString();
    const msp = await tenant(admin, { name: "Child MSP", capabilities: [{ name: "msp" }, { name: "soar", expiresAt: expires }] });
    const customer = await tenant(admin, { name: "Customer", parentId: msp.id, capabilities: [] });
    const put = (body: unknown) => admin.request("PUT", `/tenants/${customer.id}/capabilities`, body);
    const mspFromChild = await put({ capabilities: [{ name: "msp" }] });
    expect(mspFromChild.status).toBe(422);
    expect(mspFromChild.body.errors[0].message).toMatch(/only the root organization may give msp/);
    const lacking = await put({ capabilities: [{ name: "siem" }] });
    expect(lacking.body.errors).toEqual([{ path: "capabilities.0", message: '"Child MSP" does not hold siem, so it cannot give it' }]);
    const tooLong = await put({ capabilities: [{ name: "soar", expiresAt: new Date(clock() + 60 * DAY).toISOString() }] });
    expect(tooLong.body.errors[0]).toMatchObject({ path: "capabilities.0.expiresAt" });
    const forever = await put({ capabilities: [{ name: "soar" }] });
    expect(forever.status).toBe(422);
    const ok = await put({ capabilities: [{ name: "soar", expiresAt: expires }] });
    expect(ok.status).toBe(200);
    expect(ok.body.capabilities).toEqual([{ name: "soar", expiresAt: expires }]);
  });

  it("takes a parent's capability from its whole subtree when it expires, on the clock", async () => {
    const expires = new Date(clock() + 2 * DAY).toISOString();
    const msp = await tenant(admin, { name: "Child MSP", capabilities: [{ name: "msp" }, { name: "soar", expiresAt: expires }, { name: "siem" }] });
    const customer = await tenant(admin, { name: "Customer", parentId: msp.id });
    // The customer was given soar without an expiry of its own: it holds it until its parent's runs out.
    expect((await admin.get(`/tenants/${customer.id}`)).body.capabilities).toEqual([
      { name: "soar", expiresAt: expires },
      { name: "siem", expiresAt: null },
    ]);
    clock.advance(2 * DAY);
    const names = async (id: string) => (await admin.get(`/tenants/${id}`)).body.capabilities.map((c: { name: string }) => c.name);
    expect(await names(msp.id)).toEqual(["msp", "siem"]);
    expect(await names(customer.id)).toEqual(["siem"]);
    // On the clock, not only on read: each organization's loss lands in the audit, the customer's because of its parent.
    const expiries = await untilLive(t.hub, "the expiries audited", async () => {
      const items = (await admin.get("/audit?action=tenant.capability.expire")).body.items as { target: string; detail: Record<string, unknown> }[];
      return items.length === 2 ? items : undefined;
    });
    expect(expiries.map((e) => [e.target, e.detail.capability, e.detail.because ?? null]).sort()).toEqual(
      [
        [`tenant:${msp.id}`, "soar", null],
        [`tenant:${customer.id}`, "soar", `tenant:${msp.id}`],
      ].sort(),
    );
    // A renewal at the parent does not hand it back to the customer by itself.
    expect((await admin.request("PUT", `/tenants/${msp.id}/capabilities`, { capabilities: [{ name: "msp" }, { name: "soar" }, { name: "siem" }] })).status).toBe(200);
    expect(await names(customer.id)).toEqual(["siem"]);
  });

  it("takes an expiry granted after the hub last looked on time, though the hub looks only when one is due", async () => {
    const later = await tenant(admin, { name: "Later", capabilities: [{ name: "soar", expiresAt: new Date(clock() + 10 * DAY).toISOString() }] });
    expect(later.capabilities).toHaveLength(1);
    // A look now finds nothing due and remembers the earliest expiry to come (ten days away).
    expect(await (await t.hub.services()).capabilityExpiry.check()).toBe(0);
    const soon = await tenant(admin, { name: "Soon", capabilities: [] });
    const expiresAt = new Date(clock() + 5 * 60_000).toISOString();
    expect((await admin.request("PUT", `/tenants/${soon.id}/capabilities`, { capabilities: [{ name: "siem", expiresAt }] })).status).toBe(200);
    clock.advance(5 * 60_000);
    const expired = await untilLive(t.hub, "the earlier expiry audited", async () => {
      const items = (await admin.get("/audit?action=tenant.capability.expire")).body.items as { target: string }[];
      return items.length > 0 ? items : undefined;
    });
    expect(expired.map((e) => e.target)).toEqual([`tenant:${soon.id}`]);
  });

  it("invites the owner with the tenant, shows a tenant without one as needing one, and never removes the last", async () => {
    const created = await admin.post("/tenants", { name: "Owned", owner: { email: "Boss@Owned.example" } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ needsOwner: false, ownerInviteUrl: expect.stringMatching(/\/accept#token=[\w-]{40,}$/) });
    const owners = (await admin.get(`/tenants/${created.body.id}/owners`)).body.items;
    expect(owners).toEqual([{ userId: expect.any(String), email: "boss@owned.example" }]);
    // The link is one-time: accepted once, it is gone (410), and the audit never held the secret.
    const boss = await acceptInvite(t.hub, created.body.ownerInviteUrl);
    expect((await boss.get("/me")).body).toMatchObject({ email: "boss@owned.example", orgId: created.body.id, orgName: "Owned", roles: ["Manage organization"] });
    const again = await new Caller(t.hub).post("/auth/accept", { token: new URL(created.body.ownerInviteUrl).hash.slice(7), password: "another password" });
    expect(again.status).toBe(410);
    const audit = JSON.stringify((await admin.get("/audit?limit=200")).body);
    expect(audit).not.toContain(new URL(created.body.ownerInviteUrl).hash.slice(7));
    expect(audit).toContain("user.accept");

    const last = await admin.delete(`/tenants/${created.body.id}/owners/${owners[0].userId}`);
    expect(last.status).toBe(409);
    expect(last.body.detail).toMatch(/last owner/);
    expect((await admin.patch(`/users/${owners[0].userId}`, { disabled: true })).status).toBe(409);
    expect((await admin.patch(`/users/${owners[0].userId}`, { roles: ["Analyst"] })).status).toBe(409);
    // With a second owner, the first may go.
    const second = await inviteAndAccept(t.hub, admin, created.body.id, ["Analyst"]);
    expect((await admin.post(`/tenants/${created.body.id}/owners`, { userId: second.userId })).status).toBe(200);
    expect((await admin.delete(`/tenants/${created.body.id}/owners/${owners[0].userId}`)).status).toBe(204);

    const unowned = await tenant(admin, { name: "Unowned" });
    expect(unowned.needsOwner).toBe(true);
    const tree = (await admin.get("/orgs/tree")).body;
    expect(tree.children.find((c: { name: string }) => c.name === "Unowned").needsOwner).toBe(true);
  });

  it("stops a disabled user's sessions and API keys at once, and resets a password by a new link", async () => {
    const org = await tenant(admin, { name: "Customer" });
    const ana = await inviteAndAccept(t.hub, admin, org.id, ["Manage organization"]);
    const key = (await ana.post("/api-keys", { name: "ana's script", roles: ["Analyst"] })).body.key as string;
    const script = new Caller(t.hub, { bearer: key });
    expect((await script.get("/me")).body).toMatchObject({ kind: "apiKey", orgId: org.id, permissions: ["organizations.view", "insights.triage"] });
    expect((await admin.patch(`/users/${ana.userId}`, { disabled: true })).status).toBe(200);
    expect((await ana.get("/me")).status).toBe(401);
    expect((await script.get("/me")).status).toBe(401);
    expect((await admin.patch(`/users/${ana.userId}`, { disabled: false })).status).toBe(200);
    const reset = await admin.post(`/users/${ana.userId}/reset`);
    expect(reset.status).toBe(201);
    const back = await acceptInvite(t.hub, reset.body.resetUrl, "a brand new password");
    expect((await back.get("/me")).body.email).toBe((await admin.get(`/users/${ana.userId}`)).body.email);
  });

  it("refuses a key or a user stronger than whoever gives it", async () => {
    const org = await tenant(admin, { name: "Customer" });
    const analyst = await inviteAndAccept(t.hub, admin, org.id, ["Manage organization"]);
    const readOnly = await inviteAndAccept(t.hub, analyst, org.id, ["Read only"]);
    expect((await readOnly.get("/users")).status).toBe(403);
    const custom = await admin.post("/roles", { name: "Key maker", permissions: ["api-keys.manage"] });
    expect(custom.status).toBe(201);
    const maker = await inviteAndAccept(t.hub, admin, org.id, ["Key maker"]);
    const stronger = await maker.post("/api-keys", { name: "too strong", roles: ["Content manager"] });
    expect(stronger.status).toBe(422);
    expect(stronger.body.errors[0].message).toMatch(/allow more than yours do \(organizations\.view, content\.edit, content\.push\)/);
    expect((await maker.post("/api-keys", { name: "fine", roles: ["Key maker"] })).status).toBe(201);
  });
});

describe("organizations from a CSV", () => {
  let t: TestHub;
  let admin: Caller;
  beforeEach(async () => {
    t = await createTestHub();
    admin = await login(t.hub);
  });
  afterEach(() => t.hub.close());

  const upload = (csv: string, type = "text/csv") => admin.request("POST", "/tenants/import", csv, { "content-type": type });

  it("creates each line as POST /tenants would, parents by name from earlier lines, and says why a line was refused", async () => {
    const msp = (await admin.post("/tenants", { name: "North MSP", capabilities: [{ name: "msp" }, { name: "siem" }] })).body;
    const csv = [
      "name,parent,tags,owner",
      "Acme,,gold;eu,boss@acme.example",
      `Globex,${msp.id},,`,
      "Initech,North MSP,us,",
      "Acme,,,",
      "Hooli,Acme,,",
      ",,,",
      "Umbrella,No Such Org,,",
    ].join("\n");
    const res = await upload(csv);
    expect(res.status).toBe(200);
    const results = res.body.results as { line: number; status: string; id?: string; name?: string; error?: string; ownerInviteUrl?: string }[];
    expect(results.map((r) => [r.line, r.status])).toEqual([
      [2, "created"],
      [3, "created"],
      [4, "created"],
      [5, "refused"],
      [6, "refused"],
      [7, "refused"],
      [8, "refused"],
    ]);
    expect(results[0]!.ownerInviteUrl).toMatch(/\/accept#token=/);
    expect(results[3]!.error).toBe('a tenant named "Acme" already exists');
    expect(results[4]!.error).toMatch(/"Acme" cannot have customers/);
    expect(results[6]!.error).toBe('parent: no organization "No Such Org" in your scope (GET /orgs/tree lists them; give an id or an exact name)');
    const tree = (await admin.get("/orgs/tree")).body;
    const north = tree.children.find((c: { name: string }) => c.name === "North MSP");
    expect(north.children.map((c: { name: string }) => c.name)).toEqual(["Globex", "Initech"]);
    const acme = (await admin.get(`/tenants/${results[0]!.id!}`)).body;
    expect(acme).toMatchObject({ name: "Acme", tags: ["gold", "eu"], needsOwner: false, parentId: "org_root" });
  });

  it("refuses what is not a CSV of organizations", async () => {
    expect((await upload("name,parent\nAcme,", "application/json")).status).toBe(415);
    expect((await upload("title,owner\nAcme,x@y.z")).body.errors[0].message).toMatch(/must name the columns/);
  });
});
