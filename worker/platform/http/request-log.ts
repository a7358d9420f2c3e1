import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../env";
import { randomToken } from "../lib/ids";
import { redactUrl } from "../lib/redact";

/** One line per request: id, method, path (credential-like query params masked), status, ms. */
export const requestLog = createMiddleware<AppEnv>(async (c, next) => {
  const requestId = c.req.header("x-request-id")?.slice(0, 64) || randomToken(12);
  c.set("requestId", requestId);
  const started = Date.now();
  await next();
  c.header("x-request-id", requestId);
  // Accepted webhook deliveries already log their own line ("webhook received !!! …").
  if (c.res.ok && c.req.path.startsWith("/webhooks/")) return;
  console.log(
    JSON.stringify({
      at: "request",
      id: requestId,
      method: c.req.method,
      path: redactUrl(c.req.url),
      status: c.res.status,
      ms: Date.now() - started,
    }),
  );
});
