/** Parsed JSON's plain object (not null, not an array): the one place `unknown` JSON is told apart. */
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
