// Issue 17, acceptance 4: the team inbox in Chromium with two people in two browser contexts.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, shot, signIn } from "./browser.ts";
import { buildDashboard, type Stack, startStack } from "./stack.ts";

const PASSWORD = "correct horse battery staple";

/** Fills and sends the Team page's invite form; answers the one-time link it shows. */
async function invite(page: Page, who: { email: string; name: string; role: string; unit?: string }): Promise<string> {
  const form = page.getByRole("form", { name: "Invite someone" });
  await form.getByLabel("E-mail").fill(who.email);
  await form.getByLabel("Name").fill(who.name);
  await form.getByLabel("Role").selectOption(who.role);
  if (who.unit) await form.getByRole("checkbox", { name: who.unit }).check();
  await form.getByRole("button", { name: "Invite" }).click();
  const link = form.getByLabel("Invite link");
  await link.waitFor();
  return link.inputValue();
}

/** Opens an invite link, checks who it is for, sets the password: lands signed in on the inbox. */
async function accept(page: Page, link: string, expect: { name: string; role: string }): Promise<void> {
  await page.goto(link);
  const who = page.getByTestId("invite-who");
  await who.waitFor();
  const text = await who.textContent();
  if (!text?.includes(expect.name) || !text.includes(expect.role)) throw new Error(`the invite says: ${text}`);
  await page.getByLabel("New password").fill(PASSWORD);
  await page.getByLabel("Repeat the password").fill(PASSWORD);
  await page.getByRole("button", { name: "Set password and sign in" }).click();
  await page.waitForURL(/\/inbox$/);
  await page.getByTestId("me").getByText(expect.name).waitFor();
}

describe("the team inbox in Chromium", () => {
  let stack: Stack;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    // The dashboard bundle must contain this build's team pages.
    await buildDashboard();
    [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
  });
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await stack?.stop();
  });

  it("the owner invites an agent, assigns a conversation that appears under the agent's Mine live, the agent's @mention note reaches the owner live; the agent has no instance admin", async () => {
    // Unique per attempt: a retry runs against the same stack.
    const run = Date.now().toString(36);
    const instanceName = `team-${run}`;
    const unitName = `Front desk ${run}`;
    const customer = `Bruno Costa ${run}`;
    const instance = await stack.api<{ id: string }>("/api/instances", { name: instanceName, number: "+5511977776666" });
    await stack.sim(`/instances/${instanceName}/scan`, {});

    // Context 1, the owner: the admin token first, then their own account (a person can be @mentioned).
    const ownerCtx = await browser.newContext();
    contexts.push(ownerCtx);
    const owner = await ownerCtx.newPage();
    await signIn(owner, stack.baseUrl, stack.adminToken);
    await owner.goto(`${stack.baseUrl}/team`);
    await owner.getByTestId("bootstrap-hint").waitFor();
    const ownerLink = await invite(owner, { email: `olivia.${run}@example.test`, name: "Olivia Owner", role: "owner" });
    expect(ownerLink).toMatch(new RegExp(`^${stack.baseUrl}/accept-invite#token=`));
    await accept(owner, ownerLink, { name: "Olivia Owner", role: "owner" });

    // A unit holding the connected number, and an agent invited into it.
    await owner.goto(`${stack.baseUrl}/team`);
    await owner.getByRole("button", { name: "New unit" }).click();
    const unitForm = owner.getByRole("dialog", { name: "New unit" });
    await unitForm.getByLabel("Name").fill(unitName);
    await unitForm.getByRole("checkbox", { name: instanceName }).check();
    await unitForm.getByRole("button", { name: "Save unit" }).click();
    await owner.locator(`[data-testid="unit-card"][data-name="${unitName}"]`).getByText(instanceName).waitFor();
    const agentLink = await invite(owner, { email: `ana.${run}@example.test`, name: "Ana Agent", role: "agent", unit: unitName });
    const anaRow = owner.locator(`[data-testid="user-row"][data-email="ana.${run}@example.test"]`);
    await expect(anaRow.getByTestId("user-state").textContent()).resolves.toBe("invited");
    await shot(owner, "team-01-invited");

    // Context 2, the agent: accepts the link (signed out), lands on their inbox, Mine empty.
    const agentCtx = await browser.newContext();
    contexts.push(agentCtx);
    const agent = await agentCtx.newPage();
    await accept(agent, agentLink, { name: "Ana Agent", role: "agent" });
    await agent.getByRole("tab", { name: "Mine", selected: true }).waitFor();
    await agent.getByText("Nothing assigned to you").waitFor();
    await agent.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
    await anaRow.getByTestId("user-state").getByText("active").waitFor({ timeout: 10_000 });
    // Her auto-assignment capacity, set on her row, is what the API keeps.
    await anaRow.getByLabel("Capacity of Ana Agent").fill("3");
    await anaRow.getByLabel("Capacity of Ana Agent").dispatchEvent("change");
    await expect
      .poll(
        async () => (await stack.api<{ items: { name: string; capacity: number | null }[] }>("/api/users")).items.find((u) => u.name === "Ana Agent")?.capacity,
      )
      .toBe(3);

    // A customer writes in; the owner assigns the conversation to Ana.
    const from = `55119${String(Math.floor(1e7 + Math.random() * 9e7))}`;
    await stack.sim(`/instances/${instanceName}/inbound`, { from, pushName: customer, text: "Preciso de ajuda com meu pedido" });
    await owner.goto(`${stack.baseUrl}/inbox`);
    await owner.getByRole("tab", { name: "All" }).click();
    await owner.locator('[data-testid="conversation"]', { hasText: customer }).click();
    await owner.waitForURL(/\/inbox\/cv_/);
    const conversationId = owner.url().split("/").pop()!;
    await owner.getByTestId("assignee").selectOption({ label: "Ana Agent" });

    // It appears under Ana's Mine without a reload, and she is told.
    const mine = agent.locator(`[data-testid="conversation"][data-id="${conversationId}"]`);
    await mine.waitFor({ timeout: 10_000 });
    await agent.locator('[data-testid="toast"][data-kind="assigned"]').waitFor({ timeout: 10_000 });
    await mine.click();
    await agent.getByTestId("assignee").getByText("Assigned to you").waitFor();

    // Presence: Olivia, on the same thread, sees Ana there, then typing; both are in the online list.
    const presence = owner.getByTestId("presence");
    await presence.getByText("Ana Agent is viewing").waitFor({ timeout: 10_000 });
    await agent.getByLabel("Message").pressSequentially("Um momento");
    await presence.getByText("Ana Agent is typing").waitFor({ timeout: 10_000 });
    await agent.getByLabel("Message").fill("");
    await owner.getByTestId("online").click();
    await owner.getByTestId("online-person").getByText("Ana Agent").waitFor();

    // Ana writes a private note mentioning Olivia through the picker.
    await agent.getByRole("tab", { name: "Private note" }).click();
    const box = agent.getByLabel("Note");
    await box.pressSequentially("Cliente VIP, @Oli");
    await agent.getByRole("listbox", { name: "Mention someone" }).getByText("Olivia Owner").waitFor();
    await box.press("Enter");
    await expect(box.inputValue()).resolves.toBe("Cliente VIP, @Olivia Owner ");
    await box.pressSequentially("pode confirmar o prazo?");
    await agent.getByRole("button", { name: "Add note" }).click();
    await agent.locator('[data-testid="note"]', { hasText: "pode confirmar o prazo?" }).waitFor();

    // Olivia sees it in the open thread live, marked as a note with the mention, and a toast.
    const note = owner.locator('[data-testid="note"]', { hasText: "pode confirmar o prazo?" });
    await note.waitFor({ timeout: 10_000 });
    await expect(note.locator("mark.mention").textContent()).resolves.toBe("@Olivia Owner");
    await owner.locator('[data-testid="toast"][data-kind="mention"]', { hasText: "Ana Agent" }).waitFor({ timeout: 10_000 });
    await shot(owner, "team-02-note");
    // Olivia replies although Ana has it: asked first, then sent under her name.
    await owner.getByLabel("Message").fill("Olá Bruno, já vamos verificar.");
    await owner.getByRole("button", { name: "Send" }).click();
    await owner.getByText("Assigned to Ana Agent — reply anyway?").waitFor();
    expect(await owner.locator('[data-testid="message"]', { hasText: "já vamos verificar" }).count()).toBe(0);
    await owner.getByRole("button", { name: "Reply anyway" }).click();
    const reply = owner.locator('[data-testid="message"]', { hasText: "já vamos verificar" });
    await expect(reply.getByTestId("sender").textContent()).resolves.toBe("Olivia Owner");
    // Ana sees the reply live, with who sent it.
    await agent.locator('[data-testid="message"]', { hasText: "já vamos verificar" }).getByText("Olivia Owner").waitFor({ timeout: 10_000 });
    // A note never goes to WhatsApp.
    const sends = await stack.sim<{ body: { text?: string } }[]>(`/instances/${instanceName}/sends`);
    expect(sends.some((s) => s.body.text?.includes("pode confirmar"))).toBe(false);
    expect(await agent.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);

    // The agent cannot open the instances' admin actions: not shown, and the API refuses.
    const nav = agent.getByRole("navigation", { name: "Main" });
    for (const name of ["Team", "Audit", "Menus"]) expect(await nav.getByRole("link", { name }).count()).toBe(0);
    await nav.getByRole("link", { name: "Instances" }).click();
    await agent.locator(`[data-testid="instance-card"][data-name="${instanceName}"]`).waitFor();
    expect(await agent.getByTestId("instance-actions").count()).toBe(0);
    expect(await agent.getByRole("button", { name: "Connect a number" }).count()).toBe(0);
    await agent.goto(`${stack.baseUrl}/instances/${instance.id}`);
    await agent.getByTestId("not-for-role").waitFor();
    await shot(agent, "team-03-agent-instances");
    await agent.goto(`${stack.baseUrl}/team`);
    await agent.getByTestId("not-for-role").waitFor();
    for (const [method, path] of [
      ["POST", `/api/instances/${instance.id}/logout`],
      ["POST", `/api/instances/${instance.id}/connect`],
      ["DELETE", `/api/instances/${instance.id}`],
    ] as const) {
      const res = await agentCtx.request.fetch(`${stack.baseUrl}${path}`, { method, headers: { origin: stack.baseUrl } });
      expect(res.status(), `${method} ${path}`).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("forbidden");
    }
    // The number is still connected.
    expect((await stack.api<{ status: string }>(`/api/instances/${instance.id}`)).status).toBe("open");

    // The owner's audit log has it all, newest first; their profile lists this session and makes a key once.
    await owner.goto(`${stack.baseUrl}/audit`);
    await owner.getByTestId("audit-row").first().waitFor();
    const actions = await owner.getByTestId("audit-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-action")));
    for (const a of ["user.invite", "user.accept_invite", "unit.create", "session.sign_in"]) expect(actions).toContain(a);
    expect(actions.indexOf("user.accept_invite")).toBeLessThan(actions.lastIndexOf("user.invite"));
    await owner.goto(`${stack.baseUrl}/profile`);
    await owner.getByTestId("session").getByText("this one").waitFor();
    await owner.getByLabel("Key name").fill("CRM sync");
    await owner.getByRole("button", { name: "Create key" }).click();
    expect(await owner.getByLabel("New API key").inputValue()).toMatch(/^pk_/);
    await owner.getByTestId("api-key").getByText("CRM sync").waitFor();
    await shot(owner, "team-04-profile");
  });
});
