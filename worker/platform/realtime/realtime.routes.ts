import { Hono } from "hono";
import type { AppEnv } from "../../env";
import { ApiError } from "../../errors";
import { HUB_NAME } from "./hub";

// GET /api/realtime: the tenant-wide WebSocket (auth already checked by the /api middleware).
export const realtimeRoutes = new Hono<AppEnv>().get("/", (c) => {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") throw new ApiError(426, "upgrade_required", "Connect with a WebSocket upgrade");
  return c.env.HUB.getByName(HUB_NAME).fetch(c.req.raw);
});
