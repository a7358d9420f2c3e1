// /api/users: the team. Owners and admins invite and manage people; only an owner manages
// owners, and the last active owner can be neither demoted nor disabled.
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { ApiError, conflict, notFound } from "../errors";
import { getDb } from "../platform/db/client";
import { validate } from "../platform/http/validate";
import { newId } from "../platform/lib/ids";
import { disconnectSockets, publish } from "../platform/realtime/publish";
import { audit } from "./audit";
import { newInvite } from "./invites";
import type { Principal } from "./principal";
import { revokeSessionsOf } from "./sessions.queries";
import { createUserBody, idParam, patchUserBody } from "./team.schemas";
import { existingIds } from "./units.queries";
import { countOwners, getUser, getUserByEmail, insertUser, listUsers, unitsOfUsers, updateUser } from "./users.queries";
import { userView } from "./views";

const ownerOnly = (p: Principal, what: string) => {
  if (p.role !== "owner") throw new ApiError(403, "forbidden", `Only an owner may ${what}`);
};

async function checkUnits(env: Env, unitIds: string[] | undefined) {
  if (!unitIds?.length) return;
  const known = await existingIds(getDb(env.DB), "units", unitIds);
  const missing = unitIds.filter((id) => !known.has(id));
  if (missing.length) throw new ApiError(400, "validation_failed", `Unknown unit: ${missing[0]}`, [{ path: "unit_ids", message: "unknown unit" }]);
}

async function viewOf(env: Env, id: string) {
  const db = getDb(env.DB);
  const u = await getUser(db, id);
  if (!u) throw notFound("User");
  return userView(u, (await unitsOfUsers(db, [id])).get(id) ?? []);
}

export const usersRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const db = getDb(c.env.DB);
    const rows = await listUsers(db);
    const units = await unitsOfUsers(
      db,
      rows.map((r) => r.id),
    );
    return c.json({ items: rows.map((u) => userView(u, units.get(u.id) ?? [])) });
  })

  .post("/", validate("json", createUserBody), async (c) => {
    const p = c.get("principal")!;
    const body = c.req.valid("json");
    if (body.role === "owner") ownerOnly(p, "invite an owner");
    const db = getDb(c.env.DB);
    if (await getUserByEmail(db, body.email)) throw conflict(`${body.email} is already on the team`);
    await checkUnits(c.env, body.unit_ids);
    const id = newId("user");
    await insertUser(db, { id, email: body.email, name: body.name, role: body.role, capacity: body.capacity ?? null }, body.unit_ids);
    const invite = await newInvite(c.env, new URL(c.req.url).origin, id, p.user?.id ?? null);
    await audit(c, { action: "user.invite", targetType: "user", targetId: id, details: { email: body.email, role: body.role } });
    await publish(c.env, "users", id);
    return c.json({ id, ...invite, user: await viewOf(c.env, id) }, 201);
  })

  .patch("/:id", validate("param", idParam), validate("json", patchUserBody), async (c) => {
    const p = c.get("principal")!;
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const db = getDb(c.env.DB);
    const user = await getUser(db, id);
    if (!user) throw notFound("User");
    if (user.role === "owner" || body.role === "owner") ownerOnly(p, "change an owner or make one");
    const losesOwner = user.role === "owner" && !user.disabled && ((body.role && body.role !== "owner") || body.disabled === true);
    if (losesOwner && (await countOwners(db)) <= 1) throw conflict("The last owner can be neither demoted nor disabled");
    await checkUnits(c.env, body.unit_ids);
    await updateUser(db, id, { name: body.name, role: body.role, disabled: body.disabled, capacity: body.capacity }, body.unit_ids);
    // A change of role, units or access takes effect at once: sessions end on disable, and the
    // user's sockets reconnect with what they may see now.
    if (body.disabled === true) await revokeSessionsOf(db, id, Date.now());
    if (body.disabled !== undefined || body.role !== undefined || body.unit_ids !== undefined) await disconnectSockets(c.env, { userId: id });
    const action = body.disabled === true ? "user.disable" : body.disabled === false ? "user.enable" : "user.update";
    await audit(c, { action, targetType: "user", targetId: id, details: { ...body } });
    await publish(c.env, "users", id);
    return c.json(await viewOf(c.env, id));
  })

  /** A fresh invite link (also how a forgotten password is reset): older links stop working. */
  .post("/:id/invite", validate("param", idParam), async (c) => {
    const p = c.get("principal")!;
    const { id } = c.req.valid("param");
    const user = await getUser(getDb(c.env.DB), id);
    if (!user) throw notFound("User");
    if (user.role === "owner") ownerOnly(p, "reset an owner's access");
    const invite = await newInvite(c.env, new URL(c.req.url).origin, id, p.user?.id ?? null);
    await audit(c, { action: "user.invite_link", targetType: "user", targetId: id });
    return c.json({ id, ...invite }, 201);
  });
