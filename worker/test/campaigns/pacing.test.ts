import { describe, expect, it } from "vitest";
import { capDay, inWindow, nextWindowOpen, pacingOf, slotGapMs } from "../../campaigns/pacing";
import { renderTemplate, unknownVariables } from "../../shared/campaign-template";
import { api, jsonOf } from "../helpers";

describe("pacing arithmetic and templates", () => {
  it("spaces slots at 60 s / rate with symmetric jitter", () => {
    expect(slotGapMs({ perMinute: 6, jitterPct: 0 })).toBe(10_000);
    expect(slotGapMs({ perMinute: 6, jitterPct: 30 }, () => 0)).toBe(7_000);
    expect(slotGapMs({ perMinute: 6, jitterPct: 30 }, () => 1)).toBe(13_000);
    expect(slotGapMs({ perMinute: 0, jitterPct: 30 })).toBe(0);
  });

  it("keeps sends inside the window, in its time zone, including windows past midnight", () => {
    const w = { start: "09:00", end: "18:00", timezone: "America/Sao_Paulo" }; // UTC-3
    const at = Date.parse("2026-03-10T11:00:00Z"); // 08:00 local
    expect(inWindow(at, w)).toBe(false);
    expect(nextWindowOpen(at, w)).toBe(Date.parse("2026-03-10T12:00:00Z"));
    expect(inWindow(Date.parse("2026-03-10T20:59:00Z"), w)).toBe(true);
    expect(inWindow(Date.parse("2026-03-10T23:30:00Z"), { start: "22:00", end: "06:00", timezone: "UTC" })).toBe(true);
    expect(capDay(Date.parse("2026-03-11T01:00:00Z"), w)).toBe("2026-03-10");
    expect(pacingOf({ perMinute: 6, jitterPct: 30, dailyCap: 100, windowStart: "09:00 America/Sao_Paulo", windowEnd: "18:00" }).window).toEqual(w);
  });

  it("renders variables with fallbacks and names unknown ones", () => {
    expect(renderTemplate("Olá {{first_name|amigo}}, {{ name }} ({{country|??}})", { name: "Maria  Clara", country: null })).toBe(
      "Olá Maria, Maria  Clara (??)".replace("  ", " "),
    );
    expect(renderTemplate("Hi {{name|there}}!", { name: null, country: "BR" })).toBe("Hi there!");
    expect(unknownVariables("{{name}} {{email}} {{Phone|x}}")).toEqual(["email", "phone"]);
  });

  it("refuses unknown variables, missing instance and bad pacing with field errors", async () => {
    const bad = await api("/api/campaigns", {
      method: "POST",
      json: { name: "x", target_tags: ["a"], instance_id: "ins_00000000000000000000", message: { content: "Hi {{email}}" }, pacing: { per_minute: 5000 } },
    });
    expect(bad.status).toBe(400);
    const paths = (await jsonOf<{ error: { details: { path: string }[] } }>(bad)).error.details.map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(["message.content", "pacing.per_minute"]));
    const none = await api("/api/campaigns", {
      method: "POST",
      json: { name: "x", target_tags: ["a"], instance_id: "ins_00000000000000000000", message: { content: "Hi" } },
    });
    expect(none.status).toBe(422);
  });
});
