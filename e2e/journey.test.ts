// The whole journey a user makes, in one headless-Chromium test against the real local stack
// (`wrangler dev` + the Node Evolution simulator): connect a number, talk to a new contact,
// tag contacts, run a campaign to the tag and see a reply land on its recipient table.
// Every step leaves a screenshot in e2e/screenshots/journey-NN-*.png.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, SCREENSHOTS, shot, signIn } from "./browser.ts";
import { buildDashboard, type Stack, startStack } from "./stack.ts";

/** A fresh valid Brazilian mobile number, digits only (as in a JID). */
const digits = () => `5511${9}${String(Math.floor(1e7 + Math.random() * 9e7))}`;

describe("the whole journey in Chromium", () => {
  let stack: Stack;
  let browser: Browser;

  const sim = <T>(path: string, body?: unknown) => stack.sim<T>(path, body);

  beforeAll(async () => {
    // The bundle must be this build's dashboard.
    await buildDashboard();
    [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    console.log(`journey screenshots: ${SCREENSHOTS}`);
  });

  const row = (page: Page, e164: string) => page.locator(`[data-testid="contact-row"][data-number="${e164}"]`);

  async function addContactInUi(page: Page, name: string, e164: string): Promise<void> {
    await page.getByRole("button", { name: "Add contact" }).click();
    const dialog = page.getByRole("dialog", { name: "Add a contact" });
    await dialog.getByLabel("Name").fill(name);
    await dialog.getByLabel("WhatsApp number").fill(e164);
    await dialog.getByRole("button", { name: "Add contact" }).click();
    await dialog.waitFor({ state: "detached" });
    await row(page, e164).waitFor({ timeout: 10_000 });
  }

  async function tagInUi(page: Page, label: string, e164: string, tag: string): Promise<void> {
    const r = row(page, e164);
    await r.getByRole("button", { name: `Add tag to ${label}` }).click();
    await r.getByLabel(`New tag for ${label}`).fill(tag);
    await r.getByRole("button", { name: "Add", exact: true }).click();
    await r.locator(`.tag[data-tag="${tag}"]`).waitFor({ timeout: 10_000 });
  }

  it("connect → inbound → reply with ticks → tag three → campaign to the tag → 3 sent → a reply marks the recipient replied", {
    timeout: 120_000,
  }, async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    try {
      await journey(page);
    } catch (err) {
      console.log(`journey failed; the page as it was: ${await shot(page, "journey-failed")}`);
      throw err;
    } finally {
      await page.close();
    }
  });

  async function journey(page: Page): Promise<void> {
    await signIn(page, stack.baseUrl, stack.adminToken);
    await shot(page, "journey-01-signed-in");

    // 1. Create an instance in the UI; its QR is shown.
    const name = `journey-${Date.now()}`;
    await page.getByRole("link", { name: "Connect a number" }).click();
    await page.getByLabel("Instance name").fill(name);
    await page.getByLabel("WhatsApp number").fill("+5511955554444");
    await page.getByRole("button", { name: "Create and show QR" }).click();
    await page.waitForURL(/\/instances\/ins_/);
    const qr = page.getByRole("img", { name: "WhatsApp QR code" });
    await qr.waitFor({ timeout: 20_000 });
    expect(await qr.getAttribute("src")).toMatch(/^data:image\/png;base64,/);
    await shot(page, "journey-02-qr");

    // 2. The simulator scans it; the page returns to the index with a green dot.
    await sim(`/instances/${name}/scan`, {});
    await page.waitForURL(/\/instances$/, { timeout: 15_000 });
    const dot = page.locator(`[data-testid="instance-card"][data-name="${name}"] [data-testid="status-dot"][data-status="open"]`);
    await dot.waitFor({ timeout: 10_000 });
    expect(await dot.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe("rgb(22, 163, 74)");
    await shot(page, "journey-03-connected");

    // 3. An inbound message from a new number appears in the inbox…
    await page.goto(`${stack.baseUrl}/inbox`);
    await page.getByLabel("Search conversations").waitFor();
    const renata = digits();
    await sim(`/instances/${name}/inbound`, { from: renata, pushName: "Renata Lima", text: "Oi, vocês entregam hoje?" });
    const item = page.locator('[data-testid="conversation"]', { hasText: "Renata Lima" });
    await item.waitFor({ timeout: 15_000 });
    await item.getByText("Oi, vocês entregam hoje?").waitFor();
    await shot(page, "journey-04-inbox-inbound");

    // 4. …and its contact in contacts.
    await page.goto(`${stack.baseUrl}/contacts`);
    await row(page, `+${renata}`).getByText("Renata Lima").waitFor({ timeout: 15_000 });
    await shot(page, "journey-05-contact-created");

    // 5. Reply from the composer; the simulator acks after 0.8 / 2 / 4 s: ✓ → ✓✓ → blue ✓✓.
    await page.goto(`${stack.baseUrl}/inbox`);
    await item.click();
    await page.waitForURL(/\/inbox\/cv_/);
    await page.locator('[data-testid="message"]', { hasText: "Oi, vocês entregam hoje?" }).waitFor();
    await page.getByLabel("Message").fill("Entregamos sim, até as 18h!");
    await page.getByRole("button", { name: "Send" }).click();
    const mine = page.locator('[data-testid="message"]', { hasText: "Entregamos sim, até as 18h!" });
    await mine.waitFor();
    await mine.and(page.locator('[data-status="delivered"], [data-status="read"]')).waitFor({ timeout: 15_000 });
    await shot(page, "journey-06-reply-delivered");
    await mine.and(page.locator('[data-status="read"]')).waitFor({ timeout: 15_000 });
    expect(await mine.locator('[data-testid="tick"]').textContent()).toBe("✓✓");
    await shot(page, "journey-07-reply-read");

    // 6. Two more contacts added in the contacts UI; all three tagged there.
    const tag = `journey${Date.now() % 1_000_000}`;
    const bruno = `+${digits()}`;
    const carla = `+${digits()}`;
    await page.goto(`${stack.baseUrl}/contacts`);
    await page.locator('[data-testid="live-indicator"][data-status="live"]').waitFor({ timeout: 15_000 });
    await addContactInUi(page, "Bruno Reis", bruno);
    await addContactInUi(page, "Carla Dias", carla);
    await tagInUi(page, "Renata Lima", `+${renata}`, tag);
    await tagInUi(page, "Bruno Reis", bruno, tag);
    await tagInUi(page, "Carla Dias", carla, tag);
    await page.locator(`[data-testid="tag-chip"][data-tag="${tag}"] [data-testid="tag-count"]`).getByText("3", { exact: true }).waitFor({ timeout: 10_000 });
    await shot(page, "journey-08-tagged");

    // 7. A campaign to that tag, as fast as the form allows (600/min, no jitter); saved, then started.
    await page.goto(`${stack.baseUrl}/campaigns`);
    await page.getByRole("link", { name: "New campaign" }).click();
    await page.getByLabel("Campaign name").fill("Journey promo");
    const option = page.locator('select[name="instance_id"] option', { hasText: name });
    await option.waitFor({ state: "attached" });
    await page.getByLabel("Send from").selectOption((await option.getAttribute("value")) ?? "");
    await page
      .getByRole("group", { name: "Target tags" })
      .getByRole("button", { name: new RegExp(`^${tag}`) })
      .click();
    await page.getByTestId("audience-count").getByText("3").waitFor({ timeout: 10_000 });
    await page.getByLabel("Message", { exact: true }).fill("Oi {{first_name|cliente}}, 20% off hoje!");
    await page.getByLabel("Messages per minute").fill("600");
    await page.getByLabel("Random jitter (%)").fill("0");
    await shot(page, "journey-09-campaign-form");
    await page.getByRole("button", { name: "Save draft" }).click();
    await page.waitForURL(/\/campaigns\/cmp_/);
    await page.getByTestId("campaign-status").getByText("pending").waitFor();
    await page.getByRole("button", { name: "Start now" }).click();

    // 8. 3 sent, the progress bar at 100%.
    await page.locator('[role="progressbar"][data-done="100"]').waitFor({ timeout: 30_000 });
    await page.getByTestId("campaign-status").getByText("completed").waitFor({ timeout: 10_000 });
    expect((await page.getByTestId("count-sent").textContent())?.trim()).toMatch(/^3/);
    await shot(page, "journey-10-campaign-done");
    const sends = await sim<{ route: string; body: { number: string; text?: string } }[]>(`/instances/${name}/sends`);
    const campaignSends = sends.filter((s) => s.body.text?.includes("20% off hoje"));
    expect(campaignSends.map((s) => s.body.number).sort()).toEqual([renata, bruno.slice(1), carla.slice(1)].sort());
    expect(campaignSends.find((s) => s.body.number === renata)?.body.text).toBe("Oi Renata, 20% off hoje!");

    // 9. One recipient replies; the recipient table shows `replied` live.
    await sim(`/instances/${name}/inbound`, { from: bruno.slice(1), pushName: "Bruno Reis", text: "Quero! Ainda tem?" });
    const replied = page.locator('.cmp-table tr[data-status="replied"]', { hasText: bruno });
    await replied.waitFor({ timeout: 15_000 });
    expect(await replied.locator(".cmp-rstatus").textContent()).toBe("replied");
    await shot(page, "journey-11-recipient-replied");
  }
});
