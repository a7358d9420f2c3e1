// Failed credential attempts per client, on every path (sign-in, bearer, cookie): the
// LOGIN_LIMITER binding counts failures; once a client has spent them, every credential it
// sends is answered 429 before it is checked, until the window has passed. The block list is
// per isolate (the binding itself is per location): a guesser spread over many isolates is
// still held to the binding's count of failures.
import { ApiError } from "../errors";

const WINDOW_MS = 60_000;
const blocked = new Map<string, number>();

export const clientOf = (req: { header: (name: string) => string | undefined }) => req.header("cf-connecting-ip") ?? "local";

export function assertNotBlocked(client: string, now = Date.now()): void {
  const until = blocked.get(client);
  if (until === undefined) return;
  if (until > now) throw new ApiError(429, "rate_limited", "Too many failed sign-in attempts; wait a minute");
  blocked.delete(client);
}

/** Counts one failed attempt; throws 429 once the client is over the limit. */
export async function failedAttempt(env: Env, client: string, now = Date.now()): Promise<void> {
  const { success } = await env.LOGIN_LIMITER.limit({ key: `auth-fail:${client}` });
  if (success) return;
  if (blocked.size > 10_000) blocked.clear();
  blocked.set(client, now + WINDOW_MS);
  throw new ApiError(429, "rate_limited", "Too many failed sign-in attempts; wait a minute");
}
