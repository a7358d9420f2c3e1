import { defineConfig } from "drizzle-kit";

// Run from the repository root: `npm run db:generate`.
export default defineConfig({
  dialect: "sqlite",
  schema: "./worker/platform/db/schema/index.ts",
  out: "./migrations",
});
