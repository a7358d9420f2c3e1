// Hibernatable WebSocket chores shared by the Durable Objects (CONVENTIONS §14): the runtime
// holds the socket list (`ctx.getWebSockets()`), never a field.

/** Sends one frame to every open socket (optionally of one tag); returns how many got it. */
export function sendToAll(ctx: DurableObjectState, frame: string, tag?: string): number {
  let delivered = 0;
  for (const ws of ctx.getWebSockets(tag)) {
    if (ws.readyState !== WebSocket.OPEN) continue;
    try {
      ws.send(frame);
      delivered++;
    } catch {
      // A socket that died mid-send is cleaned up by its close/error handler.
    }
  }
  return delivered;
}

/** Closes a socket, ignoring one that is already closed. */
export function closeQuietly(ws: WebSocket, code: number, reason: string): void {
  try {
    ws.close(code, reason);
  } catch {
    // already closed
  }
}

/** webSocketClose: reciprocate the client's close (1005 "no status" is not sendable). */
export const reciprocateClose = (ws: WebSocket, code: number, reason: string) => closeQuietly(ws, code === 1005 ? 1000 : code, reason);
