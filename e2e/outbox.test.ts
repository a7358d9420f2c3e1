// The outbox as the dashboard shows it: a send Evolution refuses fails at once (with Retry); an
// outage fails nothing — the bubble says it waits, the instance warns, its campaign pauses — and
// when Evolution answers again it all goes on by itself, live, with the message sent once.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, shot, signIn } from "./browser.ts";
import { buildDashboard, type Stack, startStack } from "./stack.ts";

type Send = { body: { text?: string } | null; status: number; keyId?: string };
const SENT = ["sent", "delivered", "read"].map((s) => `[data-testid="message"][data-status="${s}"]`).join(", ");

describe("the outbox in Chromium", () => {
  let stack: Stack;
  let browser: Browser;
  let instanceId = "";
  const name = `outbox-${Date.now()}`;
  const api = <T>(path: string, json?: unknown) => stack.api<T>(path, json);
  const rnd = () => `55119${String(Math.floor(1e7 + Math.random() * 9e7))}`;
  const inbound = (body: unknown, on = name) => stack.sim(`/instances/${on}/inbound`, body);
  const sendsOf = async (text: string) => (await stack.sim<Send[]>(`/instances/${name}/sends`)).filter((s) => s.body?.text === text);
  const open = async (path: string): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, stack.baseUrl, stack.adminToken);
    await page.goto(`${stack.baseUrl}${path}`);
    await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
    return page;
  };
  const notReloaded = (page: Page) => page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload === true);
  /** The id of a conversation started by an inbound message from `pushName` at `from` (a number no other test uses). */
  const conversationOf = async (pushName: string, from: string, on = name) => {
    await inbound({ from, pushName, text: "hello?" }, on);
    let id = "";
    await expect
      .poll(async () => (id = (await api<{ items: { id: string }[] }>(`/api/conversations?q=${from}`)).items[0]?.id ?? ""), {
        timeout: 10_000,
      })
      .toMatch(/^cv_/);
    return id;
  };
  /** That conversation, open in a new page. */
  const threadOf = async (pushName: string) => {
    const from = rnd();
    return { page: await open(`/inbox/${await conversationOf(pushName, from)}`), from };
  };
  /** A new instance, scanned, once it takes inbound messages; its id. */
  const connect = async (instance: string) => {
    const { id } = await api<{ id: string }>("/api/instances", { name: instance, number: `+${rnd()}` });
    await stack.sim(`/instances/${instance}/scan`, {});
    for (const deadline = Date.now() + 15_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
      const taken = await inbound({ from: rnd(), pushName: "Warm Up", text: "hi" }, instance).catch(() => null);
      if (taken) return id;
    }
    throw new Error(`${instance} never accepted inbound messages`);
  };

  beforeAll(async () => {
    await buildDashboard();
    [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
    instanceId = await connect(name);
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it("a send Evolution refuses says why in a sentence (the stored reason as its tooltip), and Retry sends it once the cause is gone", async () => {
    const { page, from } = await threadOf("Felipe Failure");
    const text = "to a number that left WhatsApp";
    // Only an answer that leaves nothing to try fails at once; a 5xx or no answer is retried (below).
    await stack.sim("/unregistered", { numbers: [from] });
    await page.getByLabel("Message").fill(text);
    await page.getByRole("button", { name: "Send" }).click();
    const failed = page.locator('[data-testid="message"][data-status="failed"]', { hasText: text });
    await failed.waitFor({ timeout: 20_000 });
    const why = failed.locator('[data-testid="failure"]');
    expect(await why.textContent()).toBe("This number is not on WhatsApp.");
    expect(await why.getAttribute("title")).toMatch(/^Evolution POST \/message\/sendText\/.+ → 400: .*is not on WhatsApp/);
    expect(await failed.locator('[data-testid="pending-note"]').count()).toBe(0);
    expect(await sendsOf(text)).toHaveLength(1);

    const back = await fetch(`${stack.simUrl}/_sim/unregistered`, {
      method: "DELETE",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ numbers: [from] }),
    });
    expect(back.status).toBe(200);
    await failed.getByRole("button", { name: "Retry" }).click();
    await page.locator(SENT, { hasText: text }).waitFor({ timeout: 20_000 });
    expect(await page.getByRole("button", { name: "Retry" }).count()).toBe(0);
    expect((await sendsOf(text)).map((s) => s.status)).toEqual([400, 201]);
    await page.close();
  });

  it("Evolution down: the bubble waits (not failed), the instance warns, its campaign pauses; when Evolution answers all of it goes on live, sent once", async () => {
    // A running campaign on the number, its first message out, the next a minute away.
    const tag = `outage${Date.now() % 100000}`;
    for (let i = 0; i < 3; i++) await api("/api/contacts", { name: `Outage ${i}`, whatsapp_number: `+${rnd()}`, tags: [tag] });
    const campaign = await api<{ id: string }>("/api/campaigns", {
      name: "During the outage",
      instance_id: instanceId,
      target_tags: [tag],
      message: { content: "campaign text" },
      pacing: { per_minute: 1, jitter_pct: 0 },
    });
    await api(`/api/campaigns/${campaign.id}/start`, {});
    await expect.poll(async () => (await api<{ sent: number }>(`/api/campaigns/${campaign.id}`)).sent, { timeout: 20_000 }).toBe(1);

    const { page } = await threadOf("Olga Outage");
    const instances = await open("/instances");
    const card = instances.locator('[data-testid="instance-card"]', { hasText: name });
    await card.waitFor();
    const campaignPage = await open(`/campaigns/${campaign.id}`);
    await campaignPage.getByTestId("campaign-status").getByText("in progress").waitFor();

    const text = "typed while Evolution is down";
    await stack.sim("/faults", { mode: "refuse", scope: "all", for_ms: 12_000 });
    await page.getByLabel("Message").fill(text);
    await page.getByRole("button", { name: "Send" }).click();

    const bubble = page.locator('[data-testid="message"]', { hasText: text });
    const note = bubble.locator('[data-testid="pending-note"]');
    await note.getByText("Waiting for the WhatsApp server").waitFor({ timeout: 20_000 });
    expect(await bubble.getAttribute("data-status")).toBe("pending");
    expect(await note.getAttribute("title")).toMatch(/^Waiting for the WhatsApp server: Evolution unreachable since \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC/);
    expect(await note.textContent()).toMatch(/not answering since \d{1,2}:\d{2}( [AP]M)?\) — it goes out when the server answers/);
    expect(await bubble.getByRole("button", { name: "Retry" }).count()).toBe(0);
    expect(await bubble.locator('[data-testid="failure"]').count()).toBe(0);
    await shot(page, "outbox-01-bubble-waiting");

    const warning = card.locator('[data-testid="evolution-unreachable"]');
    await warning.waitFor({ timeout: 10_000 });
    expect(await warning.textContent()).toMatch(
      /^Evolution has not answered since \d{1,2}:\d{2}( [AP]M)? — sends are waiting and will go out when it answers; campaigns on this number are paused and resume by themselves\.$/,
    );
    expect(await warning.getAttribute("title")).toMatch(/Evolution .+/);
    await shot(instances, "outbox-02-instance-warning");

    await campaignPage.getByTestId("campaign-status").getByText("paused").waitFor({ timeout: 10_000 });
    expect(await campaignPage.getByTestId("pause-reason").textContent()).toMatch(
      /^Evolution unreachable since .+ UTC \(.+\) — it resumes by itself when Evolution answers \(or Resume it now\)\.$/,
    );
    expect(await campaignPage.getByRole("button", { name: "Resume" }).isEnabled()).toBe(true);
    await shot(campaignPage, "outbox-03-campaign-paused");
    expect(await sendsOf(text)).toHaveLength(0);

    // The fault ends by itself; the breaker's probe finds Evolution answering, and it all goes on.
    await page.locator(SENT, { hasText: text }).waitFor({ timeout: 45_000 });
    await note.waitFor({ state: "detached", timeout: 5000 });
    await warning.waitFor({ state: "detached", timeout: 15_000 });
    await campaignPage.getByTestId("campaign-status").getByText("in progress").waitFor({ timeout: 15_000 });
    expect(await campaignPage.getByTestId("auto-resume").count()).toBe(0);
    await shot(page, "outbox-04-bubble-sent");
    for (const p of [page, instances, campaignPage]) expect(await notReloaded(p)).toBe(true);

    const sends = await sendsOf(text);
    expect(sends.map((s) => s.status)).toEqual([201]);
    expect(sends[0]!.keyId).toBeTruthy();
    await api(`/api/campaigns/${campaign.id}/cancel`, {});
    for (const p of [page, instances, campaignPage]) await p.close();
  });

  it("the instance page (shown while the number is not connected) warns with Evolution's error, and clears it live when Evolution answers", async () => {
    const other = `outbox-b-${Date.now()}`;
    const id = await connect(other);
    const conversation = await conversationOf("Paula Page", rnd(), other);
    await stack.sim("/faults", { mode: "refuse", scope: "all", for_ms: 10_000 });
    await api(`/api/conversations/${conversation}/messages`, { type: "text", content: "opens the breaker" });
    type Inst = { status: string; evolution_unreachable_since: string | null; evolution_error: string | null };
    await expect.poll(async () => (await api<Inst>(`/api/instances/${id}`)).evolution_unreachable_since, { timeout: 15_000 }).toBeTruthy();
    // A connected number's page goes back to the list: disconnect it to stay on its page.
    await stack.sim(`/instances/${other}/disconnect`, {});
    await expect.poll(async () => (await api<Inst>(`/api/instances/${id}`)).status, { timeout: 10_000 }).toBe("closed");

    const page = await open(`/instances/${id}`);
    const warning = page.locator('[data-testid="evolution-unreachable"]');
    await warning.waitFor({ timeout: 10_000 });
    const { evolution_error } = await api<Inst>(`/api/instances/${id}`);
    expect(await warning.locator(".warn-detail").textContent()).toBe(evolution_error);
    expect(await page.getByTestId("status-dot").getAttribute("data-status")).toBe("closed");
    await shot(page, "outbox-05-instance-page-warning");
    await warning.waitFor({ state: "detached", timeout: 30_000 });
    expect((await api<Inst>(`/api/instances/${id}`)).evolution_unreachable_since).toBeNull();
    expect(page.url()).toBe(`${stack.baseUrl}/instances/${id}`);
    expect(await notReloaded(page)).toBe(true);
    await page.close();
  });
});
