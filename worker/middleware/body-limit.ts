import { bodyLimit } from "hono/body-limit";
import { ApiError } from "../errors";

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
