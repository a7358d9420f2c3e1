import { Hono } from "hono";
import { normalisePhone } from "../contacts/phone";
import type { AppEnv } from "../env";
import { ApiError, conflict, notFound } from "../errors";
import { getDb } from "../platform/db/client";
import { isUniqueViolation } from "../platform/db/errors";
import { type ConnectResult, type CreateInstanceResult, type EvolutionClient, EvolutionError, evolutionClientFromEnv } from "../platform/evolution/client";
import { validate } from "../platform/http/validate";
import { newId, randomToken } from "../platform/lib/ids";
import { disconnectSockets, publish } from "../platform/realtime/publish";
import type { InstanceView } from "../shared/instances";
import { audit } from "../team/audit";
import { assertCanSee, canSeeInstance } from "../team/principal";
import { deleteInstance, getInstance, getInstanceByName, insertInstance, listInstances, setWebhookUrl } from "./instances.queries";
import { createInstanceBody, idParam, webhookBody } from "./instances.schemas";
import { toInstanceView } from "./instances.view";
import type { ApiChange } from "./lifecycle";
import { WEBHOOK_SECRET_HEADER } from "./webhook.routes";
import { forgetInstanceAuth } from "./webhook-auth";

const client = (env: Env): EvolutionClient => evolutionClientFromEnv(env);

/** Evolution failing is a 502 that says what Evolution said; the local state is left as it was. */
function upstream(err: unknown, action: string): never {
  if (err instanceof EvolutionError) throw new ApiError(502, "evolution_failed", `Evolution could not ${action}: ${err.message}`, { status: err.status });
  throw err;
}

export function defaultWebhookUrl(env: Env, instanceId: string): string {
  return `${env.BASE_URL.replace(/\/+$/, "")}/webhooks/${instanceId}`;
}

async function load(env: Env, id: string) {
  const row = await getInstance(getDb(env.DB), id);
  if (!row) throw notFound("Instance");
  return row;
}

const ref = (row: { name: string; evolutionToken: string | null }) => {
  if (!row.evolutionToken) throw new ApiError(409, "not_provisioned", "This instance has no Evolution token; delete and create it again");
  return { instanceName: row.name, token: row.evolutionToken };
};

/** Re-announces an instance after an API change to other columns (webhook URL, deletion) to everyone watching. */
const refresh = (env: Env, id: string) => env.WA_INSTANCE.getByName(id).refresh();

/** A change to the connection (status, QR): written by the instance's object, its one writer, which tells everyone watching. */
async function applyChange(env: Env, id: string, change: ApiChange): Promise<InstanceView> {
  const view = await env.WA_INSTANCE.getByName(id).applyApiChange(change);
  if (!view) throw notFound("Instance");
  return view;
}

export const instancesRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const p = c.get("principal");
    const rows = (await listInstances(getDb(c.env.DB))).filter((r) => !p || canSeeInstance(p, r.id));
    return c.json({ items: rows.map(toInstanceView), count: rows.length });
  })

  .post("/", validate("json", createInstanceBody), async (c) => {
    const body = c.req.valid("json");
    const phone = normalisePhone(body.number, c.env.DEFAULT_COUNTRY);
    if (!phone)
      throw new ApiError(400, "validation_failed", "Invalid input: number: not a valid phone number", [
        { path: "number", message: "Not a valid phone number" },
      ]);
    const db = getDb(c.env.DB);
    if (await getInstanceByName(db, body.name)) throw conflict(`An instance named "${body.name}" already exists`);

    const id = newId("instance");
    const secret = randomToken(40);
    const webhookUrl = defaultWebhookUrl(c.env, id);
    try {
      await insertInstance(db, { id, name: body.name, number: phone.e164, webhookSecret: secret, webhookUrl });
    } catch (err) {
      if (isUniqueViolation(err, "instances.name")) throw conflict(`An instance named "${body.name}" already exists`);
      throw err;
    }
    let created: CreateInstanceResult;
    try {
      created = await client(c.env).createInstance({
        instanceName: body.name,
        number: phone.e164,
        qrcode: true,
        webhook: { url: webhookUrl, headers: { [WEBHOOK_SECRET_HEADER]: secret } },
      });
    } catch (err) {
      await deleteInstance(db, id); // nothing half-made stays behind
      upstream(err, "create the instance");
    }
    const qr = created.qrcode;
    // The seed asks for the QR in the log; it is short-lived (≈45 s) and shown in the dashboard anyway.
    console.log(JSON.stringify({ at: "instance.created", id, name: body.name, qrcode_base64: qr?.base64 ?? null, qr_count: qr?.count ?? 0 }));
    const view = await applyChange(c.env, id, { kind: "created", token: created.hash, qrcode: qr });
    c.executionCtx.waitUntil(publish(c.env, "instances", id));
    await audit(c, { action: "instance.create", targetType: "instance", targetId: id, details: { name: body.name } });
    return c.json(view, 201);
  })

  .get("/:id", validate("param", idParam), async (c) => {
    const row = await load(c.env, c.req.valid("param").id);
    assertCanSee(c.get("principal"), row.id, "Instance");
    return c.json(toInstanceView(row));
  })

  .post("/:id/connect", validate("param", idParam), async (c) => {
    const row = await load(c.env, c.req.valid("param").id);
    let result: ConnectResult;
    try {
      result = await client(c.env).connect(ref(row), { number: row.number });
    } catch (err) {
      upstream(err, "connect");
    }
    await audit(c, { action: "instance.connect", targetType: "instance", targetId: row.id });
    return c.json(await applyChange(c.env, row.id, { kind: "connect", result }));
  })

  .patch("/:id/webhook", validate("param", idParam), validate("json", webhookBody), async (c) => {
    const row = await load(c.env, c.req.valid("param").id);
    const url = c.req.valid("json").url ?? defaultWebhookUrl(c.env, row.id);
    try {
      await client(c.env).setWebhook(ref(row), { enabled: true, url, headers: { [WEBHOOK_SECRET_HEADER]: row.webhookSecret } });
    } catch (err) {
      upstream(err, "update the webhook");
    }
    const updated = await setWebhookUrl(getDb(c.env.DB), row.id, url);
    c.executionCtx.waitUntil(refresh(c.env, row.id));
    // The URL itself is not kept: a custom one may carry a credential in its query.
    await audit(c, { action: "instance.webhook", targetType: "instance", targetId: row.id, details: { custom_url: c.req.valid("json").url !== undefined } });
    return c.json(toInstanceView(updated!));
  })

  .post("/:id/logout", validate("param", idParam), async (c) => {
    const row = await load(c.env, c.req.valid("param").id);
    try {
      await client(c.env).logout(ref(row));
    } catch (err) {
      // "not connected" (400) means the goal is already reached.
      if (!(err instanceof EvolutionError && err.status === 400)) upstream(err, "log out");
    }
    await audit(c, { action: "instance.logout", targetType: "instance", targetId: row.id });
    return c.json(await applyChange(c.env, row.id, { kind: "logout" }));
  })

  .delete("/:id", validate("param", idParam), async (c) => {
    const row = await load(c.env, c.req.valid("param").id);
    if (row.evolutionToken) {
      try {
        await client(c.env).deleteInstance(ref(row));
      } catch (err) {
        // Already gone on Evolution: delete here too. Anything else keeps the local row.
        if (!(err instanceof EvolutionError && err.status === 404)) upstream(err, "delete the instance");
      }
    }
    await deleteInstance(getDb(c.env.DB), row.id);
    forgetInstanceAuth(row.id);
    c.executionCtx.waitUntil(refresh(c.env, row.id));
    // Agents' sockets carry the instances they may hear: they reconnect with the new list.
    if (row.unitId) c.executionCtx.waitUntil(disconnectSockets(c.env, { agents: true }));
    await audit(c, { action: "instance.delete", targetType: "instance", targetId: row.id, details: { name: row.name } });
    return c.json({ deleted: true, id: row.id });
  })

  // The instance's own live channel: a snapshot, then every status/QR change.
  .get("/:id/ws", validate("param", idParam), async (c) => {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") throw new ApiError(426, "upgrade_required", "Connect with a WebSocket upgrade");
    await load(c.env, c.req.valid("param").id);
    return c.env.WA_INSTANCE.getByName(c.req.valid("param").id).fetch(c.req.raw);
  });
