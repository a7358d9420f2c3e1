// Hibernatable WebSocket chores shared by the Durable Objects (CONVENTIONS §14): the runtime
// holds the socket list (`ctx.getWebSockets()`), never a field.

/** Sends one frame to every open socket (optionally of one tag); returns how many got it. */
export function sendToAll(ctx: DurableObjectState, frame: string, tag?: string): number {
  let delivered = 0;
  for (const ws of ctx.getWebSockets(tag)) {
    if (ws.readyState === WebSocket.OPEN && trySend(ws, frame)) delivered++;
  }
  return delivered;
}

/** Sends one frame; false when the socket died mid-send (its close/error handler cleans up). */
export function trySend(ws: WebSocket, frame: string): boolean {
  try {
    ws.send(frame);
    return true;
  } catch {
    return false;
  }
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
