import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, shot, signIn } from "./browser.ts";
import { type Stack, startStack } from "./stack.ts";

type Send = { route: string; body: { text?: string; number?: string } };

describe("interactive menus in Chromium", () => {
  let stack: Stack;
  let browser: Browser;
  const sim = (path: string, body?: unknown) => stack.sim(path, body);
  const sendsTo = async (instance: string, number: string) =>
    ((await sim(`/instances/${instance}/sends`)) as Send[])
      .filter((s) => s.route.includes("sendText") && s.body.number?.replace(/\D/g, "") === number)
      .map((s) => s.body.text ?? "");
  const waitForSend = async (instance: string, number: string, match: RegExp) => {
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const texts = await sendsTo(instance, number);
      const hit = texts.find((t) => match.test(t));
      if (hit) return hit;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`no send matching ${match} to ${number}: ${JSON.stringify(await sendsTo(instance, number))}`);
  };

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it("a template made in the UI answers the keyword with its menu, and the answer advances the flow", async () => {
    const instance = `menus-${Date.now()}`;
    const created = await fetch(`${stack.baseUrl}/api/instances`, {
      method: "POST",
      headers: { authorization: `Bearer ${stack.adminToken}`, "content-type": "application/json" },
      body: JSON.stringify({ name: instance, number: "+5511988880000" }),
    });
    expect(created.status).toBe(201);
    await sim(`/instances/${instance}/scan`, {});

    const page = await browser.newPage();
    await signIn(page, stack.baseUrl, stack.adminToken);
    await page.goto(`${stack.baseUrl}/menus/new`);
    await page.getByLabel("Name").fill("Promo menu");
    await page.getByLabel("Trigger keywords (comma-separated)").fill("promo, oferta");
    // A broken reference is caught live, with its path, before saving.
    const editor = page.getByLabel("Menu (JSON)");
    const good = await editor.inputValue();
    await editor.fill(good.replace('"next": "hours"', '"next": "hourz"'));
    await expect(page.getByTestId("menu-errors").textContent()).resolves.toContain('steps.main.options.1.next: Step "hourz" does not exist');
    expect(await page.getByRole("button", { name: "Save" }).isDisabled()).toBe(true);
    await editor.fill(good);
    await expect(page.getByTestId("preview-main").textContent()).resolves.toContain("1. Talk to sales");
    await shot(page, "menus-01-editor");
    await page.getByRole("button", { name: "Save" }).click();
    await page.waitForURL(/\/menus$/);
    await page.locator('[data-testid="menu-card"][data-name="Promo menu"]').waitFor();

    const from = `55119${String(Math.floor(1e7 + Math.random() * 9e7))}`;
    await sim(`/instances/${instance}/inbound`, { from, pushName: "Paula", text: "Vi a PROMO no Instagram!" });
    const menu = await waitForSend(instance, from, /1\. Talk to sales/);
    expect(menu).toContain("2. Opening hours");

    await sim(`/instances/${instance}/inbound`, { from, pushName: "Paula", text: "1" });
    await waitForSend(instance, from, /What's your name\?/);

    // The inbox shows the running menu and its step on the conversation.
    await page.goto(`${stack.baseUrl}/inbox`);
    await page.locator('[data-testid="conversation"]', { hasText: "Paula" }).click();
    await expect(page.getByTestId("flow-badge").textContent()).resolves.toMatch(/Promo menu.*step ask_name/);
    await shot(page, "menus-02-inbox-flow");

    await sim(`/instances/${instance}/inbound`, { from, pushName: "Paula", text: "Paula Reis" });
    expect(await waitForSend(instance, from, /Thanks, Paula Reis!/)).toMatch(/Someone from sales will reply here shortly/);
    await page.close();
  });

  it("the dashboard calls them Menus; the old /workflows addresses still open them", async () => {
    const page = await browser.newPage();
    await signIn(page, stack.baseUrl, stack.adminToken);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Menus" }).click();
    await page.waitForURL(/\/menus$/);
    await page.getByRole("heading", { name: "Menus" }).waitFor();
    const href = await page.locator('[data-testid="menu-card"][data-name="Promo menu"]').getByRole("link").getAttribute("href");
    expect(href).toMatch(/^\/menus\/\w+$/);

    await page.goto(`${stack.baseUrl}/workflows`);
    await page.waitForURL(/\/menus$/);
    await page.goto(`${stack.baseUrl}/workflows/new`);
    await page.waitForURL(/\/menus\/new$/);
    await page.getByRole("form", { name: "Menu" }).waitFor();
    await page.goto(`${stack.baseUrl}${href}`.replace("/menus/", "/workflows/"));
    await page.waitForURL(`${stack.baseUrl}${href}`);
    await expect.poll(() => page.getByLabel("Name").inputValue()).toBe("Promo menu");
    await page.close();
  });
});
