import { createModel, effect, type ReadonlySignal, signal } from "@preact/signals";
import { ApiError, api, call, type Ok } from "../api/client";
import { realtime } from "./realtime";

export type Note = Ok<Awaited<ReturnType<(typeof api.conversations)[":id"]["notes"]["$get"]>>>["items"][number];

const byTime = (a: Note, b: Note) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id);

/** A conversation's private notes (never sent to WhatsApp): loaded, and refetched live. */
export const NotesModel = createModel((id: string) => {
  const notes = signal<Note[]>([]);
  const error = signal<string | null>(null);
  const param = { id };
  // Only the newest load writes, and not one that started before a note of ours was added:
  // its answer may predate the note (a resync's fetch racing the POST) and would hide it.
  let seq = 0;
  let added = 0;
  const load = async () => {
    const mine = ++seq;
    const addedBefore = added;
    try {
      const items = (await call(api.conversations[":id"].notes.$get({ param }))).items.sort(byTime);
      if (mine !== seq) return;
      if (addedBefore !== added) return void load();
      notes.value = items;
      error.value = null;
    } catch (err) {
      error.value = err instanceof ApiError ? err.message : "Could not load the notes";
    }
  };
  void load();
  effect(() =>
    realtime.on(["notes"], (e) => {
      const data = e?.data as { conversation_id?: string } | undefined;
      if (!e || data?.conversation_id === id) void load();
    }),
  );
  return {
    notes: notes as ReadonlySignal<Note[]>,
    error: error as ReadonlySignal<string | null>,
    /** Writes a note; its mentions are told at once. Throws the API's error. */
    async add(text: string, mentionIds: string[]) {
      const note = await call(api.conversations[":id"].notes.$post({ param, json: { text, ...(mentionIds.length ? { mention_ids: mentionIds } : {}) } }));
      added++;
      if (!notes.peek().some((n) => n.id === note.id)) notes.value = [...notes.peek(), note].sort(byTime);
    },
  };
});
