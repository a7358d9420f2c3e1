import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, shot, signIn } from "./browser.ts";
import { buildDashboard, type Stack, startStack } from "./stack.ts";

describe("the inbox in Chromium", () => {
  let stack: Stack;
  let browser: Browser;
  const auth = () => ({ authorization: `Bearer ${stack.adminToken}`, "content-type": "application/json" });
  const sim = (path: string, body?: unknown) => stack.sim(path, body);

  beforeAll(async () => {
    // The dashboard bundle must contain this build's inbox page.
    await buildDashboard();
    [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it("inbound text and image from a new number appear live; a reply reaches the simulator and its ticks turn read", async () => {
    const name = `inbox-${Date.now()}`;
    const created = await fetch(`${stack.baseUrl}/api/instances`, {
      method: "POST",
      headers: auth(),
      body: JSON.stringify({ name, number: "+5511988887777" }),
    });
    expect(created.status).toBe(201);
    await sim(`/instances/${name}/scan`, {});

    const page = await browser.newPage();
    await signIn(page, stack.baseUrl, stack.adminToken);
    await page.goto(`${stack.baseUrl}/inbox`);
    await page.getByLabel("Search conversations").waitFor();
    await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));

    const from = `55119${String(Math.floor(1e7 + Math.random() * 9e7))}`;
    await sim(`/instances/${name}/inbound`, { from, pushName: "Renata Lima", text: "Oi, vocês entregam hoje?" });
    const item = page.locator('[data-testid="conversation"]', { hasText: "Renata Lima" });
    await item.waitFor({ timeout: 10_000 });
    await expect(item.textContent()).resolves.toContain("Oi, vocês entregam hoje?");
    await sim(`/instances/${name}/inbound`, { from, pushName: "Renata Lima", media: { type: "image", caption: "este modelo" } });
    await item.getByText("[image] este modelo").waitFor({ timeout: 10_000 });
    await expect(item.locator('[data-testid="unread"]').textContent()).resolves.toBe("2");

    await item.click();
    await page.waitForURL(/\/inbox\/cv_/);
    await page.locator('[data-testid="message"]', { hasText: "Oi, vocês entregam hoje?" }).waitFor();
    const img = page.locator('[data-testid="message"][data-type="image"] img');
    await img.waitFor({ timeout: 15_000 });
    expect(await img.getAttribute("src")).toMatch(/^data:image\/png;base64,/);
    expect(await img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 10)).toBe(true);
    // Opening the conversation marks it read.
    await item.locator('[data-testid="unread"]').waitFor({ state: "detached", timeout: 10_000 });

    // The new contact exists (created by the inbound message, named from pushName).
    const contacts = (await (await fetch(`${stack.baseUrl}/api/contacts?number=${from}`, { headers: auth() })).json()) as {
      items: { name: string; whatsapp_number: string }[];
    };
    expect(contacts.items.map((c) => [c.name, c.whatsapp_number])).toContainEqual(["Renata Lima", `+${from}`]);

    await page.getByLabel("Message").fill("Entregamos sim, até as 18h!");
    await page.getByRole("button", { name: "Send" }).click();
    const mine = page.locator('[data-testid="message"]', { hasText: "Entregamos sim, até as 18h!" });
    await mine.waitFor();
    await expect
      .poll(async () => ((await sim(`/instances/${name}/sends`)) as { body: { number: string; text: string } }[]).map((s) => s.body), { timeout: 10_000 })
      .toContainEqual({ number: from, text: "Entregamos sim, até as 18h!" });
    // Node simulator acks after 0.8 s, 2 s and 4 s: ✓ → ✓✓ → blue ✓✓.
    await page.locator('[data-testid="message"][data-status="read"]', { hasText: "Entregamos sim" }).waitFor({ timeout: 20_000 });
    const tick = mine.locator('[data-testid="tick"]');
    expect(await tick.textContent()).toBe("✓✓");
    expect(await tick.evaluate((el) => getComputedStyle(el).color)).toBe("rgb(83, 189, 235)");
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    await shot(page, "inbox-01-thread");
    await page.close();
  });

  it("at 375 px the list and the thread are separate screens", async () => {
    const page = await browser.newPage({ viewport: { width: 375, height: 740 } });
    await signIn(page, stack.baseUrl, stack.adminToken);
    await page.goto(`${stack.baseUrl}/inbox`);
    const first = page.locator('[data-testid="conversation"]').first();
    await first.waitFor({ timeout: 10_000 });
    expect(await page.locator(".thread").isVisible()).toBe(false);
    await first.click();
    await page.locator('[data-testid="message"]').first().waitFor();
    expect(await page.getByLabel("Search conversations").isVisible()).toBe(false);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(375);
    await shot(page, "inbox-02-phone");
    await page.getByLabel("Back to conversations").click();
    await page.getByLabel("Search conversations").waitFor();
    await page.close();
  });
});
