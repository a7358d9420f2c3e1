// /api/invites: what an invite link offers, and accepting it (sets the password, signs in).
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { getDb } from "../platform/db/client";
import { validate } from "../platform/http/validate";
import { iso } from "../platform/lib/time";
import { publish } from "../platform/realtime/publish";
import { audit } from "./audit";
import { hashPassword, secretHash } from "./password";
import { openSession } from "./sessions";
import { openInvite, revokeSessionsOf, takeInvite } from "./sessions.queries";
import { acceptInviteBody, tokenParam } from "./team.schemas";
import { assertNotBlocked, clientOf, failedAttempt } from "./throttle";
import { updateUser } from "./users.queries";
import { meView } from "./views";

const gone = () => new ApiError(404, "invite_invalid", "This invite link is not valid any more: ask for a new one");

async function findOpen(env: Env, client: string, token: string) {
  assertNotBlocked(client);
  const found = await openInvite(getDb(env.DB), await secretHash(token), Date.now());
  if (!found || found.user.disabled) {
    await failedAttempt(env, client);
    throw gone();
  }
  return found;
}

export const invitesRoutes = new Hono<AppEnv>()
  .get("/:token", validate("param", tokenParam), async (c) => {
    const { invite, user } = await findOpen(c.env, clientOf(c.req), c.req.valid("param").token);
    return c.json({ email: user.email, name: user.name, role: user.role, expires_at: iso(invite.expiresAt) });
  })

  .post("/accept", validate("json", acceptInviteBody), async (c) => {
    const body = c.req.valid("json");
    const { invite, user } = await findOpen(c.env, clientOf(c.req), body.token);
    const db = getDb(c.env.DB);
    if (!(await takeInvite(db, invite.id, Date.now()))) throw gone();
    await updateUser(db, user.id, { passwordHash: await hashPassword(body.password) });
    // A link used to reset a password ends the sessions opened with the old one.
    await revokeSessionsOf(db, user.id, Date.now());
    const session = await openSession(c, user.id);
    const me = await meView(c.env, user);
    await audit(c, { action: "user.accept_invite", targetType: "user", targetId: user.id }, me.principal);
    await publish(c.env, "users", user.id);
    return c.json({ authenticated: true, expires_at: iso(session.expiresAt), ...me.view });
  });
