import { app } from "./app";
import { handleQueue } from "./queues";

export { Hub } from "./platform/realtime/hub";
export { SendClock } from "./campaigns/send-clock";
export { WaInstance } from "./instances/wa-instance";

export default {
  fetch: app.fetch,
  queue: handleQueue,
} satisfies ExportedHandler<Env>;
