import { StoreWriteError } from "@canopy/store";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openHubData, type HubDataHarness, type HubDataKind } from "../../test/hub-data-harness.js";
import { manualClock } from "../../test/helpers.js";
import { isoAt } from "../core/clock.js";
import { ProblemError } from "../core/problem-error.js";
import { DASHBOARDS_PER_USER_MAX, Dashboards } from "../dashboards/dashboards.js";
import { newApiKey, resolveApiKey } from "./api-keys.js";
import { roleId } from "./role-repository.js";
import { newSession, resolveSession, SESSION_TTL_MS } from "./sessions.js";
import { authenticate, bootstrapAdmin, newUser } from "./users.js";

describe.each<HubDataKind>(["embedded", "postgres"])("hub repositories (%s)", (kind) => {
  let clock: ReturnType<typeof manualClock>;
  let h: HubDataHarness;
  beforeEach(async () => {
    clock = manualClock();
    h = await openHubData(kind, clock);
  });
  afterEach(() => h.close());

  const auditActions = async () => (await h.audit.list({ limit: 100 })).items.map((entry) => entry.action);

  it("keeps users by id and by email, whatever case the email is typed in", async () => {
    const ada = await newUser("  Ada@Example.COM ", "correct horse", "operator", clock);
    await h.data.write((tx) => tx.users.insert(ada));
    expect(await h.data.users.get(ada.id)).toEqual(ada);
    expect((await h.data.users.findByEmail("ADA@example.com"))?.id).toBe(ada.id);
    expect(await h.data.users.findByEmail("bob@example.com")).toBeUndefined();
    expect(await h.data.users.count()).toBe(1);
    expect((await authenticate(h.data.users, "ada@example.com", "correct horse"))?.id).toBe(ada.id);
    expect(await authenticate(h.data.users, "ada@example.com", "wrong")).toBeNull();
  });

  it("refuses a second user with the same email (409), and the unit's audit entry goes with it", async () => {
    await h.data.write(async (tx) => tx.users.insert(await newUser("ada@example.com", "pw one", "admin", clock)));
    const twin = await newUser("ADA@example.com", "pw two", "viewer", clock);
    const refused = h.data.write(async (tx) => {
      await tx.users.insert(twin);
      await tx.audit.record({ actor: "test", action: "user.create", target: `user:${twin.id}` });
    });
    await expect(refused).rejects.toMatchObject({ status: 409, code: "user_exists" });
    expect(await h.data.users.get(twin.id)).toBeUndefined();
    expect(await h.data.users.count()).toBe(1);
    expect(await auditActions()).toEqual([]);
  });

  it("creates the first admin once, audited with it", async () => {
    const first = await bootstrapAdmin(h.data, clock, "Admin@Canopy.local", undefined);
    expect(first).toMatchObject({ email: "admin@canopy.local" });
    expect(first!.generatedPassword).toMatch(/.{12,}/);
    expect(await bootstrapAdmin(h.data, clock, "other@canopy.local", "pw")).toBeNull();
    expect((await authenticate(h.data.users, "admin@canopy.local", first!.generatedPassword!))?.roles).toEqual(["admin"]);
    const [entry] = (await h.audit.list({ limit: 10 })).items;
    expect(entry).toMatchObject({ actor: "system", action: "user.create", target: `user:${first!.userId}`, detail: { email: "admin@canopy.local", roles: ["admin"] } });
  });

  it("resolves a session until it expires, then drops it", async () => {
    const { token, session } = newSession("usr_1", clock);
    await h.data.write((tx) => tx.sessions.insert(session));
    expect(await resolveSession(h.data.sessions, token, clock)).toEqual(session);
    expect(await resolveSession(h.data.sessions, `${token}x`, clock)).toBeUndefined();
    clock.advance(SESSION_TTL_MS);
    expect(await resolveSession(h.data.sessions, token, clock)).toBeUndefined();
    expect(await h.data.sessions.get(session.id)).toBeUndefined();
  });

  it("sweeps expired sessions and keeps live ones", async () => {
    const early = newSession("usr_1", clock).session;
    clock.advance(60_000);
    const late = newSession("usr_2", clock).session;
    await h.data.write(async (tx) => {
      await tx.sessions.insert(early);
      await tx.sessions.insert(late);
    });
    expect(await h.data.sessions.deleteExpired(early.expiresAt)).toBe(1);
    expect(await h.data.sessions.get(early.id)).toBeUndefined();
    expect(await h.data.sessions.get(late.id)).toEqual(late);
    expect(await h.data.sessions.deleteExpired(isoAt(clock()))).toBe(0);
    expect(await h.data.write((tx) => tx.sessions.delete(late.id))).toBe(true);
    expect(await h.data.write((tx) => tx.sessions.delete(late.id))).toBe(false);
  });

  it("lists API keys oldest first (ties by id), resolves only the right secret, deletes once", async () => {
    const made = [] as ReturnType<typeof newApiKey>[];
    for (let n = 0; n < 5; n++) {
      made.push(newApiKey({ name: `key ${n}`, roles: ["operator"], userId: undefined, createdBy: "admin@x" }, clock));
      if (n % 2 === 1) clock.advance(1000);
    }
    await h.data.write(async (tx) => {
      for (const { record } of [...made].reverse()) await tx.apiKeys.insert(record);
    });
    const expected = made.map((m) => m.record).sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1));
    expect(await h.data.apiKeys.list()).toEqual(expected);
    const [first] = made;
    expect((await resolveApiKey(h.data.apiKeys, first!.key))?.id).toBe(first!.record.id);
    expect(await resolveApiKey(h.data.apiKeys, `${first!.record.id}.wrong-secret`)).toBeUndefined();
    expect(await resolveApiKey(h.data.apiKeys, "no-dot")).toBeUndefined();
    expect(await h.data.write((tx) => tx.apiKeys.delete(first!.record.id))).toBe(true);
    expect(await h.data.write((tx) => tx.apiKeys.delete(first!.record.id))).toBe(false);
    expect(await h.data.apiKeys.get(first!.record.id)).toBeUndefined();
  });

  it("files each audit entry under the organization it concerns, and lists one organization's (the root's: those with none)", async () => {
    await h.data.write(async (tx) => {
      await tx.audit.record({ actor: "admin@x", action: "role.create", target: "role:Night" });
      await tx.audit.record({ actor: "admin@x", action: "tenant.update", target: "tenant:tnt_b" });
      await tx.audit.record({ actor: "admin@x", action: "user.invite", target: "user:usr_1", orgId: "tnt_a" });
    });
    const actions = async (orgIds: string[]) => (await h.audit.list({ limit: 10, orgIds: new Set(orgIds) })).items.map((entry) => entry.action);
    expect(await actions(["org_root"])).toEqual(["role.create"]);
    expect(await actions(["tnt_b"])).toEqual(["tenant.update"]);
    expect(await actions(["tnt_a", "tnt_b"])).toEqual(["user.invite", "tenant.update"]);
    expect((await h.audit.list({ limit: 10 })).items).toHaveLength(3);
  });

  it("keeps custom roles by organization: one name in each of two, unique ignoring case within one", async () => {
    const role = (orgId: string | undefined, name: string) => ({
      id: roleId(orgId ?? "org_root", name),
      name,
      ...(orgId ? { orgId } : {}),
      permissions: ["organizations.view"],
      createdBy: "admin@x",
      createdAt: isoAt(clock()),
    });
    const [rootRole, childRole, otherRole] = [role(undefined, "Night shift"), role("tnt_b", "night shift"), role("tnt_a", "Day shift")];
    await h.data.write(async (tx) => {
      for (const made of [rootRole, childRole, otherRole]) await tx.roles.insert(made);
    });
    await expect(h.data.write((tx) => tx.roles.insert(role("tnt_b", "NIGHT SHIFT")))).rejects.toMatchObject({ status: 409, code: "role_exists" });
    expect(await h.data.roles.get("tnt_b", "Night Shift")).toEqual(childRole);
    expect(await h.data.roles.get("tnt_a", "Night shift")).toBeUndefined();
    expect(await h.data.roles.definedBy(null)).toEqual([rootRole, otherRole, childRole]);
    expect(await h.data.roles.definedBy(["tnt_b", "org_root"])).toEqual([rootRole, childRole]);
    expect(await h.data.roles.countOf("tnt_b")).toBe(1);
    expect(await h.data.write((tx) => tx.roles.delete("tnt_a", "night shift"))).toBe(false);
    expect(await h.data.write((tx) => tx.roles.delete("tnt_b", "night SHIFT"))).toBe(true);
    expect(await h.data.roles.get("org_root", "night shift")).toEqual(rootRole);
    expect(await h.data.write((tx) => tx.roles.deleteAllOf("tnt_a"))).toBe(1);
    expect(await h.data.roles.definedBy(null)).toEqual([rootRole]);
  });

  it("writes a change and its audit entry together, and a refused write leaves neither", async () => {
    const { record } = newApiKey({ name: "ci", roles: ["viewer"], userId: undefined, createdBy: "admin@x" }, clock);
    await h.data.write(async (tx) => {
      await tx.apiKeys.insert(record);
      await tx.audit.record({ actor: "admin@x", action: "api-key.create", target: `api-key:${record.id}`, detail: { name: "ci" } });
    });
    expect(await auditActions()).toEqual(["api-key.create"]);

    await h.breakWrites();
    const user = await newUser("eve@example.com", "pw", "viewer", clock);
    const refused = h.data.write(async (tx) => {
      await tx.users.insert(user);
      await tx.audit.record({ actor: "admin@x", action: "user.create", target: `user:${user.id}` });
    });
    await expect(refused).rejects.toBeInstanceOf(StoreWriteError);
    await h.mendWrites();
    expect(await h.data.users.get(user.id)).toBeUndefined();
    expect(await auditActions()).toEqual(["api-key.create"]);
    // And the next write goes through.
    await h.data.write((tx) => tx.users.insert(user));
    expect((await h.data.users.get(user.id))?.email).toBe("eve@example.com");
  });

  it("keeps each owner's dashboards apart, caps them, and makes the default once however often it is asked at once", async () => {
    const dashboards = new Dashboards(clock);
    const maker = (ownerId: string) => ({ ownerId, ownerLabel: `${ownerId}@example.com`, orgId: "org_root" });
    const make = (owner: string, name: string) => h.data.write((tx) => dashboards.create(tx.dashboards, maker(owner), { name, widgets: [] }));
    const first = await make("usr_a", "A");
    await expect(dashboards.require(h.data.dashboards, "usr_b", first.id)).rejects.toMatchObject({ status: 404 });
    for (let i = 1; i < DASHBOARDS_PER_USER_MAX; i++) {
      clock.advance(1);
      await make("usr_a", `A${i}`);
    }
    await expect(make("usr_a", "one too many")).rejects.toMatchObject({ status: 409, code: "dashboard_limit" });
    expect((await make("usr_b", "B")).ownerId).toBe("usr_b");
    expect((await h.data.dashboards.list("usr_a")).map((d) => d.name).slice(0, 3)).toEqual(["A", "A1", "A2"]);

    const visits = await Promise.all([1, 2, 3].map(() => h.data.write((tx) => dashboards.listOrCreateDefault(tx.dashboards, maker("usr_c")))));
    expect(visits.filter((visit) => visit.created !== null)).toHaveLength(1);
    expect(visits.map((visit) => visit.items.map((d) => d.name))).toEqual([["MSSP overview"], ["MSSP overview"], ["MSSP overview"]]);

    // Someone else's dashboard is not found, and stays as it was.
    const others = visits[0]!.items[0]!;
    await expect(h.data.write((tx) => dashboards.replace(tx.dashboards, maker("usr_b"), others.id, { name: "mine now", widgets: [] }))).rejects.toMatchObject({ status: 404 });
    expect((await h.data.dashboards.get(others.id))?.name).toBe("MSSP overview");
    expect(await h.data.write((tx) => tx.dashboards.deleteAllOf("usr_a"))).toBe(DASHBOARDS_PER_USER_MAX);
    expect(await h.data.dashboards.list("usr_a")).toEqual([]);
    expect(await h.data.dashboards.list("usr_b")).toHaveLength(1);
  });

  it("tells the caller's own refusal from the storage's", async () => {
    const refusal = h.data.write(async () => {
      throw new ProblemError(422, "invalid_request", "no");
    });
    await expect(refusal).rejects.toBeInstanceOf(ProblemError);
  });
});
