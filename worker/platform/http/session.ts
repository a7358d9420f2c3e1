import { timingSafeEqualStr } from "../lib/crypto";

const MIN_TOKEN_LENGTH = 16;

/** The admin token, or null when it is missing or too short to be safe. */
export function adminToken(env: Env): string | null {
  const t = env.ADMIN_TOKEN;
  return typeof t === "string" && t.length >= MIN_TOKEN_LENGTH ? t : null;
}

export async function tokenMatches(env: Env, candidate: string): Promise<boolean> {
  const token = adminToken(env);
  return token !== null && (await timingSafeEqualStr(candidate, token));
}
