import { app } from "./app";
import { handleQueue } from "./queues";

export { Hub } from "./durable-objects/hub";
export { SendClock } from "./durable-objects/send-clock";
export { WaInstance } from "./durable-objects/wa-instance";

export default {
  fetch: app.fetch,
  queue: handleQueue,
} satisfies ExportedHandler<Env>;
