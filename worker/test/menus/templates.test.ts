import { describe, expect, it } from "vitest";
import { advance, findTrigger, matchesKeyword, renderStep } from "../../shared/menu-engine";
import { menuStructure } from "../../shared/menu-schema";
import { api, jsonOf, uid } from "../helpers";
import { SUPPORT_MENU } from "./fixtures";

type Err = { error: { code: string; message: string; details: { path: string; message: string }[] } };

describe("workflow templates API", () => {
  it("creates, lists, previews, updates and deletes", async () => {
    const name = `support-${uid()}`;
    const res = await api("/api/workflows", {
      method: "POST",
      json: { name, type: "text", trigger_keywords: ["menu", "ajuda"], menu_structure: SUPPORT_MENU },
    });
    expect(res.status).toBe(201);
    const wf = await jsonOf<{ id: string; preview: string; is_active: boolean; menu_structure: { ttl_minutes: number } }>(res);
    expect(wf.id).toMatch(/^wf_/);
    expect(wf.is_active).toBe(true);
    expect(wf.preview).toBe("Hi! How can we help?\n\n1. Talk to sales\n2. Opening hours\n\nReply with the number of your choice.");
    const list = await jsonOf<{ items: { id: string }[] }>(await api("/api/workflows"));
    expect(list.items.some((i) => i.id === wf.id)).toBe(true);
    const dup = await api("/api/workflows", { method: "POST", json: { name, trigger_keywords: ["x"], menu_structure: SUPPORT_MENU } });
    expect(dup.status).toBe(409);
    const patched = await api(`/api/workflows/${wf.id}`, { method: "PATCH", json: { is_active: false } });
    expect((await jsonOf<{ is_active: boolean }>(patched)).is_active).toBe(false);
    expect((await api(`/api/workflows/${wf.id}`, { method: "DELETE" })).status).toBe(200);
    expect((await api(`/api/workflows/${wf.id}`)).status).toBe(404);
  });

  it("rejects a template whose steps point at missing steps, with the path", async () => {
    const broken = structuredClone(SUPPORT_MENU);
    broken.steps.main.options[1]!.next = "horas";
    const res = await api("/api/workflows", { method: "POST", json: { name: `b-${uid()}`, trigger_keywords: ["x"], menu_structure: broken } });
    expect(res.status).toBe(400);
    const err = (await jsonOf<Err>(res)).error;
    expect(err.code).toBe("validation_failed");
    expect(err.details[0]).toEqual({ path: "menu_structure.steps.main.options.1.next", message: 'Step "horas" does not exist' });

    const noStart = { ...SUPPORT_MENU, start: "nope" };
    const r2 = await jsonOf<Err>(
      await api("/api/workflows", { method: "POST", json: { name: `b-${uid()}`, trigger_keywords: ["x"], menu_structure: noStart } }),
    );
    expect(r2.error.details[0]?.path).toBe("menu_structure.start");

    const twoKinds = structuredClone(SUPPORT_MENU) as unknown as { steps: Record<string, Record<string, unknown>> };
    twoKinds.steps.hours!.input = { key: "x", next: "main" };
    const r3 = await jsonOf<Err>(
      await api("/api/workflows", { method: "POST", json: { name: `b-${uid()}`, trigger_keywords: ["x"], menu_structure: twoKinds } }),
    );
    expect(r3.error.details[0]?.path).toBe("menu_structure.steps.hours");
    expect(r3.error.details[0]?.message).toMatch(/exactly one of options, input or end/);

    const noKeywords = await api("/api/workflows", { method: "POST", json: { name: `b-${uid()}`, trigger_keywords: [], menu_structure: SUPPORT_MENU } });
    expect((await jsonOf<Err>(noKeywords)).error.details[0]?.path).toBe("trigger_keywords");
  });
});

describe("menu engine", () => {
  const menu = menuStructure.parse(SUPPORT_MENU);

  it("matches trigger keywords as whole words, ignoring case and accents", () => {
    expect(matchesKeyword("Olá, preciso de AJUDA!", "ajuda")).toBe(true);
    expect(matchesKeyword("ajudante", "ajuda")).toBe(false);
    expect(matchesKeyword("quero o MENÚ", "menu")).toBe(true);
    expect(matchesKeyword("show me the main menu please", "main menu")).toBe(true);
    const t = findTrigger("menu", [
      { name: "a", triggerKeywords: ["sales"], menu },
      { name: "b", triggerKeywords: ["menu"], menu },
    ]);
    expect(t?.name).toBe("b");
  });

  it("advances by number, id and title; re-prompts on anything else", () => {
    for (const answer of ["1", "sales", "Talk to SALES"]) {
      const r = advance(menu, "main", answer, {});
      expect(r).toEqual({ kind: "moved", step: "ask_name", context: { main: "sales" } });
    }
    expect(advance(menu, "main", "3", {}).kind).toBe("invalid");
    expect(advance(menu, "main", "banana", {}).kind).toBe("invalid");
  });

  it("stores free text under the context key and ends with the end step's actions", () => {
    const r = advance(menu, "ask_name", "  Ana Souza ", { main: "sales" });
    expect(r.kind).toBe("ended");
    if (r.kind !== "ended") return;
    expect(r.step).toBe("done");
    expect(r.context).toEqual({ main: "sales", name: "Ana Souza" });
    expect(r.end).toEqual({ tag: "lead", llm_context: { source: "menu" }, handoff: "human" });
    expect(renderStep(menu.steps.done!, r.context)).toBe("Thanks Ana Souza, a person will reply soon.");
  });
});
