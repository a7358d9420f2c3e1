/**
 * Evolution API v2 simulator — the embedded default of PRODUCT.md §2, and the fake Evolution
 * server the tests talk to. Pure Hono + Web APIs: the same code runs inside workerd (vitest) and
 * in Node (`npm run sim`, see ./node.ts). All state is in memory.
 *
 *   const sim = createEvolutionSimulator({ apiKey: "global-key", deliver: (url, init) => fetch(url, init) });
 *   sim.app.fetch(request)            // the HTTP handler
 *
 * Evolution v2 routes (validated and answered as EVOLUTION.md §1–§2 describe; `apikey` header):
 *   POST   /instance/create                 GET /instance/connect/:name[?number=]
 *   GET    /instance/connectionState/:name  GET /instance/fetchInstances[?instanceName=]
 *   POST   /instance/restart/:name          DELETE /instance/logout/:name   DELETE /instance/delete/:name
 *   POST   /webhook/set/:name               GET /webhook/find/:name
 *   POST   /message/sendText/:name          POST /message/sendMedia/:name   POST /message/sendWhatsAppAudio/:name
 *   POST   /chat/whatsappNumbers/:name      POST /chat/getBase64FromMediaMessage/:name
 *   POST   /chat/findMessages/:name
 *
 * Control API (no apikey; JSON in and out; errors are `{error}` with 400/404/409):
 *   GET  /_sim                               HTML page: instances, QR, Scan/Disconnect, inject, fail sends, sends
 *   GET  /_sim/health                        {ok:true, instances}
 *   GET  /_sim/instances                     summaries: name, id, token, state, ownerJid, qr {code, base64, pairingCode, count}, webhook, failSends
 *   GET  /_sim/instances/:name               one summary (404 if unknown)
 *   POST /_sim/instances/:name/scan          {number?, profileName?} → connection.update open (409 unless connecting)
 *   POST /_sim/instances/:name/disconnect    {statusReason? = 401} → close + status.instance + logout.instance;
 *                                            a non-permanent code (408, 428, 515, …) flaps connecting → open instead
 *   POST /_sim/instances/:name/refresh-qr    new QR + qrcode.updated (while connecting)
 *   POST /_sim/instances/:name/inbound       {from, pushName?, text?, media?:{type: image|video|audio|document|sticker,
 *                                            base64?, mimetype?, fileName?, caption?}, lid?, group?, fromMe?, id?, timestamp?}
 *                                            or {messages:[…]} → messages.upsert each (instance must be open); 201 {messages}
 *   POST /_sim/instances/:name/fail-sends    {count, status? = 500, message?} → the next N valid sends fail
 *   GET  /_sim/instances/:name/sends         every request received on a send route: {at, route, body (as received), status, keyId?,
 *                                            fault? (the fault mode its answer got: status/keyId are what was done)}
 *   GET  /_sim/faults                        the server fault: {mode, scope, active, remaining, until, hits, setAt}
 *   POST /_sim/faults                        {mode, scope? = "send", count? | for_ms?} → the same; 400 on bad input; {mode:"none"} clears.
 *                                            mode: accept-502 (performed and recorded, webhooks as usual, then an nginx 502 page)
 *                                            | accept-drop (performed, then the connection is dropped) | hang (not processed, never
 *                                            answered) | accept-hang (performed, never answered) | refuse (nothing processed, the
 *                                            connection fails at once). scope: send = /message/*, all = every Evolution route (an
 *                                            outage). count = the next N matching requests; for_ms = until now + for_ms (then normal by
 *                                            itself, on the `now` clock); neither = until cleared. drop/hang/refuse are realized by
 *                                            the transport from an `x-sim-fault: drop|hang|refuse` header (node-transport.ts; the
 *                                            workerd tests' worker/test/simulator-harness.ts); a bare app.fetch sees a marked 502.
 *   GET  /_sim/deliveries[?instance=&event=] every webhook delivery attempt: {id, event, instance, url, attempt, copy, status, error?, ms}
 *   GET  /_sim/network                       current chaos settings + held count
 *   POST /_sim/network                       {duplicate?: extra copies per delivery, delayMs?, jitterMs?, hold?: queue deliveries}
 *   POST /_sim/network/release               {order?: fifo|reverse|shuffle} → sends the held deliveries in that order
 *   POST /_sim/unregistered                  {numbers} → reported as not on WhatsApp (sends answer 400 exists:false)
 *   DELETE /_sim/unregistered                {numbers} → on WhatsApp again (undoes the POST); both answer {unregistered}
 *   POST /_sim/reset                         forget everything
 *
 * The returned object also exposes the same operations as methods (`sim.scan(name)`, `sim.inject(name, msg)`,
 * `sim.failNextSends(name, n, status)`, `sim.markUnregistered(numbers)`, `sim.markRegistered(numbers)`,
 * `sim.setNetwork({duplicate: 1})`, `sim.release("reverse")`, `sim.sends(name)`, `sim.deliveries()`, `sim.idle()` to await
 * every in-flight delivery/ack, `sim.reset()`, `sim.close()`), plus
 * `sim.setFault({mode, scope?, count?, forMs?})`, `sim.fault()`, `sim.faultLog()` (every request a fault hit) and
 * `sim.accepted(name)` (the messages the phone really sent, faulted answers included: what exactly-once tests count).
 *
 * Webhooks: the §3.1 envelope is POSTed to the instance webhook with its `headers` (a `jwt_key` header becomes an
 * HS256 `Authorization: Bearer`), only for events in its list ([] = all), with byEvents suffixes. Failures other than
 * 400/401/403/404/422 are retried after each of `retryDelaysMs`. Sends emit send.message, then messages.update
 * SERVER_ACK → DELIVERY_ACK → READ after `ackDelaysMs`. QR rotation runs every `qrRefreshMs` when > 0; otherwise
 * only on connect/refresh-qr, so workerd tests leave no timers behind.
 */
import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { controlRoutes, createControl } from "./control";
import type { SimulatorOptions } from "./engine";
import { SimEngine, SimError } from "./engine";
import { faultMiddleware } from "./faults";
import { evoError } from "./http";
import { instanceRoutes } from "./routes-instance";
import { messageRoutes } from "./routes-message";

export type { InstanceSummary, SimControl } from "./control";
export type { InboundInput, SimulatorOptions } from "./engine";
export type { FaultHit, FaultInput, FaultMark, FaultMode, FaultScope, FaultStatus } from "./faults";
export { FAULT_HEADER } from "./faults";
export type { AcceptedSend, DeliveryAttempt, MessageRaw, RecordedSend } from "./state";
export type { NetworkSettings, ReleaseOrder } from "./webhooks";

export function createEvolutionSimulator(opts: SimulatorOptions) {
  const engine = new SimEngine(opts);
  const control = createControl(engine);
  const log = opts.log ?? ((line: string) => console.log(line));
  const app = new Hono();

  app.use("*", async (c, next) => {
    const started = Date.now();
    await next();
    if (!c.req.path.startsWith("/_sim") || c.req.method !== "GET") {
      log(JSON.stringify({ at: "sim.request", method: c.req.method, path: c.req.path, status: c.res.status, ms: Date.now() - started }));
    }
  });
  app.use("*", faultMiddleware(engine.faults));
  app.get("/", (c) =>
    c.json({
      status: 200,
      message: "Welcome to the Evolution API simulator (Parley)",
      version: "2.3.6-sim",
      clientName: "evolution_simulator",
      manager: "/_sim",
      documentation: "https://doc.evolution-api.com",
      whatsappWebVersion: "2.3000.0",
    }),
  );
  app.route("/_sim", controlRoutes(engine, control));
  app.route("/", instanceRoutes(engine));
  app.route("/", messageRoutes(engine));
  app.notFound((c) => evoError(c, 404, [`Cannot ${c.req.method} ${c.req.path}`]));
  app.onError((err, c) => {
    if (c.req.path.startsWith("/_sim")) {
      const status = err instanceof SimError ? err.status : err instanceof SyntaxError ? 400 : 500;
      return c.json({ error: err.message }, status as ContentfulStatusCode);
    }
    log(JSON.stringify({ at: "sim.error", path: c.req.path, error: String(err) }));
    return evoError(c, 500, err.message);
  });

  return { app, engine, ...control };
}

export type EvolutionSimulator = ReturnType<typeof createEvolutionSimulator>;
