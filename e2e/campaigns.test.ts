import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, shot, signIn } from "./browser.ts";
import { type Stack, startStack } from "./stack.ts";

describe("a campaign from a tag in Chromium", () => {
  let stack: Stack;
  let browser: Browser;
  const call = <T>(path: string, json?: unknown) => stack.api<T>(path, json);

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it("create from a tag → start → the progress bar reaches 100% live", async () => {
    const name = `promo-${Date.now()}`;
    const inst = await call<{ id: string }>("/api/instances", { name, number: "+5511977776666" });
    const scan = await fetch(`${stack.simUrl}/_sim/instances/${name}/scan`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(scan.status).toBe(200);
    for (let i = 0; i < 100; i++) {
      if ((await call<{ status: string }>(`/api/instances/${inst.id}`)).status === "open") break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const tag = `vip${Date.now() % 100000}`;
    for (let i = 0; i < 4; i++) await call("/api/contacts", { name: `Cliente ${i} Teste`, whatsapp_number: `+55119666600${10 + i}`, tags: [tag] });

    const page = await browser.newPage();
    await signIn(page, stack.baseUrl, stack.adminToken);
    await page.goto(`${stack.baseUrl}/campaigns`);
    await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
    await page.getByRole("link", { name: "New campaign" }).click();
    await page.getByLabel("Campaign name").fill("Black Friday");
    await page
      .getByRole("group", { name: "Target tags" })
      .getByRole("button", { name: new RegExp(`^${tag}`) })
      .click();
    await page.getByTestId("audience-count").getByText("4").waitFor({ timeout: 10_000 });
    await page.getByLabel("Message", { exact: true }).fill("Oi {{first_name|cliente}}, 20% off hoje!");
    await expect(page.getByTestId("message-preview").textContent()).resolves.toContain("Oi Cliente, 20% off hoje!");
    await page.getByLabel("Messages per minute").fill("60");
    await page.getByLabel("Random jitter (%)").fill("0");
    await shot(page, "campaigns-01-form");
    await page.getByRole("button", { name: "Create and start" }).click();
    await page.waitForURL(/\/campaigns\/cmp_/);

    const bar = page.getByRole("progressbar", { name: "Campaign progress" });
    await bar.waitFor();
    // Live: the bar moves through intermediate values without a reload.
    await page.locator('[role="progressbar"][data-done="100"]').waitFor({ timeout: 45_000 });
    await page.getByTestId("campaign-status").getByText("completed").waitFor({ timeout: 10_000 });
    expect(await page.getByTestId("count-sent").textContent()).toContain("4");
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    await shot(page, "campaigns-02-done");

    const sends = (await (await fetch(`${stack.simUrl}/_sim/instances/${name}/sends`)).json()) as { body: { text: string } }[];
    expect(sends.map((s) => s.body.text).sort()).toEqual(Array.from({ length: 4 }, () => "Oi Cliente, 20% off hoje!"));
    await page.close();
  });
});
