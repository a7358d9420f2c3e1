import { describe, expect, it } from "vitest";
import type { AgentView } from "../../shared/agents";
import { api, jsonOf, seedInstance } from "../helpers";

type Err = { error: { code: string; details?: { path: string; message: string }[] } };

describe("/api/agents", () => {
  it("creates with defaults and normalised tags, reads, lists, patches and deletes", async () => {
    const inst = await seedInstance();
    const res = await api("/api/agents", { method: "POST", json: { name: " Vendas ", instance_id: inst.id, assigned_tags: ["VIP ", "vip", "Shoes"] } });
    expect(res.status).toBe(201);
    const a = await jsonOf<AgentView>(res);
    expect(a).toMatchObject({
      name: "Vendas",
      assigned_tags: ["vip", "shoes"],
      model: "@cf/meta/llama-3.1-8b-instruct",
      enabled: true,
      memory: {},
      system_context: "",
      instance_id: inst.id,
    });
    expect(a.id).toMatch(/^agt_/);
    expect(await jsonOf(await api(`/api/agents/${a.id}`))).toEqual(a);
    const list = await jsonOf<{ items: AgentView[] }>(await api("/api/agents"));
    expect(list.items.some((x) => x.id === a.id)).toBe(true);

    const patched = await api(`/api/agents/${a.id}`, {
      method: "PATCH",
      json: { enabled: false, memory: { hours: "9-18" }, model: "@cf/meta/llama-3.3-70b-instruct-fp8-fast" },
    });
    expect(patched.status).toBe(200);
    expect(await jsonOf(patched)).toMatchObject({
      enabled: false,
      memory: { hours: "9-18" },
      model: "@cf/meta/llama-3.3-70b-instruct-fp8-fast",
      name: "Vendas",
    });

    expect((await api(`/api/agents/${a.id}`, { method: "DELETE" })).status).toBe(200);
    expect((await api(`/api/agents/${a.id}`)).status).toBe(404);
    expect((await api(`/api/agents/${a.id}`, { method: "DELETE" })).status).toBe(404);
  });

  it("refuses bad input with field errors", async () => {
    const inst = await seedInstance();
    const cases: [Record<string, unknown>, string][] = [
      [{ name: "", instance_id: inst.id }, "name"],
      [{ name: "x", instance_id: "ins_nope" }, "instance_id"],
      [{ name: "x", instance_id: `ins_${"A".repeat(20)}` }, "instance_id"], // well-formed, missing
      [{ name: "x", instance_id: inst.id, model: "gpt-4o" }, "model"],
      [{ name: "x", instance_id: inst.id, memory: [1, 2] }, "memory"],
      [{ name: "x", instance_id: inst.id, assigned_tags: ["a,b"] }, "assigned_tags.0"],
      [{ name: "x", instance_id: inst.id, surprise: 1 }, "(root)"],
    ];
    for (const [json, path] of cases) {
      const res = await api("/api/agents", { method: "POST", json });
      expect(res.status, JSON.stringify(json)).toBe(400);
      const body = await jsonOf<Err>(res);
      expect(body.error.code).toBe("validation_failed");
      expect(body.error.details?.map((d) => d.path)).toContain(path);
    }
    expect((await api("/api/agents/agt_bad", { method: "PATCH", json: { name: "y" } })).status).toBe(400);
    expect((await api("/api/agents", { auth: false })).status).toBe(401);
  });
});
