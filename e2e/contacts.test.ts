import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, shot, signIn } from "./browser.ts";
import { type Stack, startStack } from "./stack.ts";

type Contact = { id: string; name: string | null; whatsapp_number: string; tags: string[] };

/** A fresh valid Brazilian mobile number in E.164. */
const number = () => `+55119${8}${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
/** A tag unique to this run, so counts start from what the test creates. */
const uniq = (name: string) => `${name}-${crypto.randomUUID().slice(0, 6)}`;

const row = (page: Page, phone: string) => page.locator(`[data-testid="contact-row"][data-number="${phone}"]`);
const chip = (page: Page, tag: string) => page.locator(`[data-testid="tag-chip"][data-tag="${tag}"]`);
const chipCount = (page: Page, tag: string) => chip(page, tag).locator('[data-testid="tag-count"]');

async function waitText(page: Page, selector: ReturnType<Page["locator"]>, text: string, timeout = 10_000) {
  await page.waitForFunction(
    ([sel, want]) => {
      const el = document.querySelector(sel as string);
      return el?.textContent?.trim() === want;
    },
    [await selectorOf(selector), text] as const,
    { timeout },
  );
}
// Locators cannot be passed into the page; the tests only use simple CSS, kept alongside.
const selectors = new WeakMap<object, string>();
async function selectorOf(l: object): Promise<string> {
  const s = selectors.get(l);
  if (!s) throw new Error("unknown locator");
  return s;
}
function css(page: Page, s: string) {
  const l = page.locator(s);
  selectors.set(l, s);
  return l;
}

describe("contacts page in Chromium", () => {
  let stack: Stack;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  const apiCall = async <T>(path: string, init: { method?: string; json?: unknown } = {}): Promise<T> => {
    const res = await fetch(`${stack.baseUrl}${path}`, {
      method: init.method ?? "GET",
      headers: { authorization: `Bearer ${stack.adminToken}`, "content-type": "application/json" },
      body: init.json === undefined ? undefined : JSON.stringify(init.json),
    });
    if (!res.ok) throw new Error(`${path} → ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const create = (name: string, tags: string[]) => apiCall<Contact>("/api/contacts", { method: "POST", json: { name, whatsapp_number: number(), tags } });

  const openPage = async (width = 1200): Promise<Page> => {
    const ctx = await browser.newContext({ viewport: { width, height: 900 } });
    contexts.push(ctx);
    const page = await ctx.newPage();
    await signIn(page, stack.baseUrl, stack.adminToken);
    await page.goto(`${stack.baseUrl}/contacts`);
    await page.locator('[data-testid="live-indicator"][data-status="live"]').waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="contact-count"]:not([data-count=""])').waitFor();
    return page;
  };

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await stack?.stop();
  });

  it("a tag added in page A shows on the contact and in the chip count of page B, without reload", async () => {
    const vip = uniq("vip");
    const [ana, bruno, carla] = await Promise.all([create("Ana Lima", [vip]), create("Bruno Reis", [vip]), create("Carla Dias", [])]);
    const [a, b] = await Promise.all([openPage(), openPage()]);
    await row(b, carla!.whatsapp_number).waitFor();
    expect(await chipCount(b, vip).textContent()).toBe("2");
    await b.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));

    const target = row(a, carla!.whatsapp_number);
    await target.getByRole("button", { name: "Add tag to Carla Dias" }).click();
    await target.getByLabel("New tag for Carla Dias").fill(vip);
    await target.getByRole("button", { name: "Add", exact: true }).click();
    await target.locator(`.tag[data-tag="${vip}"]`).waitFor({ timeout: 5_000 });

    // Page B: the tag on Carla's row, and the chip's count from 2 to 3.
    await row(b, carla!.whatsapp_number).locator(`.tag[data-tag="${vip}"]`).waitFor({ timeout: 5_000 });
    await waitText(b, css(b, `[data-testid="tag-chip"][data-tag="${vip}"] [data-testid="tag-count"]`), "3", 5_000);
    expect(await b.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    expect(ana && bruno).toBeTruthy();
    await shot(b, "contacts-01-live-page-b");

    // And a brand-new tag appears as a chip with its count.
    const fresh = uniq("fresh");
    await row(a, ana!.whatsapp_number).getByRole("button", { name: "Add tag to Ana Lima" }).click();
    await row(a, ana!.whatsapp_number).getByLabel("New tag for Ana Lima").fill(fresh);
    await row(a, ana!.whatsapp_number).getByLabel("New tag for Ana Lima").press("Enter");
    await waitText(b, css(b, `[data-testid="tag-chip"][data-tag="${fresh}"] [data-testid="tag-count"]`), "1", 5_000);
    expect(await b.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
  });

  it("a tag chip narrows the list and the count, and the filter survives a reload", async () => {
    const lead = uniq("lead");
    const [dora] = await Promise.all([create("Dora Melo", [lead]), create("Edu Prado", [])]);
    const page = await openPage();
    const total = Number(await page.locator('[data-testid="contact-count"]').getAttribute("data-count"));
    expect(total).toBeGreaterThanOrEqual(2);

    await chip(page, lead).click();
    await page.locator('[data-testid="contact-count"][data-count="1"]').waitFor();
    expect(await page.locator('[data-testid="contact-count"]').textContent()).toBe("1 contact");
    expect(await page.locator('[data-testid="contact-row"]').count()).toBe(1);
    await row(page, dora!.whatsapp_number).waitFor();
    expect(await chip(page, lead).getAttribute("aria-pressed")).toBe("true");
    expect(page.url()).toContain(`tags=${lead}`);
    await shot(page, "contacts-02-tag-filter");

    // Free text is debounced into the URL; a reload keeps both filters.
    await page.getByRole("searchbox", { name: "Search" }).fill("Dora");
    await page.waitForURL(/q=Dora/);
    await page.reload();
    await page.locator('[data-testid="contact-count"][data-count="1"]').waitFor();
    expect(await page.getByRole("searchbox", { name: "Search" }).inputValue()).toBe("Dora");
    await page.getByRole("searchbox", { name: "Search" }).fill("Nobody-here");
    await page.locator('[data-testid="contact-count"][data-count="0"]').waitFor();

    // The export link carries the same filter.
    const href = await page.getByTestId("export-link").getAttribute("href");
    expect(href).toContain(`tags=${lead}`);
    expect(href).toContain("q=Nobody-here");
  });

  it("the add form shows the API's field error for a bad number, a 409 for a taken one, then creates", async () => {
    const taken = await create("Fabi Souza", []);
    const page = await openPage();
    await page.getByRole("button", { name: "Add contact" }).click();
    const dialog = page.getByRole("dialog", { name: "Add a contact" });
    await dialog.getByLabel("Name").fill("Gil Nunes");
    await dialog.getByLabel("WhatsApp number").fill("12");
    await dialog.getByRole("button", { name: "Add contact" }).click();
    await expect(dialog.locator(".field-error").first().textContent()).resolves.toMatch(/not a valid phone number/);
    await shot(page, "contacts-03-field-error");

    await dialog.getByLabel("WhatsApp number").fill(taken.whatsapp_number);
    await dialog.getByRole("button", { name: "Add contact" }).click();
    await dialog.getByTestId("duplicate").waitFor();
    expect(await dialog.getByTestId("duplicate").textContent()).toMatch(/already exists/);
    expect(await dialog.getByRole("link", { name: "Open the existing contact" }).getAttribute("href")).toContain(taken.id);

    // The LLM context editor refuses what is not a JSON object.
    const llm = dialog.getByLabel(/LLM context/);
    await llm.fill("[1, 2]");
    expect(await dialog.getByRole("button", { name: "Add contact" }).isDisabled()).toBe(true);
    await llm.fill('{"plan": "gold", "prefs": {"lang": "pt"}}');

    const phone = number();
    await dialog.getByLabel("WhatsApp number").fill(phone);
    await dialog.getByLabel("Add a tag").fill("walk-in");
    await dialog.getByLabel("Add a tag").press("Enter");
    await dialog.getByRole("button", { name: "Add contact" }).click();
    await dialog.waitFor({ state: "detached" });
    await row(page, phone).waitFor({ timeout: 5_000 });
    const saved = (await apiCall<{ items: (Contact & { llm_context: unknown })[] }>(`/api/contacts?number=${phone.slice(1)}`)).items[0];
    expect(saved?.llm_context).toEqual({ plan: "gold", prefs: { lang: "pt" } });
    expect(saved?.tags).toEqual(["walk-in"]);
  });

  it("CSV import shows the report: created, updated and rejected rows with reasons", async () => {
    const existing = await create("Hugo Alves", []);
    const page = await openPage();
    await page.getByRole("button", { name: "Import CSV" }).click();
    const dialog = page.getByRole("dialog", { name: "Import contacts from CSV" });
    const csv = [
      "Name,WhatsApp_Number,tags",
      `Iris Costa,${number()},csv;imported`,
      `Hugo Alves Jr,${existing.whatsapp_number},csv`,
      "Bad Row,not-a-number,csv",
    ].join("\n");
    await dialog.locator('input[type="file"]').setInputFiles({ name: "contacts.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await dialog.getByRole("button", { name: "Import" }).click();
    await dialog.getByTestId("import-report").waitFor();
    expect(await dialog.getByTestId("import-created").textContent()).toBe("1");
    expect(await dialog.getByTestId("import-updated").textContent()).toBe("1");
    expect(await dialog.getByTestId("import-rejected").textContent()).toBe("1");
    expect(await dialog.locator("tbody tr").count()).toBe(1);
    await shot(page, "contacts-04-import-report");
  });

  it("bulk: select all N matching (beyond the loaded page) + add tag updates the counts", async () => {
    const group = uniq("bulkgrp");
    const csv = ["name,whatsapp_number,tags", ...Array.from({ length: 60 }, (_, i) => `Bulk ${i},${number()},${group}`)].join("\n");
    const res = await fetch(`${stack.baseUrl}/api/contacts/import`, {
      method: "POST",
      headers: { authorization: `Bearer ${stack.adminToken}`, "content-type": "text/csv" },
      body: csv,
    });
    expect(((await res.json()) as { created: number }).created).toBe(60);

    const page = await openPage();
    await chip(page, group).click();
    await page.locator('[data-testid="contact-count"][data-count="60"]').waitFor();
    expect(await page.locator('[data-testid="contact-row"]').count()).toBe(50);

    await page.getByLabel("Select page").check();
    expect(await page.getByTestId("selected-count").textContent()).toBe("50 contacts selected");
    await page.getByRole("button", { name: "Select all 60 matching contacts" }).click();
    expect(await page.getByTestId("selected-count").textContent()).toBe("All 60 matching contacts selected");

    const done = uniq("done");
    await page.getByRole("button", { name: "Add tag", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Add a tag" });
    expect(await dialog.textContent()).toContain("all 60 matching contacts");
    await dialog.getByLabel("Tag").fill(done);
    await shot(page, "contacts-05-bulk-confirm");
    await dialog.getByRole("button", { name: "Add to 60 contacts" }).click();
    await dialog.waitFor({ state: "detached" });
    await waitText(page, css(page, `[data-testid="tag-chip"][data-tag="${done}"] [data-testid="tag-count"]`), "60");
    // The rows past the first page were tagged too: the API agrees.
    const tagged = await apiCall<{ count: number }>(`/api/contacts?tags=${group},${done}&limit=1`);
    expect(tagged.count).toBe(60);
    await shot(page, "contacts-06-bulk-done");

    // Load more pages by cursor.
    await page.getByRole("button", { name: /Load more/ }).click();
    await page.locator('[data-testid="contact-row"]').nth(59).waitFor();
  });

  it("WhatsApp button on a connected number asks the conversations API and opens the inbox (or shows its error)", async () => {
    const kai = await create("Kai Moura", []);
    const name = `wa-${Date.now()}`;
    await apiCall("/api/instances", { method: "POST", json: { name, number: "+14155550199" } });
    const scan = await fetch(`${stack.simUrl}/_sim/instances/${name}/scan`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(scan.status).toBe(200);
    for (let i = 0; i < 100; i++) {
      const { items } = await apiCall<{ items: { name: string; status: string }[] }>("/api/instances");
      if (items.find((x) => x.name === name)?.status === "open") break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const page = await openPage();
    await row(page, kai.whatsapp_number).getByRole("button", { name: "WhatsApp Kai Moura" }).click();
    // The conversations API is built alongside; until it answers, its own error is shown, never a fake conversation.
    const failed = page.getByRole("dialog", { name: "Could not open the conversation" });
    await Promise.race([page.waitForURL(/\/inbox\/[A-Za-z0-9_]+$/, { timeout: 10_000 }), failed.waitFor({ timeout: 10_000 })]);
    if (await failed.isVisible()) expect(await failed.getByRole("alert").textContent()).toMatch(/\S/);
    else expect(page.url()).toMatch(/\/inbox\//);
    await shot(page, "contacts-09-whatsapp");
    // Leave no connected number behind for the next test.
    const { items } = await apiCall<{ items: { id: string; name: string }[] }>("/api/instances");
    await apiCall(`/api/instances/${items.find((x) => x.name === name)!.id}`, { method: "DELETE" });
  });

  it("WhatsApp button explains when no number is connected; the page fits 375 px", async () => {
    const phoneTag = uniq("phone");
    const jo = await create("Joana Reis de Albuquerque e Vasconcelos", [phoneTag, "a-rather-long-tag-name-for-wrapping"]);
    const page = await openPage(375);
    const label = "Joana Reis de Albuquerque e Vasconcelos";
    await row(page, jo.whatsapp_number)
      .getByRole("button", { name: `WhatsApp ${label}` })
      .click();
    const dialog = page.getByRole("dialog", { name: "No connected number" });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain("No WhatsApp number is connected — connect one in Instances");
    expect(await dialog.getByRole("link", { name: "Instances" }).getAttribute("href")).toBe("/instances");
    await dialog.getByRole("button", { name: "Close" }).click();

    // Narrow to this contact, select it: filters, chips, bulk bar and row all fit.
    await page.getByRole("button", { name: "More filters" }).click();
    await chip(page, phoneTag).click();
    await page.locator('[data-testid="contact-count"][data-count="1"]').waitFor();
    await page.getByLabel(`Select ${label}`).check();
    await page.getByTestId("bulk-bar").waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(page, "contacts-07-phone");

    await page.getByRole("button", { name: `Edit ${label}` }).click();
    const form = page.getByRole("dialog", { name: `Edit ${label}` });
    await form.getByLabel(/LLM context/).fill('{"note": ');
    await form.locator(".json-editor .field-error").waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    await shot(page, "contacts-08-phone-edit");
    await form.getByLabel(/LLM context/).fill('{"note": "prefers mornings"}');
    await form.getByRole("button", { name: "Save" }).click();
    await form.waitFor({ state: "detached" });
    const saved = await apiCall<{ llm_context: unknown }>(`/api/contacts/${jo.id}`);
    expect(saved.llm_context).toEqual({ note: "prefers mornings" });
  });
});
