// Webhook deliveries as Evolution 2.3.x makes them (EVOLUTION.md §3): the §3.1 envelope POSTed to
// the instance webhook, filtered by its events list, byEvents URL suffixes, custom headers (with
// the jwt_key → Authorization: Bearer rule), and in-memory retries that skip 400/401/403/404/422.
// On top of that, chaos knobs for tests: duplicate every delivery, delay/jitter, hold and release
// in any order.
import { bytesToBase64 } from "./png";
import type { DeliveryAttempt, SimWebhook } from "./state";
import { evolutionDateTime } from "./state";

export type Deliver = (url: string, init: RequestInit) => Promise<Response>;

export type NetworkSettings = {
  /** Extra copies of every delivery (0 = each event once). */
  duplicate: number;
  /** Fixed delay before each delivery, plus a random 0..jitterMs on top. */
  delayMs: number;
  jitterMs: number;
  /** Queue deliveries instead of sending them until release() is called. */
  hold: boolean;
};

export type ReleaseOrder = "fifo" | "reverse" | "shuffle";

type Job = { event: string; instance: string; url: string; headers: Record<string, string>; body: string; copy: number };

const NON_RETRYABLE = new Set([400, 401, 403, 404, 422]);
const DEFAULT_NETWORK: NetworkSettings = { duplicate: 0, delayMs: 0, jitterMs: 0, hold: false };

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** "messages.upsert" → "MESSAGES_UPSERT" (the events-list name). */
export const eventConfigName = (event: string) => event.toUpperCase().replace(/[.-]/g, "_");

export class WebhookDispatcher {
  attempts: DeliveryAttempt[] = [];
  network: NetworkSettings = { ...DEFAULT_NETWORK };
  private held: Job[] = [];
  private pending = new Set<Promise<unknown>>();
  private seq = 0;

  constructor(
    private readonly opts: {
      deliver: Deliver;
      retryDelaysMs: number[];
      serverUrl: string;
      now: () => number;
      log: (line: string) => void;
    },
  ) {}

  emit(target: { instance: string; webhook: SimWebhook | null; sender: string | null }, event: string, data: unknown): void {
    const wh = target.webhook;
    // Evolution silently skips a disabled hook or a URL that is not http(s) (EVOLUTION.md §2.7).
    if (!wh?.enabled || !/^https?:\/\//i.test(wh.url)) return;
    const name = eventConfigName(event);
    if (wh.events.length > 0 && !wh.events.includes(name)) return;
    const url = wh.byEvents ? `${wh.url}/${name.replace(/_/g, "-").toLowerCase()}` : wh.url;
    const envelope = {
      event,
      instance: target.instance,
      data,
      destination: wh.url,
      date_time: evolutionDateTime(this.opts.now()),
      sender: target.sender ?? undefined,
      server_url: this.opts.serverUrl,
      apikey: null,
    };
    const body = JSON.stringify(envelope);
    for (let copy = 0; copy <= this.network.duplicate; copy++) {
      const job: Job = { event, instance: target.instance, url, headers: { ...wh.headers }, body, copy };
      if (this.network.hold) this.held.push(job);
      else this.track(this.run(job, true));
    }
  }

  /** Sends every held delivery, in the requested order; returns how many were released. */
  release(order: ReleaseOrder = "fifo"): number {
    const jobs = this.held;
    this.held = [];
    if (order === "reverse") jobs.reverse();
    if (order === "shuffle") {
      for (let i = jobs.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        [jobs[i], jobs[j]] = [jobs[j] as Job, jobs[i] as Job];
      }
    }
    // Sequential on purpose: the chosen order is the order the receiver sees.
    this.track(
      (async () => {
        for (const job of jobs) await this.run(job, false);
      })(),
    );
    return jobs.length;
  }

  get heldCount(): number {
    return this.held.length;
  }

  setNetwork(patch: Partial<NetworkSettings>): NetworkSettings {
    this.network = { ...this.network, ...patch };
    return this.network;
  }

  track<T>(p: Promise<T>): Promise<T> {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p)).catch(() => undefined);
    return p;
  }

  /** Resolves once nothing is in flight (held deliveries do not count). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  reset(): void {
    this.attempts = [];
    this.held = [];
    this.network = { ...DEFAULT_NETWORK };
  }

  private async run(job: Job, applyDelay: boolean): Promise<void> {
    const { delayMs, jitterMs } = this.network;
    if (applyDelay && (delayMs > 0 || jitterMs > 0)) await sleep(delayMs + Math.random() * jitterMs);
    for (let attempt = 1; ; attempt++) {
      const status = await this.attempt(job, attempt);
      if (status !== null && ((status >= 200 && status < 300) || NON_RETRYABLE.has(status))) return;
      const wait = this.opts.retryDelaysMs[attempt - 1];
      if (wait === undefined) return;
      await sleep(wait);
    }
  }

  private async attempt(job: Job, attempt: number): Promise<number | null> {
    const started = Date.now();
    const record: DeliveryAttempt = {
      id: ++this.seq,
      event: job.event,
      instance: job.instance,
      url: job.url,
      attempt,
      copy: job.copy,
      status: null,
      at: new Date(this.opts.now()).toISOString(),
      ms: 0,
    };
    try {
      const res = await this.opts.deliver(job.url, { method: "POST", headers: await buildHeaders(job.headers), body: job.body });
      record.status = res.status;
      // Read to its end, as Evolution's axios does: cancelling it drops the connection while the
      // server may still be writing the answer (the Worker then logs a broken pipe per delivery).
      await res.arrayBuffer().catch(() => undefined);
    } catch (err) {
      record.error = err instanceof Error ? err.message : String(err);
    }
    record.ms = Date.now() - started;
    this.attempts.push(record);
    const { at, ...rest } = record;
    this.opts.log(JSON.stringify({ at: "sim.delivery", time: at, ...rest }));
    return record.status;
  }
}

async function buildHeaders(custom: Record<string, string>): Promise<Record<string, string>> {
  const { jwt_key: jwtKey, ...rest } = custom;
  const headers: Record<string, string> = { "content-type": "application/json", "user-agent": "axios/1.12.2", ...rest };
  if (jwtKey) headers.authorization = `Bearer ${await signJwt(jwtKey)}`;
  return headers;
}

const b64url = (bytes: Uint8Array) => bytesToBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

/** HS256 JWT `{iat, exp: iat+600, app:"evolution", action:"webhook"}` (EVOLUTION.md §3.6). */
export async function signJwt(secret: string, nowSeconds = Math.floor(Date.now() / 1000)): Promise<string> {
  const enc = new TextEncoder();
  const part = (v: unknown) => b64url(enc.encode(JSON.stringify(v)));
  const input = `${part({ alg: "HS256", typ: "JWT" })}.${part({ iat: nowSeconds, exp: nowSeconds + 600, app: "evolution", action: "webhook" })}`;
  const key = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const sig = new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(input)));
  return `${input}.${b64url(sig)}`;
}
