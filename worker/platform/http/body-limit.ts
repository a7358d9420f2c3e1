import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { ApiError } from "../../errors";

/** Caps a request body; over the cap is a 413 in the documented error shape. */
export function limitBody(maxBytes: number) {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiError(413, "payload_too_large", `Request body exceeds ${maxBytes} bytes`);
    },
  });
}

export const DEFAULT_BODY_LIMIT = 256 * 1024;
const MB = 1024 * 1024;

// Routes that carry files (CSV imports, media as base64) get a larger cap than plain JSON.
const LARGER_LIMITS: [RegExp, number][] = [
  [/^\/api\/contacts\/import$/, 25 * MB],
  [/^\/api\/contacts\/bulk$/, 2 * MB],
  [/^\/api\/conversations\/[^/]+\/messages$/, 24 * MB],
  [/^\/api\/campaigns$/, 24 * MB],
  [/^\/webhooks\//, 32 * MB],
];

export function bodyLimitFor(path: string): number {
  return LARGER_LIMITS.find(([re]) => re.test(path))?.[1] ?? DEFAULT_BODY_LIMIT;
}

const limiters = new Map<number, ReturnType<typeof limitBody>>();

/** One middleware for every route: the cap depends on the path. */
export const limitBodyByPath: MiddlewareHandler = (c, next) => {
  const max = bodyLimitFor(c.req.path);
  let mw = limiters.get(max);
  if (!mw) limiters.set(max, (mw = limitBody(max)));
  return mw(c, next);
};
