import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { agentsRoutes } from "./agents/agents.routes";
import { campaignsRoutes } from "./campaigns/campaigns.routes";
import { contactsRoutes } from "./contacts/contacts.routes";
import { tagsRoutes } from "./contacts/tags.routes";
import type { AppEnv } from "./env";
import { ApiError, codeForStatus, errorBody } from "./errors";
import { conversationsRoutes } from "./inbox/conversations.routes";
import { instancesRoutes } from "./instances/instances.routes";
import { webhookRoutes } from "./instances/webhook.routes";
import { webhookEventsRoutes } from "./instances/webhook-events.routes";
import { menusRoutes } from "./menus/menus.routes";
import { limitBodyByPath } from "./platform/http/body-limit";
import { requestLog } from "./platform/http/request-log";
import { securityHeaders } from "./platform/http/security-headers";
import { realtimeRoutes } from "./platform/realtime/realtime.routes";
import { apiKeysRoutes } from "./team/api-keys.routes";
import { auditRoutes } from "./team/audit.routes";
import { requireAuth } from "./team/auth";
import { invitesRoutes } from "./team/invites.routes";
import { meRoutes } from "./team/me.routes";
import { sessionRoutes } from "./team/session.routes";
import { unitsRoutes } from "./team/units.routes";
import { usersRoutes } from "./team/users.routes";

export function createApp() {
  // One chain, so `typeof app` carries every route's schema for the dashboard's `hc<App>` client.
  const app = new Hono<AppEnv>()
    .use("*", requestLog)
    .use("*", securityHeaders)
    .get("/healthz", (c) => c.json({ ok: true, time: new Date().toISOString() }))
    .use("/api/*", requireAuth)
    .use("/api/*", limitBodyByPath)
    .use("/webhooks/*", limitBodyByPath)
    .route("/api/session", sessionRoutes)
    .route("/api/invites", invitesRoutes)
    .route("/api/me", meRoutes)
    .route("/api/users", usersRoutes)
    .route("/api/units", unitsRoutes)
    .route("/api/api-keys", apiKeysRoutes)
    .route("/api/audit", auditRoutes)
    .route("/api/realtime", realtimeRoutes)
    .route("/webhooks", webhookRoutes)
    .route("/api/instances", instancesRoutes)
    .route("/api/workflows", menusRoutes)
    .route("/api/contacts", contactsRoutes)
    .route("/api/campaigns", campaignsRoutes)
    .route("/api/tags", tagsRoutes)
    .route("/api/agents", agentsRoutes)
    .route("/api/conversations", conversationsRoutes)
    .route("/api/webhook-events", webhookEventsRoutes);

  app.notFound((c) => c.json(errorBody("not_found", `No route for ${c.req.method} ${c.req.path}`), 404));
  app.onError((err, c) => {
    if (err instanceof ApiError) return c.json(errorBody(err.code, err.message, err.details), err.status);
    if (err instanceof HTTPException) {
      const status = err.status as ContentfulStatusCode;
      return c.json(errorBody(codeForStatus(status), err.message || codeForStatus(status)), status);
    }
    console.error(JSON.stringify({ at: "unhandled", id: c.get("requestId"), error: String(err), stack: (err as Error)?.stack }));
    return c.json(errorBody("internal_error", "Something went wrong; the error was logged"), 500);
  });
  return app;
}

export const app = createApp();
export type App = typeof app;
