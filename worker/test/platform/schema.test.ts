import { env } from "cloudflare:workers";
import { getTableConfig, type SQLiteTable } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import { getDb } from "../../platform/db/client";
import { dbErrorMessage } from "../../platform/db/errors";
import * as schema from "../../platform/db/schema";
import { newId } from "../../platform/lib/ids";

const failure = (p: Promise<unknown>) => p.then(() => "no error", dbErrorMessage);

const tables = (Object.values(schema) as unknown[]).filter(
  (v): v is SQLiteTable => typeof v === "object" && v !== null && Symbol.for("drizzle:IsDrizzleTable") in v,
);

type ColumnInfo = { name: string; type: string; notnull: number; pk: number };

describe("migrated database agrees with the drizzle schema", () => {
  it("has exactly the tables of PRODUCT.md §3, the outbox (§7) and the team (issue 17)", async () => {
    const { results } = await env.DB.prepare(
      "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name != 'd1_migrations' ORDER BY name",
    ).all<{ name: string }>();
    const inDb = results.map((r) => r.name).sort();
    const inSchema = tables.map((t) => getTableConfig(t).name).sort();
    expect(inDb).toEqual(inSchema);
    expect(inSchema).toEqual([
      "agents",
      "api_keys",
      "audit_log",
      "campaign_messages",
      "campaign_recipients",
      "campaigns",
      "contact_tags",
      "contacts",
      "conversation_notes",
      "conversation_state",
      "conversations",
      "instances",
      "invites",
      "messages",
      "outbox",
      "sessions",
      "unit_members",
      "units",
      "users",
      "webhook_events",
      "workflow_templates",
    ]);
  });

  it.each(tables.map((t) => [getTableConfig(t).name, t] as const))("%s: same columns, types, nullability, keys", async (name, table) => {
    const cfg = getTableConfig(table);
    const { results } = await env.DB.prepare(`PRAGMA table_info(${name})`).all<ColumnInfo>();
    const compositePk = new Set(cfg.primaryKeys.flatMap((pk) => pk.columns.map((c) => c.name)));
    const fromSchema = cfg.columns
      .map((c) => ({
        name: c.name,
        type: c.getSQLType().toUpperCase(),
        notnull: c.notNull || c.primary ? 1 : 0,
        pk: c.primary || compositePk.has(c.name),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
    const fromDb = results
      .map((c) => ({ name: c.name, type: c.type.toUpperCase(), notnull: c.notnull, pk: c.pk > 0 }))
      .sort((a, b) => a.name.localeCompare(b.name));
    expect(fromDb).toEqual(fromSchema);

    const { results: idx } = await env.DB.prepare(`PRAGMA index_list(${name})`).all<{ name: string; unique: number; origin: string }>();
    const dbIndexes = idx
      .filter((i) => i.origin === "c")
      .map((i) => `${i.name}:${i.unique}`)
      .sort();
    const schemaIndexes = [
      ...cfg.indexes.map((i) => `${i.config.name}:${i.config.unique ? 1 : 0}`),
      ...cfg.columns.filter((c) => c.isUnique).map((c) => `${c.uniqueName}:1`),
    ].sort();
    expect(dbIndexes).toEqual(schemaIndexes);
  });
});

describe("constraints the behaviour needs", () => {
  const db = getDb(env.DB);

  it("refuses a second contact with the same number", async () => {
    const number = `+1555${Math.floor(Math.random() * 1e7)
      .toString()
      .padStart(7, "0")}`;
    await db.insert(schema.contacts).values({ id: newId("contact"), whatsappNumber: number });
    expect(await failure(db.insert(schema.contacts).values({ id: newId("contact"), whatsappNumber: number }))).toMatch(
      /UNIQUE constraint failed: contacts.whatsapp_number/,
    );
  });

  it("refuses a duplicate external message id on one instance, allows it on another", async () => {
    const instanceId = newId("instance");
    await db.insert(schema.instances).values({ id: instanceId, name: `i-${instanceId}`, number: "+15550001", webhookSecret: "s" });
    const contactId = newId("contact");
    await db.insert(schema.contacts).values({ id: contactId, whatsappNumber: `+1666${Date.now() % 1e7}` });
    const conversationId = newId("conversation");
    await db.insert(schema.conversations).values({ id: conversationId, instanceId, instanceName: "i", contactId });
    const msg = { conversationId, instanceId, type: "text" as const, fromMe: false, sender: "contact" as const, externalId: "ABC123" };
    await db.insert(schema.messages).values({ id: newId("message"), ...msg });
    expect(await failure(db.insert(schema.messages).values({ id: newId("message"), ...msg }))).toMatch(
      /UNIQUE constraint failed: messages.instance_id, messages.external_id/,
    );
    await db.insert(schema.messages).values({ id: newId("message"), ...msg, instanceId: newId("instance") });
  });

  it("keeps one active conversation per instance and contact, any number archived", async () => {
    const instanceId = newId("instance");
    await db.insert(schema.instances).values({ id: instanceId, name: `i-${instanceId}`, number: "+15550002", webhookSecret: "s" });
    const contactId = newId("contact");
    await db.insert(schema.contacts).values({ id: contactId, whatsappNumber: `+1777${Date.now() % 1e7}` });
    const row = { instanceId, instanceName: "i", contactId };
    await db.insert(schema.conversations).values({ id: newId("conversation"), ...row });
    expect(await failure(db.insert(schema.conversations).values({ id: newId("conversation"), ...row }))).toMatch(/UNIQUE/);
    await db.insert(schema.conversations).values({ id: newId("conversation"), ...row, status: "archived" });
    await db.insert(schema.conversations).values({ id: newId("conversation"), ...row, status: "archived" });
  });

  it("deleting a contact removes its tag rows", async () => {
    const contactId = newId("contact");
    await db.insert(schema.contacts).values({ id: contactId, whatsappNumber: `+1888${Date.now() % 1e7}` });
    await db.insert(schema.contactTags).values([
      { contactId, tag: "vip" },
      { contactId, tag: "lead" },
    ]);
    await env.DB.prepare("DELETE FROM contacts WHERE id = ?").bind(contactId).run();
    const left = await env.DB.prepare("SELECT count(*) AS n FROM contact_tags WHERE contact_id = ?").bind(contactId).first<{ n: number }>();
    expect(left?.n).toBe(0);
  });

  it("fills epoch-ms timestamps by default", async () => {
    const id = newId("contact");
    const before = Date.now();
    await db.insert(schema.contacts).values({ id, whatsappNumber: `+1999${Date.now() % 1e7}` });
    const row = await env.DB.prepare("SELECT created_at, updated_at FROM contacts WHERE id = ?").bind(id).first<{ created_at: number; updated_at: number }>();
    expect(row!.created_at).toBeGreaterThanOrEqual(before - 1000);
    expect(row!.created_at).toBeLessThanOrEqual(Date.now() + 1000);
  });
});
