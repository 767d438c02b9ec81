/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are whatever JSON the hub sent; the tests assert their shape. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Caller, createTestHub, inviteAndAccept, login, type TestHub } from "../../../test/helpers.js";
import { createPostgresTestHub } from "../../../test/postgres-hub.js";
import type { RoleRecord } from "../../domain/records.js";
import type { Hub } from "../../hub.js";

const ANALYST_ROLE = { name: "Night shift", permissions: ["organizations.view", "insights.triage"] };

/** The custom roles a caller is shown: [name, orgId, deletable], in the order listed. */
const customRoles = async (by: Caller) =>
  ((await by.get("/roles")).body.items as any[]).filter((role) => !role.builtIn).map((role) => [role.name, role.orgId, role.deletable]);

const permissionsOf = async (by: Caller) => (await by.get("/me")).body.permissions as string[];

// Custom roles belong to the organization that defined them: usable there and under it, managed
// from it and from above it, never seen by a sibling.
describe.each(["embedded", "postgres"] as const)("custom roles of organizations (%s)", (kind) => {
  let hub: Hub;
  let close: () => Promise<void>;
  let root: Caller;
  let mspA: { id: string };
  let mspB: { id: string };
  let customerOfA: { id: string };
  let adminA: Caller;
  let adminB: Caller;

  beforeEach(async () => {
    if (kind === "embedded") {
      ({ hub } = await createTestHub());
      close = () => hub.close();
    } else {
      ({ hub, close } = await createPostgresTestHub());
    }
    root = await login(hub);
    const tenant = async (body: Record<string, unknown>) => {
      const res = await root.post("/tenants", body);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body as { id: string };
    };
    mspA = await tenant({ name: "MSP A", capabilities: [{ name: "msp" }, { name: "siem" }] });
    mspB = await tenant({ name: "MSP B", capabilities: [{ name: "msp" }, { name: "siem" }] });
    customerOfA = await tenant({ name: "Customer of A", parentId: mspA.id });
    adminA = await inviteAndAccept(hub, root, mspA.id, ["Manage organization"]);
    adminB = await inviteAndAccept(hub, root, mspB.id, ["Manage organization"]);
  });
  afterEach(() => close());

  it("keeps a child MSP's role its own: the root sees it, the sibling never does, and the MSP's customers' users may hold it", async () => {
    const created = await adminA.post("/roles", ANALYST_ROLE);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ name: "Night shift", orgId: mspA.id, orgName: "MSP A", deletable: true });

    expect(await customRoles(root)).toEqual([["Night shift", mspA.id, true]]);
    // The root manages it, but cannot give it to its own staff: it is not defined at the root or above.
    expect((await root.get("/roles")).body.items.find((role: any) => role.name === "Night shift")).toMatchObject({ orgName: "MSP A", usable: false });
    expect(await customRoles(adminA)).toEqual([["Night shift", mspA.id, true]]);
    expect(await customRoles(adminB)).toEqual([]);

    // The sibling can neither find it nor tell it from a role that does not exist.
    const byName = await adminB.request("DELETE", "/roles/Night%20shift");
    const byOrg = await adminB.request("DELETE", `/roles/Night%20shift?orgId=${mspA.id}`);
    const missing = await adminB.request("DELETE", "/roles/Night%20shift?orgId=tnt_nowhere");
    expect([byName.status, byOrg.status, missing.status]).toEqual([404, 404, 404]);
    expect(byOrg.body.detail.replace(mspA.id, "{orgId}")).toBe(missing.body.detail.replace("tnt_nowhere", "{orgId}"));
    const refused = await adminB.post("/users", { email: "b.analyst@example.com", roles: ["Night shift"] });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([{ path: "roles", message: `no role named "Night shift" is usable in organization ${mspB.id}` }]);

    // Under A, in a customer of A, the role means what A defined (its name ignoring case).
    const analyst = await inviteAndAccept(hub, adminA, customerOfA.id, ["night SHIFT"]);
    expect(await permissionsOf(analyst)).toEqual(["organizations.view", "insights.triage"]);
    // Not in the root's own organization: it is not defined there or above.
    expect((await root.post("/users", { email: "root.analyst@example.com", roles: ["Night shift"] })).status).toBe(422);
    expect(await customRoles(adminA)).toEqual([["Night shift", mspA.id, true]]);
    expect((await adminB.request("DELETE", "/roles/Night%20shift")).status).toBe(404);
    expect(await customRoles(root)).toEqual([["Night shift", mspA.id, true]]);
  });

  it("lets two organizations define the same name, and the root pick which to delete", async () => {
    expect((await adminA.post("/roles", ANALYST_ROLE)).status).toBe(201);
    expect((await adminB.post("/roles", { name: "night shift", permissions: ["organizations.view"] })).status).toBe(201);
    const twice = await adminA.post("/roles", { name: "NIGHT SHIFT", permissions: ["organizations.view"] });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe("role_exists");
    expect((await adminA.post("/roles", { name: "analyst", permissions: ["organizations.view"] })).body.code).toBe("role_exists");

    expect(await customRoles(adminB)).toEqual([["night shift", mspB.id, true]]);
    expect((await customRoles(root)).sort()).toEqual([["Night shift", mspA.id, true], ["night shift", mspB.id, true]].sort());
    // Without `orgId`, the root's own: it has none of that name.
    expect((await root.request("DELETE", "/roles/Night%20shift")).status).toBe(404);
    expect((await root.request("DELETE", `/roles/Night%20shift?orgId=${mspB.id}`)).status).toBe(204);
    expect(await customRoles(root)).toEqual([["Night shift", mspA.id, true]]);
    expect(await customRoles(adminB)).toEqual([]);
    const audit = (await root.get("/audit?action=role.delete")).body.items as any[];
    expect(audit.map((entry) => [entry.target, entry.actor])).toEqual([["role:night shift", "admin@test.local"]]);
  });

  it("lets a child MSP give the MSSP's roles but not delete them, and its own definition of a name wins under it", async () => {
    expect((await root.post("/roles", { name: "Auditor", permissions: ["organizations.view", "audit.view", "api-keys.manage"] })).status).toBe(201);
    expect(await customRoles(adminA)).toEqual([["Auditor", "org_root", false]]);
    expect((await adminA.get("/roles")).body.items.find((role: any) => role.name === "Auditor")).toMatchObject({ orgName: "MSSP", usable: true });
    expect((await adminA.request("DELETE", "/roles/Auditor")).status).toBe(404);
    expect((await adminA.request("DELETE", "/roles/Auditor?orgId=org_root")).status).toBe(404);
    expect(await customRoles(root)).toEqual([["Auditor", "org_root", true]]);

    const auditor = await inviteAndAccept(hub, adminA, customerOfA.id, ["Auditor"]);
    expect(await permissionsOf(auditor)).toEqual(["organizations.view", "audit.view", "api-keys.manage"]);
    const made = await auditor.post("/api-keys", { name: "script", roles: ["Auditor"] });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const script = new Caller(hub, { bearer: made.body.key });
    // A defines its own Auditor: the users (and keys) of its organizations get A's meaning, at once.
    expect((await adminA.post("/roles", { name: "auditor", permissions: ["organizations.view", "api-keys.manage"] })).status).toBe(201);
    expect(await permissionsOf(auditor)).toEqual(["organizations.view", "api-keys.manage"]);
    expect(await permissionsOf(script)).toEqual(["organizations.view", "api-keys.manage"]);
    expect((await script.get("/audit")).status).toBe(403);
    // Listed nearest first: what the name means here.
    expect(await customRoles(adminA)).toEqual([["auditor", mspA.id, true], ["Auditor", "org_root", false]]);
    // The root's administrator manages it too; gone, the MSSP's meaning is back.
    expect((await root.request("DELETE", `/roles/auditor?orgId=${mspA.id}`)).status).toBe(204);
    expect(await permissionsOf(auditor)).toEqual(["organizations.view", "audit.view", "api-keys.manage"]);
    expect((await script.get("/audit")).status).toBe(200);
  });

  it("refuses to move a customer whose users would lose a role defined by its old parent, naming them, until they hold others", async () => {
    expect((await adminA.post("/roles", ANALYST_ROLE)).status).toBe(201);
    const invited = await adminA.post("/users", { email: "night@customer-a.example", orgId: customerOfA.id, roles: ["Night shift"] });
    expect(invited.status, JSON.stringify(invited.body)).toBe(201);
    const move = () => root.patch(`/tenants/${customerOfA.id}`, { parentId: mspB.id });
    const refused = await move();
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toBe('users of "Customer of A" hold roles defined above it that mean nothing under "MSP B": night@customer-a.example (Night shift); give them other roles first');
    expect((await root.get(`/tenants/${customerOfA.id}`)).body.parentId).toBe(mspA.id);

    expect((await adminA.patch(`/users/${invited.body.id}`, { roles: ["Analyst"] })).status).toBe(200);
    const moved = await move();
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.parentId).toBe(mspB.id);
  });

  it("takes an organization's roles with it when it is deleted", async () => {
    const plain = (await root.post("/tenants", { name: "Plain" })).body as { id: string };
    const own = await root.request("POST", "/roles", { name: "Plain staff", permissions: ["organizations.view"] }, { "canopy-org": plain.id });
    expect(own.status).toBe(201);
    expect(own.body.orgId).toBe(plain.id);
    expect(await customRoles(root)).toEqual([["Plain staff", plain.id, true]]);
    expect((await root.request("DELETE", `/tenants/${plain.id}`)).status).toBe(204);
    expect(await customRoles(root)).toEqual([]);
  });
});

describe("custom roles of earlier versions (embedded)", () => {
  let t: TestHub;
  beforeEach(async () => {
    t = await createTestHub();
  });
  afterEach(() => t.hub.close());

  it("reads a role kept without an organization as the root's", async () => {
    t.store.collection<RoleRecord>("roles").put({ id: "legacy", name: "Legacy", permissions: ["organizations.view"], createdBy: "admin@test.local", createdAt: "2029-01-01T00:00:00.000Z" });
    const root = await login(t.hub);
    const msp = (await root.post("/tenants", { name: "MSP", capabilities: [{ name: "msp" }] })).body as { id: string };
    const adminOfMsp = await inviteAndAccept(t.hub, root, msp.id, ["Manage organization"]);
    expect(await customRoles(root)).toEqual([["Legacy", "org_root", true]]);
    expect(await customRoles(adminOfMsp)).toEqual([["Legacy", "org_root", false]]);
    const holder = await inviteAndAccept(t.hub, adminOfMsp, msp.id, ["Legacy"]);
    expect(await permissionsOf(holder)).toEqual(["organizations.view"]);
    // The MSP may keep a role of the same name; the root's stays the root's to delete.
    expect((await adminOfMsp.post("/roles", { name: "legacy", permissions: ["organizations.view"] })).status).toBe(201);
    expect((await root.request("DELETE", "/roles/LEGACY")).status).toBe(204);
    expect(await customRoles(root)).toEqual([["legacy", msp.id, true]]);
  });
});
