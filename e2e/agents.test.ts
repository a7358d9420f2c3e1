import { createServer, type IncomingMessage, type Server } from "node:http";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, shot, signIn } from "./browser.ts";
import { freePort, type Stack, startStack } from "./stack.ts";

/** A tiny OpenAI-compatible chat endpoint on 127.0.0.1 standing in for a local model server. */
async function startMockModel(port: number) {
  const requests: { messages: { role: string; content: unknown }[] }[] = [];
  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let body = "";
      req.on("data", (d: Buffer) => (body += d));
      req.on("end", () => resolve(body));
    });
  const server: Server = createServer(async (req, res) => {
    const body = await read(req);
    if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
      res.writeHead(404).end();
      return;
    }
    requests.push(JSON.parse(body) as (typeof requests)[number]);
    const reply = `Olá! Sou o assistente da loja (mock ${requests.length}).`;
    res.writeHead(200, { "content-type": "application/json" }).end(
      JSON.stringify({
        id: `chatcmpl-${requests.length}`,
        object: "chat.completion",
        created: Math.floor(Date.now() / 1000),
        model: "mock",
        choices: [{ index: 0, message: { role: "assistant", content: reply }, finish_reason: "stop" }],
        usage: { prompt_tokens: 10, completion_tokens: 8, total_tokens: 18 },
      }),
    );
  });
  server.listen(port, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  return { requests, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe("an AI agent answering in the inbox (Chromium)", () => {
  let stack: Stack;
  let browser: Browser;
  let model: Awaited<ReturnType<typeof startMockModel>>;

  beforeAll(async () => {
    const port = await freePort();
    model = await startMockModel(port);
    [stack, browser] = await Promise.all([
      startStack({ vars: { AI_BASE_URL: `http://127.0.0.1:${port}/v1`, AI_MODEL: "mock", AGENT_DEBOUNCE_MS: "1000" } }),
      launchBrowser(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await model?.close();
  });

  const call = async <T>(path: string, json?: unknown, method = json ? "POST" : "GET"): Promise<T> => {
    const res = await fetch(`${stack.baseUrl}${path}`, {
      method,
      headers: { "content-type": "application/json", authorization: `Bearer ${stack.adminToken}` },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const inject = (name: string, from: string, text: string) =>
    fetch(`${stack.simUrl}/_sim/instances/${name}/inbound`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ from, pushName: "Ana Souza", text }),
    });

  it("an inbound message gets the agent's reply in the inbox; pausing the agent stops further replies", async () => {
    const name = `agents-${Date.now()}`;
    const inst = await call<{ id: string }>("/api/instances", { name, number: "+5511988887777" });
    expect(
      (await fetch(`${stack.simUrl}/_sim/instances/${name}/scan`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).status,
    ).toBe(200);
    const from = `55119${String(Date.now()).slice(-8)}`;
    await call("/api/contacts", { whatsapp_number: `+${from}`, name: "Ana Souza", tags: ["vip"], llm_context: { favourite_color: "azul" } });
    const page = await browser.newPage();
    await signIn(page, stack.baseUrl, stack.adminToken);

    // The agent is created on the Agents page; a bad model id comes back as a field error.
    await page.goto(`${stack.baseUrl}/agents`);
    await page.getByRole("button", { name: "New agent" }).click();
    await page.getByLabel("Name", { exact: true }).fill("Loja Azul");
    await page.getByLabel("WhatsApp instance").selectOption(inst.id);
    await page.getByLabel("Assigned tags").fill("VIP");
    await page.getByLabel("Assigned tags").press("Enter");
    await page.getByLabel("System context").fill("You answer for Loja Azul.");
    await page.getByLabel("Model").fill("gpt-4o");
    await page.getByRole("button", { name: "Create agent" }).click();
    await expect(page.locator(".field-error").first().textContent()).resolves.toMatch(/Workers AI model id/);
    await page.getByLabel("Model").fill("@cf/meta/llama-3.1-8b-instruct");
    await page.getByRole("button", { name: "Create agent" }).click();
    const row = page.locator('[data-testid="agent-row"][data-name="Loja Azul"]');
    await row.waitFor({ timeout: 10_000 });
    expect(await row.locator(".tag").allTextContents()).toEqual(["vip"]);
    await shot(page, "agents-00-list");
    await page.goto(`${stack.baseUrl}/inbox`);
    await page.getByLabel("Search conversations").waitFor();

    expect((await inject(name, from, "Oi, vocês abrem sábado?")).status).toBe(201);
    const conv = page.locator('[data-testid="conversation"]').first();
    await conv.waitFor({ timeout: 20_000 });
    await conv.click();
    const agentReply = page.locator('[data-testid="message"]', { hasText: "Sou o assistente da loja (mock 1)" });
    await agentReply.waitFor({ timeout: 30_000 });
    expect(await agentReply.locator(".bubble-sender").textContent()).toBe("agent");
    // The prompt carried the contact's llm_context and the message.
    expect(JSON.stringify(model.requests[0]?.messages)).toContain("favourite_color");
    expect(JSON.stringify(model.requests[0]?.messages)).toContain("abrem sábado");
    await shot(page, "agents-01-reply");

    // A human takes over from the inbox: no more agent replies.
    const pause = page.getByLabel("Agent paused");
    await pause.check();
    await expect
      .poll(async () => (await call<{ items: { id: string; agent_paused: boolean }[] }>(`/api/conversations?instance_id=${inst.id}`)).items[0]?.agent_paused)
      .toBe(true);
    expect((await inject(name, from, "Alô? Alguém aí?")).status).toBe(201);
    await page.locator('[data-testid="message"]', { hasText: "Alguém aí?" }).waitFor({ timeout: 20_000 });
    await new Promise((r) => setTimeout(r, 5000)); // well past the 1 s debounce window
    expect(model.requests).toHaveLength(1);
    expect(await page.locator('[data-testid="message"]', { hasText: "Sou o assistente da loja" }).count()).toBe(1);
    await shot(page, "agents-02-paused");
    await page.close();
  });
});
