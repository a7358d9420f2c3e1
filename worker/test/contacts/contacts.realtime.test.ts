import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BASE } from "../helpers";
import { createContact } from "./contacts.fixtures";

type Frame = { type: string; topic?: string; id?: string };

async function openSocket(): Promise<{ frames: Frame[]; ws: WebSocket }> {
  const res = await exports.default.fetch(
    new Request(`${BASE}/api/realtime`, { headers: { Upgrade: "websocket", authorization: `Bearer ${env.ADMIN_TOKEN}` } }),
  );
  expect(res.status).toBe(101);
  const ws = res.webSocket;
  if (!ws) throw new Error("no socket");
  const frames: Frame[] = [];
  ws.addEventListener("message", (e) => frames.push(JSON.parse(String(e.data)) as Frame));
  ws.accept();
  return { frames, ws };
}

async function waitFor(check: () => boolean, ms = 3000) {
  const until = Date.now() + ms;
  while (!check() && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
}

describe("live updates", () => {
  it("a dashboard socket receives `changed` for contacts and tags after a create and a tag change", async () => {
    const { frames, ws } = await openSocket();
    const c = await createContact({ tags: ["live"] });
    await waitFor(() => frames.some((f) => f.topic === "contacts" && f.id === c.id) && frames.some((f) => f.topic === "tags"));
    expect(frames.find((f) => f.topic === "contacts" && f.id === c.id)).toMatchObject({ type: "changed" });
    expect(frames.some((f) => f.type === "changed" && f.topic === "tags")).toBe(true);
    ws.close();
  });
});
