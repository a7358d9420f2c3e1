import { describe, expect, it } from "vitest";
import { api, jsonOf, uid } from "../helpers";
import { brMobile, type Contact, createContact, type Page, tagRows } from "./contacts.fixtures";

type Report = { created: number; updated: number; rejected_count: number; rejected: { row: number; reason: string }[] };

async function importCsv(csv: string, type = "text/csv"): Promise<Report> {
  const res = await api("/api/contacts/import", { method: "POST", body: csv, headers: { "content-type": type } });
  expect(res.status, await res.clone().text()).toBe(200);
  return jsonOf<Report>(res);
}

describe("CSV import", () => {
  it("keeps good rows, reports bad ones by row number, and merges by number", async () => {
    const t = uid();
    const existing = await createContact({ name: "Old name", description: "kept", tags: [`old${t}`] });
    const fresh = brMobile();
    const csv = [
      "Name,WhatsApp_Number,DESCRIPTION,Country,Tags,ignored",
      `"Silva, Ana",${fresh},"said ""hi""\nsecond line",,vip${t}; Lead${t} ,x`,
      `Nobody,not-a-number,,,,`,
      `Bad tag,${brMobile()},,,"a,b${t}",`,
      `Bad country,${brMobile()},,XX,,`,
      `,${existing.whatsapp_number.replace("+55", "0")},,,new${t},`,
      `Dup,${fresh.replace("+55", "")},,,second${t},`,
      ``,
    ].join("\r\n");
    const report = await importCsv(`\uFEFF${csv}`);
    expect(report.created).toBe(1);
    expect(report.updated).toBe(2);
    // Rows count records (header = 1), so the quoted newline in row 2 does not shift them.
    expect(report.rejected.map((r) => r.row)).toEqual([3, 4, 5]);
    expect(report.rejected_count).toBe(3);
    expect(report.rejected[0]?.reason).toMatch(/whatsapp_number/);
    expect(report.rejected[2]?.reason).toMatch(/country/);

    const found = await jsonOf<Page>(await api(`/api/contacts?tags=vip${t}`));
    expect(found.count).toBe(1);
    const ana = found.items[0] as Contact;
    expect(ana).toMatchObject({ name: "Dup", description: 'said "hi"\nsecond line', country: "BR" });
    expect(ana.tags).toEqual([`vip${t}`, `lead${t}`, `second${t}`]);
    expect(await tagRows(ana.id)).toEqual([`lead${t}`, `second${t}`, `vip${t}`]);

    const merged = await jsonOf<Contact>(await api(`/api/contacts/${existing.id}`));
    expect(merged).toMatchObject({ name: "Old name", description: "kept", tags: [`old${t}`, `new${t}`] });
    expect(await tagRows(existing.id)).toEqual([`new${t}`, `old${t}`]);
  });

  it("accepts multipart uploads and refuses a file without a number column", async () => {
    const form = new FormData();
    form.set("file", new File([`phone,name\n${brMobile()},Multi\n`], "c.csv", { type: "text/csv" }));
    const res = await api("/api/contacts/import", { method: "POST", body: form });
    expect(res.status).toBe(200);
    expect((await jsonOf<Report>(res)).created).toBe(1);
    const noNumber = await api("/api/contacts/import", {
      method: "POST",
      body: "name,tags\nA,b\n",
      headers: { "content-type": "text/csv" },
    });
    expect(noNumber.status).toBe(400);
    expect((await jsonOf<{ error: { details: { path: string }[] } }>(noNumber)).error.details[0]?.path).toBe("whatsapp_number");
    const wrongType = await api("/api/contacts/import", { method: "POST", json: { a: 1 } });
    expect(wrongType.status).toBe(415);
  });

  it("imports 5,000 rows in chunks", async () => {
    const t = uid();
    const lines = ["whatsapp_number,name,tags"];
    // 212-555-1000…5999: unique within the file; another run in this file would merge, not fail.
    for (let i = 0; i < 5000; i++) lines.push(`+1 212 555 ${1000 + i},N${i},bulk${t};z${i % 7}${t}`);
    const report = await importCsv(lines.join("\n"));
    expect(report.rejected_count).toBe(0);
    expect(report.created + report.updated).toBe(5000);
    expect((await jsonOf<Page>(await api(`/api/contacts?tags=bulk${t}&limit=1`))).count).toBe(5000);
  });
});

describe("CSV export", () => {
  it("streams the filtered contacts with proper quoting, and re-imports cleanly", async () => {
    const t = uid();
    await createContact({ name: 'Quote "Q", comma', description: "=SUM(A1)\nline", tags: [`exp${t}`, "two"] });
    await createContact({ name: "Plain", tags: [`exp${t}`] });
    await createContact({ name: "Not exported" });
    const res = await api(`/api/contacts/export?tags=exp${t}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/csv/);
    const text = await res.text();
    const lines = text.trimEnd().split("\r\n");
    expect(lines[0]).toBe("id,name,whatsapp_number,description,country,tags,opted_out,created_at");
    expect(text).toContain('"Quote ""Q"", comma"');
    expect(text).toContain('"\'=SUM(A1)\nline"');
    expect(text).toContain(`exp${t};two`);
    expect(text).not.toContain("Not exported");
    const again = await importCsv(text);
    expect(again).toMatchObject({ created: 0, updated: 2, rejected_count: 0 });
    const back = await jsonOf<Page>(await api(`/api/contacts?tags=exp${t},two`));
    expect(back.items[0]?.description).toBe("=SUM(A1)\nline");
  });
});
