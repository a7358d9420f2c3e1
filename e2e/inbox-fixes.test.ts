// Inbox regressions found in review: phone layout, list paging and search races, read-on-return,
// archiving, attachments, the text limit and unknown conversation links. One stack for all.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, shot, signIn } from "./browser.ts";
import { buildDashboard, type Stack, startStack } from "./stack.ts";

type Conv = { id: string; unread_count: number; status: string; contact_name: string | null };

describe("inbox fixes in Chromium", () => {
  let stack: Stack;
  let browser: Browser;
  const name = `fixes-${Date.now()}`;
  const auth = () => ({ authorization: `Bearer ${stack.adminToken}`, "content-type": "application/json" });
  const rnd = () => `55119${String(Math.floor(1e7 + Math.random() * 9e7))}`;
  const inbound = (body: unknown) => stack.sim(`/instances/${name}/inbound`, body);
  const find = async (q: string): Promise<Conv> => {
    const res = (await (await fetch(`${stack.baseUrl}/api/conversations?q=${encodeURIComponent(q)}`, { headers: auth() })).json()) as { items: Conv[] };
    if (!res.items[0]) throw new Error(`no conversation matches ${q}`);
    return res.items[0];
  };
  const conv = async (id: string): Promise<Conv> => (await (await fetch(`${stack.baseUrl}/api/conversations/${id}`, { headers: auth() })).json()) as Conv;
  const open = async (viewport = { width: 1280, height: 800 }): Promise<Page> => {
    const page = await browser.newPage({ viewport });
    await signIn(page, stack.baseUrl, stack.adminToken);
    return page;
  };
  /** A conversation started by an inbound message from `pushName`, open in a new page. */
  const threadOf = async (pushName: string, text: string, from = rnd()) => {
    await inbound({ from, pushName, text });
    await expect.poll(async () => (await find(pushName)).id, { timeout: 10_000 }).toMatch(/^cv_/);
    const { id } = await find(pushName);
    const page = await open();
    await page.goto(`${stack.baseUrl}/inbox/${id}`);
    return { id, page, from };
  };
  /** expect.poll is for tests only; beforeAll waits with this. */
  const until = async (ok: () => Promise<boolean>, what: string) => {
    for (const deadline = Date.now() + 15_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) if (await ok().catch(() => false)) return;
    throw new Error(`timed out waiting for ${what}`);
  };
  const setVisible = (page: Page, visible: boolean) =>
    page.evaluate((v) => {
      Object.defineProperty(document, "visibilityState", { configurable: true, get: () => (v ? "visible" : "hidden") });
      Object.defineProperty(document, "hidden", { configurable: true, get: () => !v });
      document.dispatchEvent(new Event("visibilitychange"));
    }, visible);

  const LONG = `Maximiliana ${"Verylongname".repeat(8)}`;
  // Stamped minutes ago, a second apart: the long-named conversation (stamped now) is strictly the
  // newest, never tied with them in WhatsApp's whole seconds (ties order by id: random).
  const bulkAt = Math.floor(Date.now() / 1000) - 600;
  const bulk = Array.from({ length: 55 }, (_, i) => ({
    from: rnd(),
    pushName: `Bulk ${String(i).padStart(2, "0")}`,
    text: `bulk msg ${i}`,
    timestamp: bulkAt + i,
  }));

  beforeAll(async () => {
    await buildDashboard();
    [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
    const created = await fetch(`${stack.baseUrl}/api/instances`, {
      method: "POST",
      headers: auth(),
      body: JSON.stringify({ name, number: "+5511977776666" }),
    });
    expect(created.status).toBe(201);
    await stack.sim(`/instances/${name}/scan`, {});
    await until(() => inbound({ from: rnd(), pushName: "Warm Up", text: "hi" }).then(() => true), "the instance to accept inbound messages");
    await inbound({ messages: bulk });
    await inbound({ from: rnd(), pushName: LONG, text: `long preview ${"x".repeat(600)} https://example.com/${"a".repeat(300)}` });
    await until(async () => (await find("Maximiliana")).id.startsWith("cv_"), "the long-named conversation");
    await until(async () => (await find("Bulk 54")).id.startsWith("cv_"), "the bulk conversations");
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it("at 390 px a long name and preview ellipsize: times and unread badges stay on screen, and the thread header name stops before the agent toggle", async () => {
    const page = await open({ width: 390, height: 760 });
    await page.goto(`${stack.baseUrl}/inbox`);
    const item = page.locator('[data-testid="conversation"]', { hasText: "Maximiliana" });
    await item.waitFor({ timeout: 10_000 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const badge = await item.locator('[data-testid="unread"]').boundingBox();
    const time = await item.locator(".conv-time").boundingBox();
    expect(badge && badge.x + badge.width).toBeLessThanOrEqual(390);
    expect(time && time.x + time.width).toBeLessThanOrEqual(390);
    await shot(page, "inbox-fixes-01-phone-list");
    await item.click();
    await page.locator('[data-testid="message"]').first().waitFor();
    const who = await page.locator(".thread-who strong").boundingBox();
    const toggle = await page.locator(".agent-toggle").boundingBox();
    expect(who!.x + who!.width).toBeLessThanOrEqual(toggle!.x);
    await shot(page, "inbox-fixes-02-phone-thread");
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // A day separator, and the full date on the bubble's time.
    expect(await page.locator('[data-testid="day-separator"]').first().textContent()).toBe("Today");
    expect(await page.locator('[data-testid="message"] time').first().getAttribute("title")).toMatch(/\d{4}/);
    await page.close();
  });

  it("after Load more a live message keeps the loaded rows; a slow answer for an earlier search does not replace the current one", async () => {
    const page = await open();
    await page.goto(`${stack.baseUrl}/inbox`);
    const rows = page.locator('[data-testid="conversation"]');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(50);
    await page.getByRole("button", { name: "Load more" }).click();
    await expect.poll(() => rows.count()).toBeGreaterThan(55);
    const loaded = await rows.count();
    await inbound({ from: bulk[3]!.from, pushName: "Bulk 03", text: "bulk 03 again" });
    await expect.poll(() => rows.first().textContent(), { timeout: 10_000 }).toContain("bulk 03 again");
    await new Promise((r) => setTimeout(r, 500));
    expect(await rows.count()).toBe(loaded);

    // The first search's answer is held back until after the second one has shown.
    await page.route(/\/api\/conversations\?.*q=Warm\+Up/, async (route) => {
      await new Promise((r) => setTimeout(r, 1500));
      await route.continue().catch(() => undefined);
    });
    const search = page.getByLabel("Search conversations");
    await search.fill("Warm Up");
    await new Promise((r) => setTimeout(r, 300));
    await search.fill("Maximiliana");
    await expect.poll(() => rows.allTextContents(), { timeout: 10_000 }).toEqual([expect.stringContaining("Maximiliana")]);
    await new Promise((r) => setTimeout(r, 2000));
    expect(await rows.allTextContents()).toEqual([expect.stringContaining("Maximiliana")]);
    await page.close();
  });

  it("a message that arrived while the tab was hidden is marked read when the tab with its thread open becomes visible", async () => {
    const { id, page, from } = await threadOf("Kim Hidden", "k1");
    await page.locator('[data-testid="message"]', { hasText: "k1" }).waitFor();
    await expect.poll(async () => (await conv(id)).unread_count, { timeout: 10_000 }).toBe(0);
    await setVisible(page, false);
    await inbound({ from, pushName: "Kim Hidden", text: "k2 while hidden" });
    await page.locator('[data-testid="message"]', { hasText: "k2 while hidden" }).waitFor({ timeout: 10_000 });
    const item = page.locator('[data-testid="conversation"]', { hasText: "Kim Hidden" });
    await item.locator('[data-testid="unread"]').waitFor({ timeout: 10_000 });
    expect((await conv(id)).unread_count).toBe(1);
    await setVisible(page, true);
    await expect.poll(async () => (await conv(id)).unread_count, { timeout: 10_000 }).toBe(0);
    await item.locator('[data-testid="unread"]').waitFor({ state: "detached", timeout: 10_000 });
    await page.close();
  });

  it("Archive asks first, archives and returns to the list; an archived thread shows a banner, keeps its composer, and a message written there opens the contact's new active conversation", async () => {
    const { id, page } = await threadOf("Arturo Archive", "please archive me");
    let asked = "";
    page.once("dialog", (d) => {
      asked = d.message();
      void d.dismiss();
    });
    await page.getByRole("button", { name: "Archive" }).click();
    await expect.poll(() => asked).toContain("Arturo Archive");
    expect((await conv(id)).status).toBe("active");
    page.once("dialog", (d) => void d.accept());
    await page.getByRole("button", { name: "Archive" }).click();
    await page.waitForURL(`${stack.baseUrl}/inbox`);
    await expect.poll(async () => (await conv(id)).status).toBe("archived");

    await page.goto(`${stack.baseUrl}/inbox/${id}`);
    await page.locator('[data-testid="archived-banner"]').waitFor();
    expect(await page.getByRole("button", { name: "Archive" }).count()).toBe(0);
    expect(await page.getByLabel("Message").isEnabled()).toBe(true);
    // The server files a message sent here under the contact's active conversation (a new one):
    // the dashboard follows it there.
    await page.getByLabel("Message").fill("still here?");
    await page.getByRole("button", { name: "Send" }).click();
    await page.waitForURL((url) => /\/inbox\/cv_/.test(url.pathname) && !url.pathname.endsWith(id));
    const moved = new URL(page.url()).pathname.split("/").pop()!;
    expect(await conv(moved)).toMatchObject({ status: "active", last_message_content: "still here?" });
    await page.locator('[data-testid="message"]', { hasText: "still here?" }).waitFor();
    expect(await page.locator('[data-testid="archived-banner"]').count()).toBe(0);
    await page.close();
  });

  it("composer: a removed attachment can be chosen again, a voice note's text is sent after it, and the text box stops at 4096 characters", async () => {
    const { page } = await threadOf("Fiona Files", "send me files");
    await page.locator('[data-testid="message"]').first().waitFor();
    const fileInput = page.getByLabel("Attach a file");
    const png = {
      name: "small.png",
      mimeType: "image/png",
      buffer: Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64"),
    };
    await fileInput.setInputFiles(png);
    await page.locator(".composer-file", { hasText: "small.png" }).waitFor();
    await page.getByLabel("Remove attachment").click();
    expect(await fileInput.evaluate((e: HTMLInputElement) => e.value)).toBe("");
    await fileInput.setInputFiles(png);
    await page.locator(".composer-file", { hasText: "small.png" }).waitFor({ timeout: 2000 });
    await page.getByLabel("Remove attachment").click();

    await fileInput.setInputFiles({ name: "voice.ogg", mimeType: "audio/ogg", buffer: Buffer.from("OggS\0\x02voice-note-bytes") });
    await page.getByLabel("Message").fill("the text with the voice note");
    await page.getByRole("button", { name: "Send" }).click();
    await page.locator('[data-testid="message"][data-type="audio"]').waitFor({ timeout: 10_000 });
    await page.locator('[data-testid="message"][data-type="text"]', { hasText: "the text with the voice note" }).waitFor({ timeout: 10_000 });
    expect(await page.getByLabel("Message").inputValue()).toBe("");

    const box = page.getByLabel("Message");
    expect(await box.getAttribute("maxlength")).toBe("4096");
    await box.fill("y".repeat(4000));
    expect(await page.locator('[data-testid="char-count"]').textContent()).toContain("4000 / 4096");
    await page.close();
  });

  it("Load older messages keeps the message being read in place", async () => {
    const from = rnd();
    await inbound({ messages: Array.from({ length: 60 }, (_, i) => ({ from, pushName: "Hana History", text: `history ${i}\nline two\nline three` })) });
    await expect.poll(async () => (await find("Hana History")).id, { timeout: 15_000 }).toMatch(/^cv_/);
    const { id } = await find("Hana History");
    const stored = async () =>
      ((await (await fetch(`${stack.baseUrl}/api/conversations/${id}/messages?limit=100`, { headers: auth() })).json()) as { items: unknown[] }).items.length;
    await expect.poll(stored, { timeout: 15_000 }).toBe(60);
    const page = await open();
    await page.goto(`${stack.baseUrl}/inbox/${id}`);
    await expect.poll(() => page.locator('[data-testid="message"]').count(), { timeout: 10_000 }).toBe(50);
    const list = page.locator(".thread-messages");
    await list.evaluate((e) => (e.scrollTop = 0));
    const first = page.locator('[data-testid="message"]').first();
    const anchorId = await first.getAttribute("data-id");
    const top = async () =>
      page
        .locator(`[data-testid="message"][data-id="${anchorId}"]`)
        .evaluate((m) => m.getBoundingClientRect().top - m.closest(".thread-messages")!.getBoundingClientRect().top);
    const before = await top();
    await page.getByRole("button", { name: "Load older messages" }).click();
    await expect.poll(() => page.locator('[data-testid="message"]').count()).toBe(60);
    expect(Math.abs((await top()) - before)).toBeLessThan(5);
    expect(await list.evaluate((e) => e.scrollTop)).toBeGreaterThan(100);
    await page.close();
  });

  it("an unknown conversation link shows only a not-found state with a way back", async () => {
    const page = await open();
    await page.goto(`${stack.baseUrl}/inbox/cv_AAAAAAAAAAAAAAAAAAAA`);
    await page.locator('[data-testid="thread-not-found"]').waitFor({ timeout: 10_000 });
    expect(await page.getByLabel("Message").count()).toBe(0);
    expect(await page.getByText("No messages yet").count()).toBe(0);
    await page.locator('[data-testid="thread-not-found"]').getByRole("link", { name: "Back to conversations" }).click();
    await page.waitForURL(`${stack.baseUrl}/inbox`);
    await page.close();
  });
});
