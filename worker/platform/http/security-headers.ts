// The Worker's own responses (API, webhooks) carry the security headers the dashboard's static
// files get from web/public/_headers: nothing here is meant to be framed, sniffed or referred.
import { createMiddleware } from "hono/factory";

export const securityHeaders = createMiddleware(async (c, next) => {
  await next();
  // A WebSocket upgrade's 101 is passed through as it is.
  if (c.res.status === 101) return;
  let h = c.res.headers;
  try {
    h.set("X-Content-Type-Options", "nosniff");
  } catch {
    // Headers of a response fetched from elsewhere (a Durable Object, R2) can be immutable.
    c.res = new Response(c.res.body, c.res);
    h = c.res.headers;
  }
  h.set("X-Content-Type-Options", "nosniff");
  h.set("X-Frame-Options", "DENY");
  h.set("Referrer-Policy", "same-origin");
  h.set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
});
