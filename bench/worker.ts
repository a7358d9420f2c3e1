// The Worker `npm run bench:webhooks` runs (bench/webhooks.ts has e2e/stack.ts start it):
// the deployed Worker (worker/index.ts) unchanged, plus POST /__bench/empty, the baseline — the
// same runtime, server and request log, reading the body and doing nothing else. Not part of
// the deployed Worker.
import { Hono } from "hono";
import type { AppEnv } from "../worker/env";
import worker from "../worker/index";
import { requestLog } from "../worker/platform/http/request-log";

export { Hub, SendClock, WaInstance } from "../worker/index";

const bench = new Hono<AppEnv>().use("*", requestLog).post("/__bench/empty", async (c) => {
  await c.req.text();
  return c.json({ ok: true });
});

export default {
  fetch: (request, env, ctx) =>
    request.method === "POST" && new URL(request.url).pathname === "/__bench/empty" ? bench.fetch(request, env, ctx) : worker.fetch(request, env, ctx),
  queue: worker.queue,
} satisfies ExportedHandler<Env>;
