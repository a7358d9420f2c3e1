// The message events' items are narrowed once, at the door of the inbox: what an item cannot do
// without makes it unusable, a field of the wrong type reads as absent, and the item as it
// arrived is what gets stored.
import { describe, expect, it } from "vitest";
import { deleteKey, messageItem, updateItems } from "../../inbox/webhook-items";

describe("message items", () => {
  it("need an object with a key.id string", () => {
    for (const bad of [null, 1, "x", [], [{ key: { id: "A" } }], {}, { key: [] }, { key: { id: 7 } }, { key: "A" }]) expect(messageItem(bad)).toBeNull();
    expect(messageItem({ key: { id: "" } })?.key.id).toBe("");
  });

  it("read a field of the wrong type as absent and keep the item as it arrived", () => {
    const raw = { key: { id: "A", remoteJid: 5, remoteJidAlt: "1@s.whatsapp.net", fromMe: "yes" }, pushName: 3, messageType: ["x"], extra: { deep: 1 } };
    const item = messageItem(raw)!;
    expect(item.key).toMatchObject({ id: "A", remoteJid: undefined, remoteJidAlt: "1@s.whatsapp.net", fromMe: undefined });
    expect(item.pushName).toBeUndefined();
    expect(item.messageType).toBeUndefined();
    expect(item.raw).toBe(raw);
  });
});

describe("update items", () => {
  it("skip what has no keyId string and read a bad status or jid as absent", () => {
    const items = updateItems([null, [], { keyId: 1 }, { status: "READ" }, { keyId: "A", status: {}, remoteJid: 4 }, { keyId: "B", status: 3 }]);
    expect(items).toMatchObject([
      { keyId: "A", status: undefined, remoteJid: undefined },
      { keyId: "B", status: 3 },
    ]);
    expect(updateItems({ keyId: "C", status: "READ" })).toMatchObject([{ keyId: "C", status: "READ" }]);
    expect(updateItems(null)).toEqual([]);
  });
});

describe("delete keys", () => {
  it("are the data itself, or its key when that is an object", () => {
    expect(deleteKey({ id: "A", remoteJid: "1@g.us" })).toMatchObject({ id: "A", remoteJid: "1@g.us" });
    expect(deleteKey({ key: { id: "B" }, id: "A" })?.id).toBe("B");
    // A key object without an id is no key, even when the data has one.
    expect(deleteKey({ key: {}, id: "A" })).toBeNull();
    expect(deleteKey({ key: "x", id: "A" })?.id).toBe("A");
    expect(deleteKey({ key: [], id: "A" })?.id).toBe("A");
    for (const bad of [null, "A", [], { id: 1 }]) expect(deleteKey(bad)).toBeNull();
    expect(deleteKey({ id: "A", remoteJid: 9 })?.remoteJid).toBeUndefined();
  });
});
