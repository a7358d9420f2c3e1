import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, shot, signIn } from "./browser.ts";
import { type Stack, startStack } from "./stack.ts";

describe("dashboard shell in Chromium", () => {
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStack({ withSimulator: false }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it("serves /healthz and the SPA fallback", async () => {
    expect((await fetch(`${stack.baseUrl}/healthz`)).status).toBe(200);
    const deep = await fetch(`${stack.baseUrl}/contacts/some/deep/link`);
    expect(deep.status).toBe(200);
    expect(await deep.text()).toContain('<div id="app">');
    const api = await fetch(`${stack.baseUrl}/api/session`);
    expect(api.status).toBe(401);
  });

  it("sends the security headers with the dashboard and the API (issue 17)", async () => {
    for (const path of ["/", "/inbox/deep/link", "/api/session"]) {
      const res = await fetch(`${stack.baseUrl}${path}`);
      const h = res.headers;
      expect(h.get("x-content-type-options"), path).toBe("nosniff");
      expect(h.get("x-frame-options"), path).toBe("DENY");
      expect(h.get("referrer-policy"), path).toBe("same-origin");
      expect(h.get("content-security-policy"), path).toContain("frame-ancestors 'none'");
    }
    const csp = (await fetch(`${stack.baseUrl}/`)).headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
  });

  it("refuses without signing in, rejects a wrong token, then signs in and shows the navigation", async () => {
    const page = await browser.newPage();
    await page.goto(`${stack.baseUrl}/contacts`);
    // The shell asks /api/session first, then shows the form: wait for it, do not sample.
    await page.getByRole("form", { name: "Sign in" }).waitFor();
    expect(await page.getByRole("navigation", { name: "Main" }).count()).toBe(0);

    await page.getByRole("button", { name: "Use the admin token" }).click();
    await page.getByLabel("Admin token").fill("not-the-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").textContent()).resolves.toMatch(/not valid/);
    await shot(page, "shell-01-refused");

    await signIn(page, stack.baseUrl, stack.adminToken);
    await page.getByRole("heading", { name: "Instances" }).waitFor();
    const nav = page.getByRole("navigation", { name: "Main" });
    for (const name of ["Instances", "Contacts", "Inbox", "Campaigns", "Agents", "Menus"]) expect(await nav.getByRole("link", { name }).count()).toBe(1);
    // The realtime socket connects and the indicator says so.
    await page.locator('[data-testid="live-indicator"][data-status="live"]').waitFor({ timeout: 10_000 });
    await page.getByText("Evolution API").first().waitFor();
    await shot(page, "shell-02-signed-in");

    // The session cookie is HttpOnly: page scripts cannot read it.
    expect(await page.evaluate(() => document.cookie)).not.toContain("parley_session");
    await page.close();
  });

  it("is usable at 375 px wide", async () => {
    const ctx = await browser.newContext({ viewport: { width: 375, height: 740 } });
    const page = await ctx.newPage();
    await signIn(page, stack.baseUrl, stack.adminToken);
    await page.getByRole("button", { name: "Menu" }).click();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Campaigns" }).click();
    await page.waitForURL(/\/campaigns$/);
    await page.getByRole("heading", { name: "Campaigns" }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(page, "shell-03-phone");
    await ctx.close();
  });
});
