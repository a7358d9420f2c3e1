// The control surface: programmatic methods (for tests) and the same operations as JSON under
// /_sim/* (for people and browser tests). None of it needs the Evolution apikey.

import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import type { InboundInput, SimEngine } from "./engine";
import { SimError } from "./engine";
import type { FaultHit, FaultInput, FaultStatus } from "./faults";
import { FAULT_MODES } from "./faults";
import { simPage } from "./page";
import type { AcceptedSend, DeliveryAttempt, MessageRaw, RecordedSend, SimInstance, SimQr } from "./state";
import type { NetworkSettings, ReleaseOrder } from "./webhooks";

export type InstanceSummary = ReturnType<typeof summary>;

const summary = (i: SimInstance) => ({
  name: i.name,
  id: i.id,
  token: i.token,
  state: i.state,
  number: i.number,
  ownerJid: i.ownerJid,
  profileName: i.profileName,
  qr: i.qr ? { ...i.qr, count: i.qrCount } : null,
  webhook: i.webhook,
  failSends: i.failSends,
  sendCount: i.sends.length,
  messageCount: i.messages.size,
  createdAt: i.createdAt,
});

export function createControl(sim: SimEngine) {
  return {
    instances: (): InstanceSummary[] => [...sim.instances.values()].map(summary),
    instance: (name: string): InstanceSummary => summary(sim.get(name)),
    /** "Scans" the QR: connection.update open with wuid/profileName. */
    scan: (name: string, opts?: { number?: string; profileName?: string }): InstanceSummary => {
      const inst = sim.get(name);
      sim.scan(inst, opts);
      return summary(inst);
    },
    /** 401 (default) logs out; 408/428/440/500/503/515 flap connecting → open. */
    disconnect: async (name: string, statusReason = 401): Promise<InstanceSummary> => {
      const inst = sim.get(name);
      if (inst.state === "close") throw new SimError(409, `Instance "${name}" is already closed`);
      await sim.disconnect(inst, statusReason);
      return summary(inst);
    },
    refreshQr: (name: string): Promise<SimQr | null> => sim.refreshQr(sim.get(name)),
    /** Delivers messages.upsert for each message; media bytes become available to getBase64FromMediaMessage. */
    inject: async (name: string, input: InboundInput | InboundInput[]): Promise<MessageRaw[]> => {
      const inst = sim.get(name);
      const out: MessageRaw[] = [];
      for (const one of Array.isArray(input) ? input : [input]) out.push(await sim.injectInbound(inst, one));
      return out;
    },
    /** The next `count` well-formed sends answer `status` with Evolution's error envelope. */
    failNextSends: (name: string, count: number, status = 500, message = "Simulated failure"): void => {
      sim.get(name).failSends = count > 0 ? { remaining: count, status, message } : null;
    },
    sends: (name: string): RecordedSend[] => sim.get(name).sends,
    /** What the phone actually sent, in order: every send that created a message, faulted answers included. */
    accepted: (name: string): AcceptedSend[] => {
      const inst = sim.get(name);
      return inst.sends.flatMap((s) => {
        const raw = s.keyId ? inst.messages.get(s.keyId)?.raw : undefined;
        if (!s.keyId || !raw) return [];
        const { number, text, caption } = (s.body ?? {}) as Record<string, unknown>;
        const one: AcceptedSend = { at: s.at, route: s.route, keyId: s.keyId, number: String(number), jid: raw.key.remoteJid };
        if (typeof text === "string") one.text = text;
        if (typeof caption === "string") one.caption = caption;
        if (s.fault) one.fault = s.fault;
        return [one];
      });
    },
    /**
     * From now on, Evolution requests in `scope` (default "send" = /message/*; "all" = every route)
     * misbehave as `mode`, for the next `count` of them or for `forMs` ms (neither: until
     * `{mode: "none"}`). Replaces any fault set before.
     */
    setFault: (input: FaultInput): FaultStatus => {
      try {
        return sim.faults.set(input);
      } catch (err) {
        throw new SimError(400, err instanceof Error ? err.message : String(err));
      }
    },
    fault: (): FaultStatus => sim.faults.status(),
    /** Every request a fault hit since the last reset(), oldest first. */
    faultLog: (): FaultHit[] => [...sim.faults.log],
    deliveries: (filter: { instance?: string; event?: string } = {}): DeliveryAttempt[] =>
      sim.hooks.attempts.filter((a) => (!filter.instance || a.instance === filter.instance) && (!filter.event || a.event === filter.event)),
    network: (): NetworkSettings & { held: number } => ({ ...sim.hooks.network, held: sim.hooks.heldCount }),
    setNetwork: (patch: Partial<NetworkSettings>): NetworkSettings => sim.hooks.setNetwork(patch),
    /** Sends held deliveries (network.hold) in the given order. */
    release: (order: ReleaseOrder = "fifo"): number => sim.hooks.release(order),
    /** Numbers that whatsappNumbers/sends report as not on WhatsApp. */
    markUnregistered: (numbers: string[]): void => {
      for (const n of numbers) sim.unregistered.add(n.replace(/\D/g, ""));
    },
    /** Undoes markUnregistered: the numbers are on WhatsApp again (a failed send can be retried). */
    markRegistered: (numbers: string[]): void => {
      for (const n of numbers) sim.unregistered.delete(n.replace(/\D/g, ""));
    },
    /** Resolves when no delivery, retry or ack timer is in flight. */
    idle: (): Promise<void> => sim.hooks.idle(),
    reset: (): void => sim.reset(),
    /** Stops QR refresh timers (state is kept). */
    close: (): void => {
      for (const inst of sim.instances.values()) sim.stopTimer(inst);
    },
  };
}

export type SimControl = ReturnType<typeof createControl>;

const mediaSchema = z.object({
  type: z.enum(["image", "video", "audio", "document", "sticker"]),
  base64: z.string().optional(),
  mimetype: z.string().optional(),
  fileName: z.string().optional(),
  caption: z.string().optional(),
});
const inboundSchema = z.object({
  from: z.string().min(3),
  pushName: z.string().optional(),
  text: z.string().optional(),
  media: mediaSchema.optional(),
  lid: z.boolean().optional(),
  group: z.union([z.boolean(), z.string()]).optional(),
  fromMe: z.boolean().optional(),
  id: z.string().optional(),
  timestamp: z.number().int().optional(),
});
const schemas = {
  scan: z.object({ number: z.string().optional(), profileName: z.string().optional() }),
  disconnect: z.object({ statusReason: z.number().int().optional() }),
  inbound: z.union([inboundSchema, z.object({ messages: z.array(inboundSchema).min(1) })]),
  failSends: z.object({ count: z.number().int().min(0), status: z.number().int().min(400).max(599).optional(), message: z.string().optional() }),
  network: z.object({
    duplicate: z.number().int().min(0).max(20).optional(),
    delayMs: z.number().min(0).optional(),
    jitterMs: z.number().min(0).optional(),
    hold: z.boolean().optional(),
  }),
  release: z.object({ order: z.enum(["fifo", "reverse", "shuffle"]).optional() }),
  unregistered: z.object({ numbers: z.array(z.string()).min(1) }),
  // strict: a misspelt `forMs` would otherwise set a fault that never ends.
  fault: z
    .strictObject({
      mode: z.enum([...FAULT_MODES, "none"]),
      scope: z.enum(["send", "all"]).optional(),
      count: z.number().int().min(1).optional(),
      for_ms: z.number().positive().optional(),
    })
    .refine((f) => f.count === undefined || f.for_ms === undefined, { message: "count or for_ms, not both" }),
};

async function parse<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const text = await c.req.text();
  const result = schema.safeParse(text.trim() ? JSON.parse(text) : {});
  if (!result.success) throw new SimError(400, z.prettifyError(result.error));
  return result.data;
}

export function controlRoutes(sim: SimEngine, ctl: SimControl): Hono {
  const app = new Hono();
  app.get("/", (c) => c.html(simPage()));
  app.get("/health", (c) => c.json({ ok: true, instances: sim.instances.size }));
  app.get("/instances", (c) => c.json(ctl.instances()));
  app.get("/instances/:name", (c) => c.json(ctl.instance(c.req.param("name"))));
  app.post("/instances/:name/scan", async (c) => c.json(ctl.scan(c.req.param("name"), await parse(c, schemas.scan))));
  app.post("/instances/:name/disconnect", async (c) => c.json(await ctl.disconnect(c.req.param("name"), (await parse(c, schemas.disconnect)).statusReason)));
  app.post("/instances/:name/refresh-qr", async (c) => c.json({ qr: await ctl.refreshQr(c.req.param("name")) }));
  app.post("/instances/:name/inbound", async (c) => {
    const body = await parse(c, schemas.inbound);
    return c.json({ messages: await ctl.inject(c.req.param("name"), "messages" in body ? body.messages : body) }, 201);
  });
  app.post("/instances/:name/fail-sends", async (c) => {
    const { count, status, message } = await parse(c, schemas.failSends);
    ctl.failNextSends(c.req.param("name"), count, status, message);
    return c.json(ctl.instance(c.req.param("name")).failSends);
  });
  app.get("/instances/:name/sends", (c) => c.json(ctl.sends(c.req.param("name"))));
  app.get("/deliveries", (c) => c.json(ctl.deliveries({ instance: c.req.query("instance"), event: c.req.query("event") })));
  app.get("/faults", (c) => c.json(ctl.fault()));
  app.post("/faults", async (c) => {
    const { for_ms, ...rest } = await parse(c, schemas.fault);
    return c.json(ctl.setFault({ ...rest, forMs: for_ms }));
  });
  app.get("/network", (c) => c.json(ctl.network()));
  app.post("/network", async (c) => c.json(ctl.setNetwork(await parse(c, schemas.network))));
  app.post("/network/release", async (c) => c.json({ released: ctl.release((await parse(c, schemas.release)).order) }));
  app.post("/unregistered", async (c) => {
    ctl.markUnregistered((await parse(c, schemas.unregistered)).numbers);
    return c.json({ unregistered: [...sim.unregistered] });
  });
  app.delete("/unregistered", async (c) => {
    ctl.markRegistered((await parse(c, schemas.unregistered)).numbers);
    return c.json({ unregistered: [...sim.unregistered] });
  });
  app.post("/reset", (c) => {
    ctl.reset();
    return c.json({ ok: true });
  });
  return app;
}
