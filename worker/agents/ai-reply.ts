// The model side of agent replies (CONVENTIONS §18): draftReply() takes the model as an argument,
// so production passes Workers AI, local dev an OpenAI-compatible server, tests a mock.
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { generateText, isStepCount, type LanguageModel, type ModelMessage, type ToolSet } from "ai";
import { createWorkersAI } from "workers-ai-provider";

/** Tool steps plus the final answer; a model that keeps calling tools is cut off here. */
export const MAX_STEPS = 4;

export type Draft = { text: string; toolCalls: string[]; steps: number };

/**
 * One reply: instructions (system) + history, with tools and a bounded number of steps. The SDK's
 * own retries are off (maxRetries: 0): the queue owns retries, with backoff and a cap, so one
 * failing model never multiplies calls.
 */
export async function draftReply(opts: {
  model: LanguageModel;
  instructions: string;
  messages: ModelMessage[];
  tools?: ToolSet;
  maxSteps?: number;
  abortSignal?: AbortSignal;
}): Promise<Draft> {
  const result = await generateText({
    model: opts.model,
    instructions: opts.instructions,
    messages: opts.messages,
    tools: opts.tools,
    stopWhen: isStepCount(opts.maxSteps ?? MAX_STEPS),
    maxRetries: 0,
    abortSignal: opts.abortSignal,
  });
  return {
    text: result.text.trim(),
    toolCalls: result.steps.flatMap((s) => s.toolCalls.map((c) => c.toolName)),
    steps: result.steps.length,
  };
}

export type ModelChoice = { ok: true; model: LanguageModel; label: string } | { ok: false; reason: string };

type ModelFactory = (agent: { model: string }) => LanguageModel;
let injected: ModelFactory | null = null;

/** Tests only: every agent uses this model (e.g. MockLanguageModelV4) until reset with null. */
export function setModelForTests(factory: ModelFactory | null): void {
  injected = factory;
}

/**
 * Which model answers for `agent`: an OpenAI-compatible endpoint when AI_BASE_URL is set (local
 * dev: Ollama, llama.cpp; AI_MODEL overrides the agent's Workers AI id, AI_API_KEY when the
 * server wants one), else Workers AI through the AI binding. Neither → unavailable: the
 * conversation goes to a human; nothing is ever made up.
 */
export function modelFor(env: Env, agent: { model: string }): ModelChoice {
  if (injected) return { ok: true, model: injected(agent), label: "injected" };
  const baseURL = env.AI_BASE_URL?.trim();
  if (baseURL) {
    const apiKey = (env as { AI_API_KEY?: string }).AI_API_KEY || undefined;
    const provider = createOpenAICompatible({ name: "local", baseURL: baseURL.replace(/\/+$/, ""), apiKey });
    const id = env.AI_MODEL?.trim() || agent.model;
    return { ok: true, model: provider.chatModel(id), label: `${baseURL} ${id}` };
  }
  // The AI binding is declared only for deployment (see wrangler.toml), so it is optional here.
  const ai = (env as { AI?: Ai }).AI;
  if (ai) return { ok: true, model: createWorkersAI({ binding: ai })(agent.model), label: `workers-ai ${agent.model}` };
  return { ok: false, reason: "no Workers AI binding and no AI_BASE_URL" };
}

/**
 * Failures that retrying cannot fix: Workers AI without an account (local dev says "needs to be
 * run remotely"), authentication, an unknown model or a rejected request.
 */
export function isPermanentAiError(err: unknown): boolean {
  const text = `${err instanceof Error ? `${err.name} ${err.message}` : String(err)}`;
  if (/run remotely|not logged in|authenticat|unauthori[sz]ed|forbidden|no such model|model not found|invalid model/i.test(text)) return true;
  const status = (err as { statusCode?: unknown }).statusCode;
  return typeof status === "number" && status >= 400 && status < 500 && status !== 408 && status !== 429;
}

/** Errors meaning no model is reachable at all (as opposed to this call failing). */
export function isUnavailableError(err: unknown): boolean {
  const text = err instanceof Error ? err.message : String(err);
  return /run remotely|not logged in|ECONNREFUSED|fetch failed|Failed to fetch|Network connection lost/i.test(text);
}
