import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, shot, signIn } from "./browser.ts";
import { type Stack, startStack } from "./stack.ts";

// HTML and script in user-controlled text must render as text, never run.
const PAYLOADS = ['<img src=x onerror="window.__xss=1">', "<script>window.__xss=2</script>", '"><svg onload="window.__xss=3">'];

describe("hostile text is inert in the dashboard", () => {
  let stack: Stack;
  let browser: Browser;
  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it("contact names, descriptions, tags and inbound messages with markup show verbatim and run nothing", async () => {
    const headers = { authorization: `Bearer ${stack.adminToken}`, "content-type": "application/json" };
    const name = `evil-${Date.now()}`;
    await fetch(`${stack.baseUrl}/api/instances`, { method: "POST", headers, body: JSON.stringify({ name, number: "+5511977770000" }) });
    await fetch(`${stack.simUrl}/_sim/instances/${name}/scan`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    for (const [i, p] of PAYLOADS.entries()) {
      const res = await fetch(`${stack.baseUrl}/api/contacts`, {
        method: "POST",
        headers,
        body: JSON.stringify({ whatsapp_number: `+1415555${1000 + i}`, name: p, description: p, tags: [`x${i}<b>`] }),
      });
      expect(res.status).toBe(201);
      await fetch(`${stack.simUrl}/_sim/instances/${name}/inbound`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ from: `55119${70000000 + i}`, pushName: p, text: p }),
      });
    }
    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await signIn(page, stack.baseUrl, stack.adminToken);
    await page.goto(`${stack.baseUrl}/contacts`);
    for (const p of PAYLOADS) await page.getByText(p, { exact: true }).first().waitFor({ timeout: 10_000 });
    await shot(page, "hostile-01-contacts");
    await page.goto(`${stack.baseUrl}/inbox`);
    for (const p of PAYLOADS) await page.locator('[data-testid="conversation"]', { hasText: p }).first().waitFor({ timeout: 10_000 });
    await page.locator('[data-testid="conversation"]', { hasText: PAYLOADS[0]! }).first().click();
    await page.locator('[data-testid="message"]', { hasText: PAYLOADS[0]! }).waitFor();
    await shot(page, "hostile-02-inbox");
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator("img[src='x'], svg[onload]").count()).toBe(0);
    expect(dialogs).toEqual([]);
    await page.close();
  });
});
