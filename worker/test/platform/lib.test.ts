import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { listActiveMenus } from "../../menus/menus.queries";
import { getDb } from "../../platform/db/client";
import { menuTemplates } from "../../platform/db/schema";
import { ID_PREFIXES, isId, newId } from "../../platform/lib/ids";
import { clipJsonDepth, jsonTooDeep } from "../../platform/lib/json";
import { decodeCursor, encodeCursor, pageOf } from "../../platform/lib/pagination";
import { RateWindow } from "../../platform/lib/rate-window";
import { redact, redactUrl } from "../../platform/lib/redact";
import { EARLIEST_MS, iso, plausibleTime } from "../../platform/lib/time";
import { cached, invalidate, TtlCache } from "../../platform/lib/ttl-cache";

describe("ids", () => {
  it("are prefixed, URL-safe, random and never sequential", () => {
    for (const kind of Object.keys(ID_PREFIXES) as (keyof typeof ID_PREFIXES)[]) {
      const a = newId(kind);
      expect(a.startsWith(`${ID_PREFIXES[kind]}_`)).toBe(true);
      expect(isId(kind, a)).toBe(true);
      expect(encodeURIComponent(a)).toBe(a);
    }
    const many = new Set(Array.from({ length: 2000 }, () => newId("contact")));
    expect(many.size).toBe(2000);
  });
});

describe("cursor pagination", () => {
  it("round-trips and pages", () => {
    const c = { v: 1700000000000, id: "ct_x" };
    expect(decodeCursor(encodeCursor(c))).toEqual(c);
    const rows = [1, 2, 3].map((n) => ({ n, id: `r${n}` }));
    const page = pageOf(rows, 2, (r) => ({ v: r.n, id: r.id }));
    expect(page.items).toHaveLength(2);
    expect(decodeCursor(page.next_cursor!)).toEqual({ v: 2, id: "r2" });
    expect(pageOf(rows, 3, (r) => ({ v: r.n, id: r.id })).next_cursor).toBeNull();
  });

  it("rejects a malformed cursor with a validation error", () => {
    expect(() => decodeCursor("%%%")).toThrow(/Malformed cursor/);
  });
});

describe("redaction", () => {
  it("masks credentials and elides base64", () => {
    const out = redact({
      apikey: "k",
      headers: { "x-parley-secret": "s" },
      hash: "h",
      qrcode: { base64: `data:image/png;base64,${"A".repeat(500)}` },
      ok: true,
    }) as Record<string, unknown>;
    expect(JSON.stringify(out)).not.toMatch(/"k"|"s"|"h"|AAAAAAAAAAAA/);
    expect(out.ok).toBe(true);
    expect(redactUrl("http://x/api?token=abc&q=1")).toBe("/api?token=[redacted]&q=1");
  });
});

describe("rate window", () => {
  it("allows `limit` events per period, refuses the rest without counting them, and frees up as seconds pass", () => {
    const w = new RateWindow(3, 10_000);
    const t0 = 1_700_000_000_000;
    expect([w.take(t0), w.take(t0 + 100), w.take(t0 + 5_000), w.take(t0 + 5_001)]).toEqual([true, true, true, false]);
    expect(w.take(t0 + 9_999)).toBe(false);
    // The first two (second t0) leave the 10-second window; the refused ones never counted.
    expect([w.take(t0 + 10_000), w.take(t0 + 10_001), w.take(t0 + 10_002)]).toEqual([true, true, false]);
    expect(w.take(t0 + 15_000)).toBe(true);
  });
});

describe("ttl cache", () => {
  it("runs a lazy thenable (a drizzle query) once, and serves its result until invalidated", async () => {
    let runs = 0;
    // Like a drizzle query: every then() runs it again.
    // biome-ignore lint/suspicious/noThenProperty: the point of the test is a hand-made thenable
    const lazy: PromiseLike<number> = { then: (ok, fail) => Promise.resolve(++runs).then(ok, fail) };
    const key = `test:lazy:${newId("contact")}`;
    expect(await cached(key, 60_000, () => lazy)).toBe(1);
    expect(await cached(key, 60_000, () => lazy)).toBe(1);
    expect(await cached(key, 60_000, () => lazy)).toBe(1);
    expect(runs).toBe(1);
    invalidate(key);
    expect(await cached(key, 60_000, () => lazy)).toBe(2);
  });

  it("keeps a real drizzle query's rows: a hit does not query D1 again", async () => {
    const db = getDb(env.DB);
    const key = `test:workflows:${newId("contact")}`;
    const before = await cached(key, 60_000, () => listActiveMenus(db));
    // Written behind the cache's back (the API invalidates; this does not): a hit must not see it.
    await db.insert(menuTemplates).values({ id: newId("workflow"), name: `cache-${key}`, menuStructure: {} });
    expect(await cached(key, 60_000, () => listActiveMenus(db))).toEqual(before);
    invalidate(key);
    expect((await cached(key, 60_000, () => listActiveMenus(db))).length).toBe(before.length + 1);
  });

  it("keeps at most maxEntries (the oldest goes) and reloads after the TTL", async () => {
    const cache = new TtlCache<string>(2);
    let loads = 0;
    const load = (v: string) => async () => {
      loads++;
      return v;
    };
    await cache.get("a", 60_000, load("a"));
    await cache.get("b", 60_000, load("b"));
    await cache.get("c", 60_000, load("c"));
    expect(loads).toBe(3);
    expect(await cache.get("b", 60_000, load("b2"))).toBe("b");
    expect(await cache.get("a", 60_000, load("a2"))).toBe("a2");
    expect(await cache.get("z", 0, load("z"))).toBe("z");
    expect(await cache.get("z", 0, load("z2"))).toBe("z2");
  });

  it("forgets a failed load", async () => {
    const key = `test:fail:${newId("contact")}`;
    await expect(cached(key, 60_000, () => Promise.reject(new Error("down")))).rejects.toThrow("down");
    expect(await cached(key, 60_000, async () => 7)).toBe(7);
  });
});

describe("json depth", () => {
  const nested = (n: number) => JSON.parse(`{"x":${"[".repeat(n - 1)}1${"]".repeat(n - 1)}}`) as unknown;

  it("finds the path to the first container past the bound, and nothing within it", () => {
    expect(jsonTooDeep(1, 0)).toBeNull();
    expect(jsonTooDeep({}, 1)).toBeNull();
    expect(jsonTooDeep({}, 0)).toEqual([]);
    expect(jsonTooDeep(nested(3), 3)).toBeNull();
    expect(jsonTooDeep(nested(4), 3)).toEqual(["x", "0", "0"]);
    expect(jsonTooDeep({ a: [1, { b: "s" }], c: { d: { e: {} } } }, 3)).toEqual(["c", "d", "e"]);
    expect(jsonTooDeep({ ["k".repeat(500)]: { y: {} } }, 2)?.[0]).toHaveLength(64);
  });

  it("walks 200,000 levels without overflowing the stack, and ends on a cycle", () => {
    expect(jsonTooDeep(nested(200_000), 32)).toHaveLength(32);
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(jsonTooDeep(loop, 10)).toHaveLength(10);
  });

  it("clips past the bound, keeps the rest and own __proto__ keys as data", () => {
    const value = JSON.parse('{"a":{"b":{"c":{"d":1}},"n":[1,[2]]},"__proto__":{"p":1},"s":"t"}') as unknown;
    const out = clipJsonDepth(value, 2, "[cut]") as Record<string, unknown>;
    expect(out).toEqual(JSON.parse('{"a":{"b":"[cut]","n":"[cut]"},"__proto__":{"p":1},"s":"t"}'));
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(clipJsonDepth(value, 3, "[cut]")).toEqual(JSON.parse('{"a":{"b":{"c":"[cut]"},"n":[1,"[cut]"]},"__proto__":{"p":1},"s":"t"}'));
    const deep = clipJsonDepth(nested(100_000), 32, "[cut]");
    expect(jsonTooDeep(deep, 32)).toBeNull();
    expect(JSON.stringify(deep)).toBe(`{"x":${"[".repeat(31)}"[cut]"${"]".repeat(31)}}`);
  });
});

describe("time", () => {
  it("iso() never throws: out-of-range times clamp to 1970…9999, non-numbers read as the epoch", () => {
    expect(iso(1763900123000)).toBe("2025-11-23T12:15:23.000Z");
    expect(iso(null)).toBeNull();
    expect(iso(1e20)).toBe("9999-12-31T23:59:59.999Z");
    expect(iso(Number.POSITIVE_INFINITY)).toBe("9999-12-31T23:59:59.999Z");
    expect(iso(-5)).toBe("1970-01-01T00:00:00.000Z");
    expect(iso(Number.NaN)).toBe("1970-01-01T00:00:00.000Z");
    expect(iso("garbage" as unknown as number)).toBe("1970-01-01T00:00:00.000Z");
  });

  it("plausibleTime() keeps 2009 … a day after now, and nothing else", () => {
    const now = Date.UTC(2026, 0, 1);
    expect(plausibleTime(now - 1000, now)).toBe(now - 1000);
    expect(plausibleTime(EARLIEST_MS, now)).toBe(EARLIEST_MS);
    expect(plausibleTime(now + 23 * 3600_000, now)).toBe(now + 23 * 3600_000);
    for (const bad of [EARLIEST_MS - 1, now + 25 * 3600_000, 1e20, Number.NaN, Number.POSITIVE_INFINITY, -1]) expect(plausibleTime(bad, now)).toBeNull();
  });
});
