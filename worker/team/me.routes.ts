// /api/me: the signed-in person — profile, password, sessions ("sign out everywhere").
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { ApiError, notFound } from "../errors";
import { getDb } from "../platform/db/client";
import { validate } from "../platform/http/validate";
import { iso } from "../platform/lib/time";
import { disconnectSockets, publish } from "../platform/realtime/publish";
import { audit } from "./audit";
import { hashPassword, verifyPassword } from "./password";
import type { Principal } from "./principal";
import { clearSessionCookie } from "./sessions";
import { liveSessionsOf, revokeSession, revokeSessionsOf } from "./sessions.queries";
import { idParam, passwordBody, patchMeBody } from "./team.schemas";
import { getUser, updateUser } from "./users.queries";
import { principalView } from "./views";

const personOf = (p: Principal) => {
  if (!p.user) throw new ApiError(400, "no_account", "The admin token has no profile: create your own account on the Team page");
  return p.user;
};

export const meRoutes = new Hono<AppEnv>()
  .get("/", (c) => c.json(principalView(c.get("principal")!)))

  .patch("/", validate("json", patchMeBody), async (c) => {
    const me = personOf(c.get("principal")!);
    await updateUser(getDb(c.env.DB), me.id, { name: c.req.valid("json").name });
    await publish(c.env, "users", me.id);
    return c.json({ ...principalView(c.get("principal")!), user: { ...me, name: c.req.valid("json").name } });
  })

  /** Changing the password ends every other session of the person at once. */
  .post("/password", validate("json", passwordBody), async (c) => {
    const p = c.get("principal")!;
    const me = personOf(p);
    const db = getDb(c.env.DB);
    const body = c.req.valid("json");
    const row = await getUser(db, me.id);
    if (!row) throw notFound("User");
    if (!(await verifyPassword(body.current_password, row.passwordHash))) throw new ApiError(403, "invalid_credentials", "The current password is not right");
    await updateUser(db, me.id, { passwordHash: await hashPassword(body.new_password) });
    const ended = await revokeSessionsOf(db, me.id, Date.now(), p.sessionId ?? undefined);
    for (const s of ended) await disconnectSockets(c.env, { sessionId: s.id });
    await audit(c, { action: "user.password_change", targetType: "user", targetId: me.id, details: { sessions_ended: ended.length } });
    return c.json({ changed: true, sessions_ended: ended.length });
  })

  .get("/sessions", async (c) => {
    const p = c.get("principal")!;
    const rows = await liveSessionsOf(getDb(c.env.DB), p.user?.id ?? null, Date.now());
    return c.json({
      items: rows.map((s) => ({
        id: s.id,
        current: s.id === p.sessionId,
        user_agent: s.userAgent,
        ip: s.ip,
        created_at: iso(s.createdAt),
        last_seen_at: iso(s.lastSeenAt),
        expires_at: iso(s.expiresAt),
      })),
    });
  })

  .delete("/sessions/:id", validate("param", idParam), async (c) => {
    const p = c.get("principal")!;
    const { id } = c.req.valid("param");
    const mine = (await liveSessionsOf(getDb(c.env.DB), p.user?.id ?? null, Date.now())).some((s) => s.id === id);
    if (!mine) throw notFound("Session");
    await revokeSession(getDb(c.env.DB), id, Date.now());
    await disconnectSockets(c.env, { sessionId: id });
    if (id === p.sessionId) clearSessionCookie(c);
    await audit(c, { action: "session.revoke", targetType: "session", targetId: id });
    return c.json({ revoked: true, id });
  })

  /** Sign out everywhere: this session too. */
  .post("/sessions/revoke-all", async (c) => {
    const p = c.get("principal")!;
    const ended = await revokeSessionsOf(getDb(c.env.DB), p.user?.id ?? null, Date.now());
    for (const s of ended) await disconnectSockets(c.env, { sessionId: s.id });
    clearSessionCookie(c);
    await audit(c, { action: "session.revoke_all", targetType: "user", targetId: p.user?.id ?? null, details: { sessions_ended: ended.length } });
    return c.json({ revoked: ended.length });
  });
