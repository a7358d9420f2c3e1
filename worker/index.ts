import { app } from "./app";
import { sweepOutbox } from "./outbox/sweep";
import { handleQueue } from "./queues";

export { SendClock } from "./campaigns/send-clock";
export { WaInstance } from "./instances/wa-instance";
export { Hub } from "./platform/realtime/hub";

export default {
  fetch: app.fetch,
  queue: handleQueue,
  // The cron trigger (wrangler.toml [triggers]): the outbox sweeper.
  scheduled: async (_controller, env, ctx) => {
    ctx.waitUntil(sweepOutbox(env).then(() => undefined));
  },
} satisfies ExportedHandler<Env>;
