// The Node side of the simulator's server faults (faults.ts): a response marked x-sim-fault is
// replaced by what a broken Evolution server does to the socket. drop and refuse destroy it, so the
// client sees a reset connection with no answer (refuse is decided per request, before any route
// runs: "the connection fails at once" as closely as HTTP allows); hang keeps it open and answers
// nothing until the client gives up and closes it.
import type { Http2Bindings, HttpBindings } from "@hono/node-server";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import { FAULT_HEADER } from "./faults";

type AppFetch = (req: Request, env: HttpBindings | Http2Bindings) => Response | Promise<Response>;

/** Wraps the simulator's fetch for @hono/node-server's `serve({fetch})`. */
export function withSocketFaults(appFetch: AppFetch): AppFetch {
  return async (req, env) => {
    const res = await appFetch(req, env);
    const mark = res.headers.get(FAULT_HEADER);
    if (!mark) return res;
    await res.body?.cancel();
    const socket = env.incoming.socket;
    if (mark === "hang") {
      // No timer: the request is settled when the client closes the socket (abort or timeout).
      if (!socket.destroyed) await new Promise<void>((resolve) => socket.once("close", () => resolve()));
    } else {
      socket.destroy();
    }
    // Tells node-server that nothing is left to write.
    return RESPONSE_ALREADY_SENT;
  };
}
