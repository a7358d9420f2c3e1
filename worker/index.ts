import { app } from "./app";

export { Hub } from "./durable-objects/hub";

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
