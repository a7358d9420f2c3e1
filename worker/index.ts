import { app } from "./app";
import { handleQueue } from "./queues";

export { SendClock } from "./campaigns/send-clock";
export { WaInstance } from "./instances/wa-instance";
export { Hub } from "./platform/realtime/hub";

export default {
  fetch: app.fetch,
  queue: handleQueue,
} satisfies ExportedHandler<Env>;
