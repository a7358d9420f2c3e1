import { app } from "./app";

export { Hub } from "./durable-objects/hub";
export { WaInstance } from "./durable-objects/wa-instance";

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
