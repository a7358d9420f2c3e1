// Runs keyword-triggered menus on inbound text (PRODUCT.md §5.7). Called for every inbound
// text message; "handled" means the menu answered and nobody else (e.g. the AI agent) should.

import { getConversation } from "../inbox/conversations.queries";
import { queueOutbound } from "../inbox/outbound";
import { getDb } from "../platform/db/client";
import { newId } from "../platform/lib/ids";
import { CACHE_KEYS, cached, HOT_TTL_MS } from "../platform/lib/ttl-cache";
import { publish } from "../platform/realtime/publish";
import { advance, findTrigger, renderStep } from "../shared/menu-engine";
import type { EndAction, MenuStructure } from "../shared/menu-schema";
import { applyMenuEnd } from "./end";
import { clearFlowState, getFlowState, getMenuByName, listActiveMenus, type MenuRow, saveFlowState } from "./menus.queries";

export type MenuInbound = { instanceId: string; contactId: string; conversationId: string; text: string };
export type MenuOutcome = "handled" | "none";

const menuOf = (w: MenuRow) => w.menuStructure as MenuStructure;
const ttlMs = (m: MenuStructure) => m.ttl_minutes * 60_000;

async function say(env: Env, conversationId: string, text: string): Promise<void> {
  const conv = await getConversation(getDb(env.DB), conversationId);
  if (conv) await queueOutbound(env, conv, { type: "text", content: text }, "workflow");
}

export async function runMenus(env: Env, msg: MenuInbound, now = Date.now()): Promise<MenuOutcome> {
  const text = msg.text.trim();
  if (!text) return "none";
  const db = getDb(env.DB);
  // No active menu means no flow can be running (an inactive template's flow resets): the
  // usual case costs no query.
  const templates = await cached(CACHE_KEYS.activeMenus, HOT_TTL_MS, () => listActiveMenus(db));
  if (!templates.length) return "none";
  const state = await getFlowState(db, msg.instanceId, msg.contactId);

  // A trigger keyword starts the flow — and restarts it mid-flow.
  const trigger = findTrigger(
    text,
    templates.map((t) => ({ ...t, menu: menuOf(t), triggerKeywords: t.triggerKeywords })),
  );
  if (trigger) {
    const menu = trigger.menu;
    await saveFlowState(db, {
      id: state?.id ?? newId("conversationState"),
      contactId: msg.contactId,
      instanceId: msg.instanceId,
      conversationFlow: trigger.name,
      currentStep: menu.start,
      context: {},
      expiresAt: now + ttlMs(menu),
    });
    await say(env, msg.conversationId, renderStep(menu.steps[menu.start]!, {}));
    await publish(env, "conversations", msg.conversationId);
    return "handled";
  }
  if (!state) return "none";

  const template = await getMenuByName(db, state.conversationFlow);
  if (state.expiresAt <= now || !template || !template.isActive) {
    // Expired (or its template is gone): the flow resets and the message goes on as usual.
    await clearFlowState(db, msg.instanceId, msg.contactId);
    await publish(env, "conversations", msg.conversationId);
    return "none";
  }
  const menu = menuOf(template);
  const context = state.context as Record<string, unknown>;
  const r = advance(menu, state.currentStep, text, context);
  if (r.kind === "invalid") {
    const step = menu.steps[state.currentStep];
    await say(env, msg.conversationId, step ? `${r.hint}\n\n${renderStep(step, context)}` : r.hint);
    await saveFlowState(db, { ...state, expiresAt: now + ttlMs(menu) });
    return "handled";
  }
  if (r.kind === "moved") {
    await saveFlowState(db, { ...state, currentStep: r.step, context: r.context, expiresAt: now + ttlMs(menu) });
    await say(env, msg.conversationId, renderStep(menu.steps[r.step]!, r.context));
    await publish(env, "conversations", msg.conversationId);
    return "handled";
  }
  await finish(env, msg, menu.steps[r.step]!.prompt ? renderStep(menu.steps[r.step]!, r.context) : null, r.end);
  return "handled";
}

async function finish(env: Env, msg: MenuInbound, text: string | null, end: EndAction): Promise<void> {
  await clearFlowState(getDb(env.DB), msg.instanceId, msg.contactId);
  if (text) await say(env, msg.conversationId, text);
  await applyMenuEnd(env, msg.conversationId, msg.contactId, end);
  await publish(env, "conversations", msg.conversationId);
}
