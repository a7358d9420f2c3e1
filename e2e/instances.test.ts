import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, shot, signIn } from "./browser.ts";
import { type Stack, startStack } from "./stack.ts";

describe("connecting a WhatsApp number in Chromium", () => {
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it("create → QR shown → simulator scans → index shows a green dot, with no reload", async () => {
    const page = await browser.newPage();
    await signIn(page, stack.baseUrl, stack.adminToken);
    await page.getByRole("link", { name: "Connect a number" }).click();

    // Field errors come back from the API validation.
    await page.getByLabel("Instance name").fill("bad name");
    await page.getByLabel("WhatsApp number").fill("+55 11 98888-7777");
    await page.getByRole("button", { name: "Create and show QR" }).click();
    await expect(page.locator(".field-error").first().textContent()).resolves.toMatch(/letters, digits/);

    const name = `sales-${Date.now()}`;
    await page.getByLabel("Instance name").fill(name);
    await page.getByRole("button", { name: "Create and show QR" }).click();
    await page.waitForURL(/\/instances\/ins_/);
    const qr = page.getByRole("img", { name: "WhatsApp QR code" });
    await qr.waitFor({ timeout: 20_000 });
    expect(await qr.getAttribute("src")).toMatch(/^data:image\/png;base64,/);
    // The image really decodes as a picture.
    expect(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 50)).toBe(true);
    await shot(page, "instances-01-qr");

    // Mark the document: a reload would lose the marker.
    await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
    const scan = await fetch(`${stack.simUrl}/_sim/instances/${name}/scan`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(scan.status).toBe(200);

    await page.waitForURL(/\/instances$/, { timeout: 15_000 });
    const dot = page.locator(`[data-testid="instance-card"][data-name="${name}"] [data-testid="status-dot"]`);
    await dot.and(page.locator('[data-status="open"]')).waitFor({ timeout: 10_000 });
    expect(await dot.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe("rgb(22, 163, 74)");
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    await shot(page, "instances-02-open");
    await page.close();
  });

  it("the index updates live when another client changes an instance", async () => {
    const page = await browser.newPage();
    await signIn(page, stack.baseUrl, stack.adminToken);
    await page.getByRole("heading", { name: "Instances" }).waitFor();
    const name = `live-${Date.now()}`;
    const res = await fetch(`${stack.baseUrl}/api/instances`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${stack.adminToken}` },
      body: JSON.stringify({ name, number: "+14155550123" }),
    });
    expect(res.status).toBe(201);
    const card = page.locator(`[data-testid="instance-card"][data-name="${name}"]`);
    await card.waitFor({ timeout: 10_000 });
    await card.getByRole("button", { name: "Edit webhook" }).click();
    await page.getByLabel("Webhook URL").fill("https://crm.example.com/hook");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("dialog").waitFor({ state: "detached" });
    const view = (await (await fetch(`${stack.baseUrl}/api/instances`, { headers: { authorization: `Bearer ${stack.adminToken}` } })).json()) as {
      items: { name: string; webhook_url: string }[];
    };
    expect(view.items.find((i) => i.name === name)?.webhook_url).toBe("https://crm.example.com/hook");
    await page.close();
  });
});
