// The WebSocket keep-alive frames: the Durable Objects' runtime answers PING with PONG without
// waking the object (setWebSocketAutoResponse). Kept apart from ws-events.ts so the dashboard
// can import them without bundling zod.
export const PING = "ping";
export const PONG = "pong";
