import { Hono } from "hono";
import type { AppEnv } from "../../env";
import { ApiError } from "../../errors";
import { HUB_NAME, OWNER_HEADER, type SocketOwner } from "./hub";

// GET /api/realtime: the tenant-wide WebSocket (auth and origin already checked by the /api
// middleware). The hub learns who holds the socket from a header only this route sets.
export const realtimeRoutes = new Hono<AppEnv>().get("/", (c) => {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") throw new ApiError(426, "upgrade_required", "Connect with a WebSocket upgrade");
  const p = c.get("principal")!;
  const owner: SocketOwner = {
    userId: p.user?.id ?? null,
    sessionId: p.sessionId,
    role: p.role,
    name: p.user?.name ?? "Owner",
    instanceIds: p.instanceIds,
  };
  const headers = new Headers(c.req.raw.headers);
  headers.set(OWNER_HEADER, JSON.stringify(owner));
  return c.env.HUB.getByName(HUB_NAME).fetch(new Request(c.req.raw, { headers }));
});
