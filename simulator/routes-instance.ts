// /instance/* and /webhook/* as Evolution v2 (2.3.6) answers them (EVOLUTION.md §2.2–2.7).

import type { Context } from "hono";
import { Hono } from "hono";
import type { SimEngine } from "./engine";
import type { Json } from "./http";
import { checkProps, evoError, guard, isObject, readBody } from "./http";
import type { SimInstance, SimWebhook } from "./state";

export const INTEGRATIONS = ["WHATSAPP-BAILEYS", "WHATSAPP-BUSINESS", "EVOLUTION"];

export const ALL_EVENTS = [
  "APPLICATION_STARTUP",
  "QRCODE_UPDATED",
  "MESSAGES_SET",
  "MESSAGES_UPSERT",
  "MESSAGES_EDITED",
  "MESSAGES_UPDATE",
  "MESSAGES_DELETE",
  "SEND_MESSAGE",
  "SEND_MESSAGE_UPDATE",
  "CONTACTS_SET",
  "CONTACTS_UPSERT",
  "CONTACTS_UPDATE",
  "PRESENCE_UPDATE",
  "CHATS_SET",
  "CHATS_UPSERT",
  "CHATS_UPDATE",
  "CHATS_DELETE",
  "GROUPS_UPSERT",
  "GROUP_UPDATE",
  "GROUP_PARTICIPANTS_UPDATE",
  "CONNECTION_UPDATE",
  "LABELS_EDIT",
  "LABELS_ASSOCIATION",
  "CALL",
  "TYPEBOT_START",
  "TYPEBOT_CHANGE_STATUS",
  "REMOVE_INSTANCE",
  "LOGOUT_INSTANCE",
  "INSTANCE_CREATE",
  "INSTANCE_DELETE",
  "STATUS_INSTANCE",
];

// Reading `.length` of a missing events array is what crashes Evolution (EVOLUTION.md §2.2, §2.7).
const EVENTS_CRASH = "Cannot read properties of undefined (reading 'length')";

const webhookRow = (inst: SimInstance, w: SimWebhook) => ({
  id: w.id,
  url: w.url,
  headers: w.headers,
  enabled: w.enabled,
  events: w.events,
  webhookByEvents: w.byEvents,
  webhookBase64: w.base64,
  createdAt: w.createdAt,
  updatedAt: w.updatedAt,
  instanceId: inst.id,
});

function buildWebhook(sim: SimEngine, input: Json, previous: SimWebhook | null): SimWebhook {
  const at = new Date(sim.now()).toISOString();
  const headers = isObject(input.headers) ? Object.fromEntries(Object.entries(input.headers).map(([k, v]) => [k, String(v)])) : {};
  const enabled = input.enabled !== false;
  return {
    id: previous?.id ?? crypto.randomUUID().replace(/-/g, "").slice(0, 25),
    enabled,
    url: typeof input.url === "string" ? input.url : "",
    headers,
    byEvents: input.byEvents === true,
    base64: input.base64 === true,
    events: enabled && Array.isArray(input.events) ? input.events.map(String) : [],
    createdAt: previous?.createdAt ?? at,
    updatedAt: at,
  };
}

const fetchRow = (i: SimInstance) => ({
  id: i.id,
  name: i.name,
  connectionStatus: i.state,
  ownerJid: i.ownerJid,
  profileName: i.profileName,
  profilePicUrl: null,
  integration: i.integration,
  number: i.number,
  businessId: null,
  token: i.token,
  clientName: "evolution_simulator",
  disconnectionReasonCode: i.disconnectionReasonCode,
  disconnectionObject: null,
  disconnectionAt: null,
  createdAt: i.createdAt,
  updatedAt: i.createdAt,
  Setting: i.settings,
  _count: { Message: i.messages.size, Contact: 0, Chat: 0 },
});

const success = (c: Context, message: string) => c.json({ status: "SUCCESS", error: false, response: { message } });

export function instanceRoutes(sim: SimEngine): Hono {
  const app = new Hono();

  app.post("/instance/create", async (c) => {
    const body = await readBody(c);
    if (body instanceof Response) return body;
    const errors = checkProps(body, { instanceName: "string", token: "string?", qrcode: "boolean?", number: "string?" });
    if (errors.length) return evoError(c, 400, errors);
    const name = String(body.instanceName);
    if (!name.trim()) return evoError(c, 400, "instance.instanceName does not meet minimum length of 1");
    if (sim.instances.has(name)) return evoError(c, 403, `This name "${name}" is already in use.`);
    if (c.req.header("apikey") !== sim.opts.apiKey) return evoError(c, 401, "Unauthorized");
    if (typeof body.integration !== "string" || !INTEGRATIONS.includes(body.integration)) return evoError(c, 400, "Invalid integration");
    if (body.webhook !== undefined && (!isObject(body.webhook) || body.webhook.events === undefined)) return evoError(c, 500, EVENTS_CRASH);
    const at = new Date(sim.now()).toISOString();
    const settingKeys = ["rejectCall", "groupsIgnore", "alwaysOnline", "readMessages", "readStatus", "syncFullHistory"];
    const inst: SimInstance = {
      name,
      id: crypto.randomUUID(),
      token: typeof body.token === "string" && body.token ? body.token : crypto.randomUUID().toUpperCase(),
      integration: body.integration,
      number: typeof body.number === "string" ? body.number.replace(/\D/g, "") || null : null,
      state: "close",
      qr: null,
      qrCount: 0,
      ownerJid: null,
      profileName: null,
      webhook: null,
      settings: { ...Object.fromEntries(settingKeys.map((k) => [k, body[k] === true])), msgCall: body.msgCall ?? "", wavoipToken: body.wavoipToken ?? "" },
      failSends: null,
      sends: [],
      messages: new Map(),
      createdAt: at,
      disconnectionReasonCode: null,
    };
    if (isObject(body.webhook)) inst.webhook = buildWebhook(sim, { ...body.webhook, enabled: true }, null);
    sim.instances.set(name, inst);
    sim.emit(inst, "instance.create", { instanceName: name, instanceId: inst.id });
    if (body.qrcode === true) {
      const connecting = sim.startConnecting(inst, inst.number);
      // Evolution waits 5 s and usually still answers {count:0}; the QR then comes by webhook.
      if (sim.opts.qrInCreateResponse) await connecting;
      else void sim.hooks.track(connecting);
    }
    const w = inst.webhook;
    return c.json(
      {
        instance: {
          instanceName: name,
          instanceId: inst.id,
          integration: inst.integration,
          webhookWaBusiness: null,
          accessTokenWaBusiness: "",
          status: inst.state,
        },
        hash: inst.token,
        webhook: { webhookUrl: w?.url, webhookHeaders: w?.headers, webhookByEvents: w?.byEvents ?? false, webhookBase64: w?.base64 ?? false },
        websocket: { enabled: false },
        rabbitmq: { enabled: false },
        nats: { enabled: false },
        sqs: { enabled: false },
        settings: inst.settings,
        ...(body.qrcode === true ? { qrcode: sim.qrResponse(inst) } : {}),
      },
      201,
    );
  });

  app.get("/instance/connect/:name", async (c) => {
    const inst = guard(sim, c, c.req.param("name"));
    if (inst instanceof Response) return inst;
    if (inst.state === "open") return c.json({ instance: { instanceName: inst.name, state: "open" } });
    // While connecting, ?number is ignored and the current QR comes back (#2197).
    if (inst.state === "close") await sim.startConnecting(inst, c.req.query("number")?.replace(/\D/g, "") || null);
    return c.json(sim.qrResponse(inst));
  });

  app.get("/instance/connectionState/:name", (c) => {
    const inst = guard(sim, c, c.req.param("name"));
    if (inst instanceof Response) return inst;
    return c.json({ instance: { instanceName: inst.name, state: inst.state } });
  });

  app.get("/instance/fetchInstances", (c) => {
    const key = c.req.header("apikey");
    const all = [...sim.instances.values()];
    const visible = key === sim.opts.apiKey ? all : all.filter((i) => i.token === key);
    if (visible.length === 0 && key !== sim.opts.apiKey) return evoError(c, 401, "Unauthorized");
    const wanted = c.req.query("instanceName");
    if (wanted && !sim.instances.has(wanted)) return evoError(c, 404, `Instance "${wanted}" not found`);
    return c.json(visible.filter((i) => !wanted || i.name === wanted).map(fetchRow));
  });

  app.post("/instance/restart/:name", async (c) => {
    const inst = guard(sim, c, c.req.param("name"));
    if (inst instanceof Response) return inst;
    // 2.3.6 answers a closed instance with HTTP 200 and an error body (EVOLUTION.md §2.6).
    if (inst.state === "close") return c.json({ error: true, message: "[object Object]" });
    if (inst.state === "open") await sim.disconnect(inst, 428);
    else await sim.refreshQr(inst);
    return c.json(sim.qrResponse(inst));
  });

  app.delete("/instance/logout/:name", async (c) => {
    const inst = guard(sim, c, c.req.param("name"));
    if (inst instanceof Response) return inst;
    if (inst.state === "close") return evoError(c, 400, `The "${inst.name}" instance is not connected`);
    await sim.disconnect(inst, 401);
    return success(c, "Instance logged out");
  });

  app.delete("/instance/delete/:name", async (c) => {
    const inst = guard(sim, c, c.req.param("name"));
    if (inst instanceof Response) return inst;
    await sim.remove(inst);
    return success(c, "Instance deleted");
  });

  app.post("/webhook/set/:name", async (c) => {
    const inst = guard(sim, c, c.req.param("name"));
    if (inst instanceof Response) return inst;
    const body = await readBody(c);
    if (body instanceof Response) return body;
    const top = checkProps(body, { webhook: "object" });
    if (top.length) return evoError(c, 400, top);
    const input = body.webhook as Json;
    const errors = checkProps(
      input,
      { enabled: "boolean", url: "string", events: "array?", byEvents: "boolean?", base64: "boolean?", headers: "object?" },
      "instance.webhook",
    );
    if (Array.isArray(input.events)) {
      input.events.forEach((e, i) => {
        if (typeof e !== "string" || !ALL_EVENTS.includes(e)) errors.push(`instance.webhook.events[${i}] is not one of enum values: ${ALL_EVENTS.join(",")}`);
      });
    }
    if (errors.length) return evoError(c, 400, errors);
    if (input.events === undefined) return evoError(c, 500, EVENTS_CRASH);
    inst.webhook = buildWebhook(sim, input, inst.webhook);
    return c.json(webhookRow(inst, inst.webhook), 201);
  });

  app.get("/webhook/find/:name", (c) => {
    const inst = guard(sim, c, c.req.param("name"));
    if (inst instanceof Response) return inst;
    return c.json(inst.webhook ? webhookRow(inst, inst.webhook) : null);
  });

  return app;
}
